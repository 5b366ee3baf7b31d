/* Staff procedure editor: a form for the common fields (documents, fees, steps...) and a full JSON mode. */
(function () {
  "use strict";
  var S = window.LtsStaff;
  var el = S.el;

  /* What the assistant reads from each field (see assistant/actions/answers.py), shown beside the field. */
  var READS = {
    name: "Trợ lý đọc tên này (bỏ chữ “Thủ tục” ở đầu). / Chat reads this name.",
    field: "Dùng để chọn quầy tiếp nhận. / Picks the desk.",
    documents: "Trợ lý đọc “Tên giấy tờ” (đến dấu chấm đầu tiên), mẫu đơn trước; bỏ qua nhóm “Lưu ý”; nói 3 mục đầu. " +
      "/ Chat reads each document's name (first clause), forms first, skips the “Lưu ý” group, says the first 3.",
    steps: "Trợ lý nói bước 1 (bỏ “Bước 1:”), đọc hết khi người dân hỏi chi tiết. / Chat says step 1; all on “details”.",
    fee: "Trợ lý KHÔNG nói ô chữ này (nói “Số tiền”); thẻ trên màn hình chỉ hiện nó khi “Số tiền” trống. " +
      "/ Chat never says this text (it says the amount); the on-screen card shows it only when the amount is empty.",
    fee_amount_vnd: "Trợ lý nói số tiền này (của cách nộp Trực tiếp). Trống = “theo quy định của tỉnh”. " +
      "/ Chat says this amount (in-person channel); empty = “set by the province”.",
    fee_set_by_province: "Đánh dấu thì trợ lý nói “theo quy định của tỉnh”. / Chat then says “set by the province”.",
    processing_time: "Trợ lý đọc ô này (câu đầu, cách nộp Trực tiếp). / Chat reads this (first clause, in-person).",
    processing_days: "Chỉ dùng khi ô thời hạn chỉ có số. / Used only when the time text is a bare number.",
    channels: "Trợ lý nói có nộp trực tuyến được không từ danh sách cách nộp. / Chat says “online or not” from this list."
  };

  function reads(key) {
    return READS[key] ? el("span", { className: "reads", text: READS[key] }) : null;
  }

  var TEXT_FIELDS = [
    ["name", "Tên thủ tục", "Name", "input"],
    ["field", "Lĩnh vực", "Field", "input"],
    ["levels", "Cấp thực hiện (cách nhau dấu phẩy)", "Levels, comma separated", "list-comma"],
    ["procedure_type", "Loại thủ tục", "Procedure type", "input"],
    ["applicants", "Đối tượng thực hiện (mỗi dòng một mục)", "Applicants, one per line", "list-lines"],
    ["competent_body", "Cơ quan có thẩm quyền", "Competent body", "input"],
    ["performing_body", "Cơ quan thực hiện", "Performing body", "input"],
    ["submission_address", "Địa chỉ tiếp nhận hồ sơ", "Where to submit", "textarea"],
    ["conditions", "Yêu cầu, điều kiện", "Conditions", "textarea"],
    ["result", "Kết quả", "Result", "textarea"]
  ];
  var DOCUMENT_FIELDS = [["group", "Nhóm giấy tờ"], ["name", "Tên giấy tờ"], ["form", "Mẫu đơn"], ["copies", "Số lượng"]];
  var CHANNELS = [["in_person", "Trực tiếp"], ["online", "Trực tuyến"], ["post", "Dịch vụ bưu chính"]];
  var EMPTY_PROCEDURE = {
    code: "", name: "", field: "", levels: ["Cấp xã"], ward_level: true, decision: "", procedure_type: "",
    ministry: "", applicants: [], competent_body: "", performing_body: "", delegated_body: "",
    coordinating_body: "", submission_address: "", related_procedures: [], steps: [], channels: [], documents: [],
    legal_basis: [], conditions: "", result: "", source_url: ""
  };

  var state = { record: null, isNew: false, jsonMode: false, onSaved: null, onDeleted: null };
  var form = null;

  function field(id, labelVi, labelEn, control, key) {
    control.id = id;
    return [el("label", { "for": id }, [labelVi + " ", el("span", { className: "en", lang: "en", text: labelEn }),
      reads(key)]), control];
  }

  function removable(button) { return S.canEdit() ? button : null; }

  function itemInput(label, value, type) {
    var input = el("input", { type: type || "text", value: value === null || value === undefined ? "" : String(value) });
    return { label: el("label", {}, [label, input]), input: input };
  }

  function textItem(label, value) {
    var input = el("textarea", { value: value || "", rows: 2 });
    return { label: el("label", { className: "wide" }, [label, input]), input: input };
  }

  function documentBlock(doc, index) {
    var inputs = {};
    var grid = el("div", { className: "item-grid" });
    DOCUMENT_FIELDS.forEach(function (f) {
      var item = f[0] === "name" ? textItem(f[1], doc[f[0]]) : itemInput(f[1], doc[f[0]]);
      item.input.dataset.key = f[0];
      inputs[f[0]] = item.input;
      grid.appendChild(item.label);
    });
    var remove = el("button", { type: "button", className: "danger", text: "Bỏ giấy tờ này / Remove" });
    var box = el("fieldset", { className: "document" }, [el("legend", { text: "Giấy tờ " + (index + 1) }), grid,
      removable(remove)]);
    remove.addEventListener("click", function () { box.remove(); });
    return box;
  }

  /* The channel the assistant answers from: the first in-person one, else the first (answers.py _main_channel). */
  function mainChannel(channels) {
    for (var i = 0; i < channels.length; i++) { if (channels[i].channel === "in_person") { return i; } }
    return 0;
  }

  function channelBlock(ch, index, isMain) {
    var grid = el("div", { className: "item-grid" });
    var select = el("select", {}, CHANNELS.map(function (c) {
      return el("option", { value: c[0], text: c[1], selected: c[0] === ch.channel });
    }));
    select.dataset.key = "channel";
    grid.appendChild(el("label", {}, ["Cách nộp", select]));
    var first = isMain ? { fee_amount_vnd: "jump-fee", processing_time: "jump-time" } : {};
    if (!isMain) { grid.appendChild(el("span", { className: "reads", text: "Trợ lý không đọc lệ phí, thời hạn của cách nộp này " +
      "(chỉ đọc cách nộp Trực tiếp). / Chat does not read this channel's fee or time (only the in-person one)." })); }
    [["label", "Tên cách nộp (như văn bản)"], ["processing_time", "Thời hạn giải quyết"],
      ["processing_days", "Số ngày (số)", "number"], ["fee", "Phí, lệ phí (như văn bản)"],
      ["fee_amount_vnd", "Số tiền (đồng; 0 = miễn phí; trống = chưa rõ)", "number"],
      ["description", "Mô tả"]].forEach(function (f) {
      var item = itemInput(f[1], ch[f[0]], f[2]);
      item.input.dataset.key = f[0];
      if (first[f[0]]) { item.label.id = first[f[0]]; }
      if (READS[f[0]] && isMain) { item.label.appendChild(reads(f[0])); }
      if (f[2] === "number") { item.input.min = "0"; item.input.step = f[0] === "processing_days" ? "0.5" : "1"; }
      grid.appendChild(item.label);
    });
    var byProvince = el("input", { type: "checkbox", checked: !!ch.fee_set_by_province });
    byProvince.dataset.key = "fee_set_by_province";
    grid.appendChild(el("label", { className: "check" }, [byProvince, "Lệ phí do tỉnh quy định",
      isMain ? reads("fee_set_by_province") : null]));
    var remove = el("button", { type: "button", className: "danger", text: "Bỏ cách nộp này / Remove" });
    var box = el("fieldset", { className: "channel" }, [el("legend", { text: "Cách nộp " + (index + 1) }), grid,
      removable(remove)]);
    remove.addEventListener("click", function () { box.remove(); });
    return box;
  }

  function stepBlock(text, index) {
    var area = el("textarea", { value: text || "", rows: 3, "aria-label": "Nội dung bước " + (index + 1) + " / Step text" });
    area.dataset.key = "step";
    var remove = el("button", { type: "button", className: "danger", text: "Bỏ bước này / Remove" });
    var box = el("fieldset", { className: "step" }, [
      el("legend", { text: "Bước " + (index + 1) + " / Step " + (index + 1) }), area, removable(remove)]);
    remove.addEventListener("click", function () { box.remove(); });
    return box;
  }

  function splitList(text, separator) {
    return text.split(separator).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function numberOrNull(text, integer) {
    if (!text.trim()) { return null; }
    var n = Number(text);
    return integer ? Math.round(n) : n;
  }

  /* The record as currently shown in the form (fields the form does not show are kept from the loaded one). */
  function recordFromForm() {
    var record = JSON.parse(JSON.stringify(state.record));
    record.code = form.querySelector("#proc-code").value.trim();
    TEXT_FIELDS.forEach(function (f) {
      var value = form.querySelector("#proc-" + f[0]).value;
      if (f[3] === "list-comma") { record[f[0]] = splitList(value, ","); }
      else if (f[3] === "list-lines") { record[f[0]] = splitList(value, /\n/); }
      else { record[f[0]] = value.trim(); }
    });
    record.ward_level = record.levels.indexOf("Cấp xã") !== -1;
    record.steps = Array.prototype.map.call(form.querySelectorAll("fieldset.step textarea"), function (area) {
      return area.value.trim();
    }).filter(Boolean);
    record.documents = Array.prototype.map.call(form.querySelectorAll("fieldset.document"), function (box) {
      var doc = {};
      DOCUMENT_FIELDS.forEach(function (f) { doc[f[0]] = box.querySelector('[data-key="' + f[0] + '"]').value.trim(); });
      return doc;
    });
    record.channels = Array.prototype.map.call(form.querySelectorAll("fieldset.channel"), function (box) {
      function v(key) { return box.querySelector('[data-key="' + key + '"]').value; }
      return {
        channel: v("channel"), label: v("label").trim(), processing_time: v("processing_time").trim(),
        processing_days: numberOrNull(v("processing_days"), false), fee: v("fee").trim(),
        fee_amount_vnd: numberOrNull(v("fee_amount_vnd"), true),
        fee_set_by_province: box.querySelector('[data-key="fee_set_by_province"]').checked,
        description: v("description").trim()
      };
    });
    return record;
  }

  function currentRecord() {
    if (!state.jsonMode) { return recordFromForm(); }
    var parsed = JSON.parse(form.querySelector("#json-text").value);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) { throw new SyntaxError("not an object"); }
    return parsed;
  }

  function render(host) {
    var r = state.record;
    host.textContent = "";
    var title = state.isNew ? "Thêm thủ tục mới / New procedure" : "Sửa thủ tục " + r.code + " / Edit procedure";
    form = el("form", { className: "editor", id: "procedure-editor", "aria-labelledby": "editor-title" });
    form.appendChild(el("h3", { id: "editor-title", text: title }));
    var formPart = el("div", { id: "form-part" });
    var grid = el("div", { className: "grid" });
    field("proc-code", "Mã thủ tục", "Code", el("input", { value: r.code, readOnly: !state.isNew, required: true,
      maxLength: 40 })).forEach(function (n) { grid.appendChild(n); });
    TEXT_FIELDS.forEach(function (f) {
      var value = r[f[0]];
      if (f[3] === "list-comma") { value = (value || []).join(", "); }
      if (f[3] === "list-lines") { value = (value || []).join("\n"); }
      var control = f[3] === "input" || f[3] === "list-comma" ? el("input", { value: value || "" })
        : el("textarea", { value: value || "", rows: f[3] === "list-lines" ? 4 : 2 });
      field("proc-" + f[0], f[1], f[2], control, f[0]).forEach(function (n) { grid.appendChild(n); });
    });
    formPart.appendChild(jumpLinks());
    formPart.appendChild(grid);

    var steps = el("div", { id: "steps" });
    (r.steps || []).forEach(function (text, i) { steps.appendChild(stepBlock(text, i)); });
    var addStep = el("button", { type: "button", text: "+ Thêm bước / Add step" });
    addStep.addEventListener("click", function () {
      steps.appendChild(stepBlock("", steps.children.length));
      steps.lastChild.querySelector("textarea").focus();
    });
    formPart.appendChild(el("h4", { id: "jump-steps", text: "Trình tự thực hiện / Steps" }));
    formPart.appendChild(reads("steps"));
    formPart.appendChild(steps);
    if (S.canEdit()) { formPart.appendChild(addStep); }

    var docs = el("div", { id: "documents" });
    (r.documents || []).forEach(function (d, i) { docs.appendChild(documentBlock(d, i)); });
    var addDoc = el("button", { type: "button", text: "+ Thêm giấy tờ / Add document" });
    addDoc.addEventListener("click", function () {
      docs.appendChild(documentBlock({ group: "Giấy tờ phải nộp", name: "", form: "", copies: "1 bản chính" },
        docs.children.length));
    });
    formPart.appendChild(el("h4", { id: "jump-documents", text: "Thành phần hồ sơ / Documents" }));
    formPart.appendChild(reads("documents"));
    formPart.appendChild(docs);
    if (S.canEdit()) { formPart.appendChild(addDoc); }

    var channels = el("div", { id: "channels" });
    var main = mainChannel(r.channels || []);
    (r.channels || []).forEach(function (c, i) { channels.appendChild(channelBlock(c, i, i === main)); });
    var addChannel = el("button", { type: "button", text: "+ Thêm cách nộp / Add channel" });
    addChannel.addEventListener("click", function () {
      channels.appendChild(channelBlock({ channel: "in_person", label: "Trực tiếp", processing_time: "",
        processing_days: null, fee: "", fee_amount_vnd: null, fee_set_by_province: false, description: "" },
      channels.children.length, false));
    });
    formPart.appendChild(el("h4", { id: "jump-channels", text: "Cách nộp, thời hạn và lệ phí / Channels, time and fees" }));
    formPart.appendChild(reads("channels"));
    formPart.appendChild(channels);
    if (S.canEdit()) { formPart.appendChild(addChannel); }
    var cardHost = el("div", { id: "card-host" });
    if (!state.isNew && S.openCardEditor) { formPart.appendChild(cardHost); }

    var jsonPart = el("div", { id: "json-part", hidden: true }, [
      el("label", { "for": "json-text", text: "Toàn bộ thủ tục dạng JSON / Whole record as JSON" }),
      el("textarea", { id: "json-text", spellcheck: false })
    ]);
    var toggle = el("button", { type: "button", id: "toggle-json", "aria-pressed": "false",
      text: "Sửa dạng JSON / Edit as JSON" });
    var save = el("button", { type: "submit", className: "primary", id: "save-procedure", text: "Lưu thủ tục / Save procedure" });
    var del = el("button", { type: "button", className: "danger", id: "delete-procedure", hidden: state.isNew,
      text: "Xoá thủ tục / Delete" });
    var close = el("button", { type: "button", text: "Đóng / Close" });
    var saveStatus = el("p", { id: "save-status", className: "status", role: "status", "aria-live": "polite" });
    var viewerNote = S.canEdit() ? null : el("span", { className: "hint",
      text: "Bạn chỉ có quyền xem. / You have read-only access." });
    form.appendChild(formPart);
    form.appendChild(jsonPart);
    form.appendChild(el("div", { className: "editor-actions", id: "save-bar" }, [
      S.canEdit() ? save : null, toggle, S.canEdit() ? del : null, close, viewerNote, saveStatus]));
    host.appendChild(form);
    if (!S.canEdit()) { readOnly(form); }
    if (!state.isNew && S.openCardEditor) { S.openCardEditor(cardHost, r.code); }

    toggle.addEventListener("click", function () { switchMode(!state.jsonMode); });
    close.addEventListener("click", function () { host.textContent = ""; document.getElementById("search-q").focus(); });
    del.addEventListener("click", function () { remove(host); });
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(host); });
  }

  function jumpLinks() {
    var links = [["jump-documents", "Giấy tờ / Documents"], ["jump-fee", "Lệ phí / Fee"], ["jump-time", "Thời gian / Time"],
      ["jump-steps", "Các bước / Steps"], ["card-host", "Thẻ trả lời / Answer card"]];
    return el("nav", { className: "jump-links", "aria-label": "Đi tới phần – Jump to" }, links.map(function (l) {
      var a = el("a", { href: "#" + l[0], text: l[1] });
      a.addEventListener("click", function (event) {
        var target = document.getElementById(l[0]);
        if (!target) { return; }
        event.preventDefault();
        target.scrollIntoView({ block: "start" });
        var input = target.querySelector("input, textarea");
        if (input) { input.focus({ preventScroll: true }); }
      });
      return a;
    }));
  }

  function readOnly(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input, textarea, select"), function (control) {
      if (control.type === "checkbox" || control.tagName === "SELECT") { control.disabled = true; }
      else { control.readOnly = true; }
    });
  }

  function saveStatus(text, kind) {
    var node = form && form.querySelector("#save-status");
    if (node) { S.status(node, text, kind); }
  }

  function switchMode(toJson) {
    try {
      if (toJson) {
        state.record = recordFromForm();
        form.querySelector("#json-text").value = JSON.stringify(state.record, null, 2);
      } else {
        state.record = currentRecord();
        var host = form.parentNode;
        state.jsonMode = false;
        render(host);
        form.querySelector("#toggle-json").focus();
        return;
      }
    } catch (e) {
      saveStatus("JSON không hợp lệ, chưa chuyển được. / Invalid JSON: " + e.message, "error");
      return;
    }
    state.jsonMode = toJson;
    form.querySelector("#form-part").hidden = toJson;
    form.querySelector("#json-part").hidden = !toJson;
    form.querySelector("#toggle-json").setAttribute("aria-pressed", String(toJson));
    form.querySelector("#json-text").focus();
  }

  function submit(host) {
    var record;
    try {
      record = currentRecord();
    } catch (e) {
      saveStatus("JSON không hợp lệ: " + e.message + " / Invalid JSON.", "error");
      return;
    }
    if (!record.code || !String(record.name || "").trim()) {
      saveStatus("Cần nhập mã và tên thủ tục. / Code and name are required.", "error");
      return;
    }
    saveStatus("Đang lưu… / Saving…", "pending");
    S.api("POST", "/api/staff/procedures", record).then(function (saved) {
      state.record = saved && saved.code ? saved : (saved && saved.procedure) || record;
      state.isNew = false;
      var wasJson = state.jsonMode;
      state.jsonMode = false;
      render(host);
      if (wasJson) { switchMode(true); }
      saveStatus("Đã lưu thủ tục " + record.code + ". Trợ lý dùng ngay nội dung mới. / Saved; live now.", "success");
      if (state.onSaved) { state.onSaved(record); }
    }, function (failure) {
      saveStatus("Chưa lưu được: " + failure.message, "error");
    });
  }

  function remove(host) {
    var code = state.record.code;
    if (!window.confirm("Xoá thủ tục " + code + "? / Delete procedure " + code + "?")) { return; }
    S.api("DELETE", "/api/staff/procedures/" + encodeURIComponent(code)).then(function () {
      host.textContent = "";
      S.notice("Đã xoá thủ tục " + code + ". / Deleted.", "success");
      if (state.onDeleted) { state.onDeleted(code); }
    }, function (failure) {
      saveStatus("Chưa xoá được: " + failure.message, "error");
    });
  }

  /* Opens the editor in `host` for `record` (null = a new, empty procedure). */
  function open(host, record, callbacks) {
    state.isNew = !record;
    state.record = JSON.parse(JSON.stringify(record || EMPTY_PROCEDURE));
    state.jsonMode = false;
    state.onSaved = callbacks && callbacks.onSaved;
    state.onDeleted = callbacks && callbacks.onDeleted;
    render(host);
    var first = form.querySelector(state.isNew ? "#proc-code" : "#proc-name");
    first.focus();
  }

  S.openEditor = open;
}());
