/* Staff procedure editor: a form for the common fields (documents, fees, steps...) and a full JSON mode. */
(function () {
  "use strict";
  var S = window.LtsStaff;
  var el = S.el;

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

  function field(id, labelVi, labelEn, control) {
    control.id = id;
    return [el("label", { "for": id }, [labelVi + " ", el("span", { className: "en", lang: "en", text: labelEn })]), control];
  }

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
    var box = el("fieldset", { className: "document" }, [el("legend", { text: "Giấy tờ " + (index + 1) }), grid, remove]);
    remove.addEventListener("click", function () { box.remove(); });
    return box;
  }

  function channelBlock(ch, index) {
    var grid = el("div", { className: "item-grid" });
    var select = el("select", {}, CHANNELS.map(function (c) {
      return el("option", { value: c[0], text: c[1], selected: c[0] === ch.channel });
    }));
    select.dataset.key = "channel";
    grid.appendChild(el("label", {}, ["Cách nộp", select]));
    [["label", "Tên cách nộp (như văn bản)"], ["processing_time", "Thời hạn giải quyết"],
      ["processing_days", "Số ngày (số)", "number"], ["fee", "Phí, lệ phí (như văn bản)"],
      ["fee_amount_vnd", "Số tiền (đồng; 0 = miễn phí; trống = chưa rõ)", "number"],
      ["description", "Mô tả"]].forEach(function (f) {
      var item = itemInput(f[1], ch[f[0]], f[2]);
      item.input.dataset.key = f[0];
      if (f[2] === "number") { item.input.min = "0"; item.input.step = f[0] === "processing_days" ? "0.5" : "1"; }
      grid.appendChild(item.label);
    });
    var byProvince = el("input", { type: "checkbox", checked: !!ch.fee_set_by_province });
    byProvince.dataset.key = "fee_set_by_province";
    grid.appendChild(el("label", { className: "check" }, [byProvince, "Lệ phí do tỉnh quy định"]));
    var remove = el("button", { type: "button", className: "danger", text: "Bỏ cách nộp này / Remove" });
    var box = el("fieldset", { className: "channel" }, [el("legend", { text: "Cách nộp " + (index + 1) }), grid, remove]);
    remove.addEventListener("click", function () { box.remove(); });
    return box;
  }

  function stepBlock(text, index) {
    var area = el("textarea", { value: text || "", rows: 3, "aria-label": "Nội dung bước " + (index + 1) + " / Step text" });
    area.dataset.key = "step";
    var remove = el("button", { type: "button", className: "danger", text: "Bỏ bước này / Remove" });
    var box = el("fieldset", { className: "step" }, [
      el("legend", { text: "Bước " + (index + 1) + " / Step " + (index + 1) }), area, remove]);
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
      field("proc-" + f[0], f[1], f[2], control).forEach(function (n) { grid.appendChild(n); });
    });
    formPart.appendChild(grid);

    var steps = el("div", { id: "steps" });
    (r.steps || []).forEach(function (text, i) { steps.appendChild(stepBlock(text, i)); });
    var addStep = el("button", { type: "button", text: "+ Thêm bước / Add step" });
    addStep.addEventListener("click", function () {
      steps.appendChild(stepBlock("", steps.children.length));
      steps.lastChild.querySelector("textarea").focus();
    });
    formPart.appendChild(el("h4", { text: "Trình tự thực hiện / Steps" }));
    formPart.appendChild(steps);
    formPart.appendChild(addStep);

    var docs = el("div", { id: "documents" });
    (r.documents || []).forEach(function (d, i) { docs.appendChild(documentBlock(d, i)); });
    var addDoc = el("button", { type: "button", text: "+ Thêm giấy tờ / Add document" });
    addDoc.addEventListener("click", function () {
      docs.appendChild(documentBlock({ group: "Giấy tờ phải nộp", name: "", form: "", copies: "1 bản chính" },
        docs.children.length));
    });
    formPart.appendChild(el("h4", { text: "Thành phần hồ sơ / Documents" }));
    formPart.appendChild(docs);
    formPart.appendChild(addDoc);

    var channels = el("div", { id: "channels" });
    (r.channels || []).forEach(function (c, i) { channels.appendChild(channelBlock(c, i)); });
    var addChannel = el("button", { type: "button", text: "+ Thêm cách nộp / Add channel" });
    addChannel.addEventListener("click", function () {
      channels.appendChild(channelBlock({ channel: "in_person", label: "Trực tiếp", processing_time: "",
        processing_days: null, fee: "", fee_amount_vnd: null, fee_set_by_province: false, description: "" },
      channels.children.length));
    });
    formPart.appendChild(el("h4", { text: "Cách nộp, thời hạn và lệ phí / Channels, time and fees" }));
    formPart.appendChild(channels);
    formPart.appendChild(addChannel);

    var jsonPart = el("div", { id: "json-part", hidden: true }, [
      el("label", { "for": "json-text", text: "Toàn bộ thủ tục dạng JSON / Whole record as JSON" }),
      el("textarea", { id: "json-text", spellcheck: false })
    ]);
    var toggle = el("button", { type: "button", id: "toggle-json", "aria-pressed": "false",
      text: "Sửa dạng JSON / Edit as JSON" });
    var save = el("button", { type: "submit", className: "primary", id: "save-procedure", text: "Lưu / Save" });
    var del = el("button", { type: "button", className: "danger", id: "delete-procedure", hidden: state.isNew,
      text: "Xoá thủ tục / Delete" });
    var close = el("button", { type: "button", text: "Đóng / Close" });
    form.appendChild(formPart);
    form.appendChild(jsonPart);
    form.appendChild(el("div", { className: "editor-actions" }, [save, toggle, del, close]));
    host.appendChild(form);

    toggle.addEventListener("click", function () { switchMode(!state.jsonMode); });
    close.addEventListener("click", function () { host.textContent = ""; document.getElementById("search-q").focus(); });
    del.addEventListener("click", function () { remove(host); });
    form.addEventListener("submit", function (event) { event.preventDefault(); submit(host); });
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
      S.notice("JSON không hợp lệ, chưa chuyển được. / Invalid JSON: " + e.message, "error");
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
      S.notice("JSON không hợp lệ: " + e.message + " / Invalid JSON.", "error");
      return;
    }
    if (!record.code || !String(record.name || "").trim()) {
      S.notice("Cần nhập mã và tên thủ tục. / Code and name are required.", "error");
      return;
    }
    S.api("POST", "/api/staff/procedures", record).then(function (saved) {
      state.record = saved && saved.code ? saved : (saved && saved.procedure) || record;
      state.isNew = false;
      var wasJson = state.jsonMode;
      state.jsonMode = false;
      render(host);
      if (wasJson) { switchMode(true); }
      S.notice("Đã lưu thủ tục " + record.code + ". Trợ lý dùng ngay nội dung mới. / Saved; live now.", "success");
      if (state.onSaved) { state.onSaved(record); }
    }, function (failure) {
      S.notice("Chưa lưu được: " + failure.message, "error");
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
      S.notice("Chưa xoá được: " + failure.message, "error");
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
