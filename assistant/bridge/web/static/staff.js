/* Staff page: token login, procedure search and editing, aliases, reports and the audit log. */
(function () {
  "use strict";
  var S = window.LtsStaff;
  var el = S.el;
  var aliases = [];
  var aliasEditing = null;  // canonical of the entry loaded with "Sửa" (saving it then replaces that entry)
  var wardCode = "";  // reports and audit of this ward ("": every ward); a ward's token is held to its own ward

  function $(id) { return document.getElementById(id); }

  /* ---- login ------------------------------------------------------------------------------------ */
  function showApp(on) {
    $("login-section").hidden = on;
    $("app").hidden = !on;
    $("logout").hidden = !on;
  }

  function handleFailure(prefix, failure) {
    if (failure.status === 401) {
      S.setToken(null);
      showApp(false);
      S.notice("Mã truy cập không hợp lệ hoặc đã bị thu hồi. Mời đăng nhập lại. / Invalid token, please sign in again.",
        "error");
      $("token").focus();
      return;
    }
    S.notice(prefix + failure.message, "error");
  }

  function login(token) {
    S.setToken(token);
    return S.api("GET", "/api/staff/me").then(function (me) {
      S.role = me && me.role;
      document.body.classList.toggle("role-viewer", !S.canEdit());
      showApp(true);
      var who = me && me.name ? me.name + " (" + (me.role || "?") + ")" : "";
      if (who && me.ward) { who += " – " + me.ward.name; }
      $("signed-in-as").textContent = who ? "Đăng nhập: " + who : "";
      S.notice("Đã đăng nhập. / Signed in.", "success");
      $("search-q").focus();
      return setUpWards(me);
    }, function (failure) {
      S.setToken(null);
      showApp(false);
      S.notice("Đăng nhập không thành công: " + failure.message, "error");
      $("token").focus();
    });
  }

  /* A province-wide token picks the ward its reports and audit log show (GET /api/wards); a ward's token sees its
     own ward only, so it gets no picker. */
  function setUpWards(me) {
    var picker = $("ward-picker");
    wardCode = me && me.ward ? me.ward.code : "";
    $("ward-scope").hidden = true;
    if (me && me.ward) { return null; }
    return S.api("GET", "/api/wards").then(function (data) {
      var wards = (data && data.wards) || [];
      picker.textContent = "";
      picker.appendChild(el("option", { value: "", text: "Tất cả phường/xã / All wards" }));
      wards.forEach(function (w) { picker.appendChild(el("option", { value: w.code, text: w.name + " (" + w.code + ")" })); });
      picker.value = "";
      $("ward-scope").hidden = wards.length < 2;
    }, function () { /* without the list the reports show every ward, as before a pick */ });
  }

  function wardParam() { return wardCode ? "ward=" + encodeURIComponent(wardCode) : ""; }

  function pickWard() {
    wardCode = $("ward-picker").value;
    if (!$("tab-reports").hidden) { loadReports(); }
    if (!$("tab-audit").hidden) { loadAudit(); }
  }

  /* ---- tabs ------------------------------------------------------------------------------------- */
  function showTab(name) {
    Array.prototype.forEach.call(document.querySelectorAll(".tabs button"), function (b) {
      if (b.dataset.tab === name) { b.setAttribute("aria-current", "page"); } else { b.removeAttribute("aria-current"); }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".tab"), function (section) {
      section.hidden = section.id !== "tab-" + name;
    });
    if (name === "aliases") { loadAliases(); }
    if (name === "reports") { loadReports(); }
    if (name === "audit") { loadAudit(); }
  }

  /* ---- procedures ------------------------------------------------------------------------------- */
  function search(query) {
    var list = $("search-results");
    list.textContent = "";
    var url = "/api/procedures/search?all_levels=true&k=10&q=" + encodeURIComponent(query);
    return S.api("GET", url).then(function (data) {
      var results = (data && data.results) || [];
      if (!results.length) {
        list.appendChild(el("li", { text: "Không tìm thấy thủ tục phù hợp. / No matching procedure." }));
        return;
      }
      results.forEach(function (hit) {
        var button = el("button", { type: "button", className: "result" }, [
          el("span", { className: "code", text: hit.code }), hit.name + (hit.field ? " (" + hit.field + ")" : "")
        ]);
        button.addEventListener("click", function () { openProcedure(hit.code); });
        list.appendChild(el("li", {}, [button]));
      });
    }, function (failure) { handleFailure("Tìm kiếm lỗi: ", failure); });
  }

  function openProcedure(code) {
    return S.api("GET", "/api/procedures/" + encodeURIComponent(code)).then(function (record) {
      S.openEditor($("editor-host"), record, editorCallbacks());
    }, function (failure) { handleFailure("Không mở được thủ tục: ", failure); });
  }

  function editorCallbacks() {
    return {
      onSaved: function () { if ($("search-q").value.trim()) { search($("search-q").value.trim()); } },
      onDeleted: function () {
        if ($("search-q").value.trim()) { search($("search-q").value.trim()); }
        $("search-q").focus();
      }
    };
  }

  /* ---- try a question ----------------------------------------------------------------------------- */
  var VERDICT = {
    procedure: "Trợ lý trả lời ngay về thủ tục này / The assistant answers about this procedure",
    not_at_ward: "Trợ lý nói thủ tục này không làm ở phường và chỉ nơi làm / The assistant says another office handles it",
    clarify: "Trợ lý hỏi lại để người dân chọn / The assistant asks the citizen to choose",
    ask_procedure: "Trợ lý hỏi người dân muốn làm thủ tục gì / The assistant asks which procedure is meant",
    no_match: "Trợ lý chưa trả lời được — hãy thêm từ đồng nghĩa / No answer yet — add an alias"
  };

  function tryQuestion(question) {
    var host = $("try-answer");
    host.textContent = "…";
    return S.askAssistant(question).then(function (data) {
      host.textContent = "";
      var results = data.results;
      host.appendChild(el("p", { className: "try-verdict " + data.kind, text: VERDICT[data.kind] || data.kind }));
      var list = el("ol", {});
      results.forEach(function (hit) {
        var open = el("button", { type: "button", text: hit.code + " — " + hit.name });
        open.addEventListener("click", function () { openProcedure(hit.code); });
        list.appendChild(el("li", {}, [open]));
      });
      if (results.length) { host.appendChild(list); }
      if (data.kind === "procedure" && results.length) { showCardSummary(host, results[0].code); }
    }, function (failure) {
      host.textContent = "";
      handleFailure("Chưa hỏi thử được: ", failure);
    });
  }

  /* The short answer card the assistant shows for that procedure (when it has one). */
  function showCardSummary(host, code) {
    return S.api("GET", "/api/staff/cards/" + encodeURIComponent(code)).then(function (data) {
      var c = data && data.card;
      if (!c) { host.appendChild(el("p", { className: "hint", text: "Thủ tục này chưa có thẻ trả lời. / No answer card yet." })); return; }
      host.appendChild(el("div", { className: "try-card" }, [
        el("strong", { text: c.short_name.vi }), " — mang theo / bring: " + c.documents.map(function (d) { return d.vi; }).join("; "),
        el("br"), "Lệ phí / fee: " + c.fee.vi + (c.time ? " · Thời gian / time: " + c.time.vi : "")]));
    }, function () { /* a card is extra; the match above is the answer */ });
  }

  /* ---- aliases ---------------------------------------------------------------------------------- */
  function loadAliases() {
    return S.api("GET", "/api/staff/aliases").then(function (data) {
      aliases = S.firstList(data);
      renderAliases();
    }, function (failure) { handleFailure("Không tải được từ đồng nghĩa: ", failure); });
  }

  function renderAliases() {
    var filter = $("alias-filter").value.trim().toLowerCase();
    var rows = aliases.filter(function (a) {
      return !filter || JSON.stringify(a).toLowerCase().indexOf(filter) !== -1;
    });
    var host = $("alias-list");
    host.textContent = "";
    if (!rows.length) {
      host.appendChild(el("p", { text: "Chưa có từ đồng nghĩa nào. / No aliases." }));
      return;
    }
    host.appendChild(S.table(rows, [
      ["canonical", "Cụm từ chuẩn"],
      ["aliases", "Từ thường dùng", function (a) { return (a.aliases || []).join(", "); }],
      ["fields", "Lĩnh vực", function (a) { return (a.fields || []).join(", "); }],
      ["count", "Số từ", function (a) { return String((a.aliases || []).length); }]
    ].concat(S.canEdit() ? [["actions", "Thao tác", function (a) {
        var edit = el("button", { type: "button", text: "Sửa" });
        edit.setAttribute("aria-label", "Sửa " + a.canonical);
        edit.addEventListener("click", function () { fillAliasForm(a); });
        var del = el("button", { type: "button", className: "danger", text: "Xoá" });
        del.setAttribute("aria-label", "Xoá " + a.canonical);
        del.addEventListener("click", function () { deleteAlias(a.canonical); });
        return el("div", { className: "row" }, [edit, del]);
      }]] : []), "Danh sách từ đồng nghĩa / Alias list"));
  }

  function fillAliasForm(a) {
    aliasEditing = a.canonical || null;
    $("alias-canonical").value = a.canonical || "";
    $("alias-aliases").value = (a.aliases || []).join("\n");
    $("alias-fields").value = (a.fields || []).join(", ");
    $("alias-note").value = a.note || "";
    $("alias-canonical").focus();
  }

  function saveAlias() {
    var entry = {
      canonical: $("alias-canonical").value.trim(),
      aliases: $("alias-aliases").value.split(/\n|,/).map(function (s) { return s.trim(); }).filter(Boolean),
      fields: $("alias-fields").value.split(",").map(function (s) { return s.trim(); }).filter(Boolean),
      note: $("alias-note").value.trim()
    };
    var key = entry.canonical.toLowerCase();
    var existing = aliases.filter(function (a) { return a.canonical.toLowerCase() === key; })[0];
    var replace = !!existing && aliasEditing !== null && aliasEditing.toLowerCase() === key;
    if (replace) {
      var dropped = existing.aliases.filter(function (w) { return entry.aliases.indexOf(w) === -1; });
      if (dropped.length && !window.confirm("Bỏ " + dropped.length + " từ khỏi “" + existing.canonical + "”: " +
          dropped.join(", ") + "? / Remove these words?")) { return; }
    }
    var status = $("alias-status");
    return S.api("POST", "/api/staff/aliases?mode=" + (replace ? "replace" : "merge"), entry).then(function (saved) {
      var text = !existing ? "Đã thêm mục mới “" + saved.canonical + "”. / New entry saved."
        : replace ? "Đã sửa mục “" + saved.canonical + "” (" + saved.aliases.length + " từ). / Entry updated."
        : "Đã gộp vào mục có sẵn “" + saved.canonical + "”: nay có " + saved.aliases.length + " từ (thêm " +
          (saved.aliases.length - existing.aliases.length) + "). / Merged into the existing entry; none dropped.";
      S.status(status, text, "success");
      $("alias-form").reset();
      aliasEditing = null;
      return loadAliases();
    }, function (failure) {
      if (failure.status === 401) { handleFailure("", failure); return; }
      S.status(status, "Chưa lưu được từ đồng nghĩa: " + failure.message, "error");
    });
  }

  function deleteAlias(canonical) {
    if (!window.confirm("Xoá từ đồng nghĩa “" + canonical + "”? / Delete this alias?")) { return; }
    S.api("DELETE", "/api/staff/aliases?canonical=" + encodeURIComponent(canonical)).then(function () {
      S.notice("Đã xoá “" + canonical + "”. / Alias deleted.", "success");
      return loadAliases();
    }, function (failure) { handleFailure("Chưa xoá được: ", failure); });
  }

  /* ---- reports and audit ------------------------------------------------------------------------ */
  var REPORT_TITLES = {
    questions_total: "Tổng số câu hỏi / Questions asked",
    most_asked: "Thủ tục được hỏi nhiều nhất / Most-asked procedures",
    unanswered: "Câu hỏi chưa trả lời được (từ khóa) / Unanswered questions (keywords)",
    feedback: "Đánh giá của người dân / Citizen ratings",
    average_rating: "Điểm trung bình (1–5) / Average rating",
    count: "Số lượt đánh giá / Number of ratings",
    recent_comments: "Góp ý gần đây / Recent comments"
  };
  var COLUMN_TITLES = {
    code: "Mã / Code", name: "Tên thủ tục / Name", count: "Số lần / Count", keywords: "Từ khóa câu hỏi / Question keywords",
    last_asked_at: "Lần cuối / Last asked", rating: "Điểm / Rating", comment: "Góp ý / Comment", at: "Thời gian / When"
  };

  function reportQuery() {
    var params = [];
    if ($("report-since").value) { params.push("since=" + $("report-since").value); }
    if ($("report-until").value) { params.push("until=" + $("report-until").value); }
    if (wardParam()) { params.push(wardParam()); }
    return params.length ? "?" + params.join("&") : "";
  }

  function loadReports() {
    return S.api("GET", "/api/staff/reports" + reportQuery()).then(function (data) {
      var period = data.period;
      delete data.period;
      var junk = data.junk_left_out;
      delete data.junk_left_out;
      renderReports($("reports"), data, 3);
      if (junk) {
        $("reports").appendChild(el("p", { className: "hint", text: "Đã bỏ " + junk + " câu vô nghĩa (không có chữ, một ký tự, gõ bừa). / " +
          junk + " junk entries left out." }));
      }
      return period;
    }, function (failure) { handleFailure("Không tải được báo cáo: ", failure); });
  }

  /* The CSV needs the token header, so it is fetched and handed to the browser as a file. */
  function exportCsv() {
    var headers = { Authorization: "Bearer " + S.getToken() };
    return fetch("/api/staff/reports.csv" + reportQuery(), { headers: headers }).then(function (response) {
      if (!response.ok) { throw new S.ApiFailure(response.status, "", "HTTP " + response.status); }
      var name = (response.headers.get("Content-Disposition") || "").replace(/.*filename="([^"]+)".*/, "$1") || "bao-cao.csv";
      return response.blob().then(function (blob) {
        var link = el("a", { href: URL.createObjectURL(blob), download: name });
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    }).catch(function (failure) { handleFailure("Không tải được CSV: ", failure); });
  }

  function addAsAlias(keywords) {
    showTab("aliases");
    $("alias-form").reset();
    aliasEditing = null;
    $("alias-aliases").value = keywords;
    S.status($("alias-status"), "Nhập cụm từ chuẩn mà câu hỏi này nghĩa là, rồi bấm Lưu (sẽ gộp nếu đã có). / " +
      "Type the canonical phrase this question means, then Save (merged if it exists).", "pending");
    $("alias-canonical").focus();
  }

  function formatValue(key, value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    if (/_at$|^at$/.test(key) && typeof value === "string") {
      var date = new Date(value);
      if (!isNaN(date.getTime())) { return date.toLocaleString("vi-VN"); }
    }
    return S.cellText(value);
  }

  /* Renders a report object: numbers as big figures, lists as tables, nested objects as sub-sections. */
  function renderReports(host, data, level) {
    host.textContent = "";
    Object.keys(data || {}).forEach(function (key) {
      var value = data[key];
      var title = REPORT_TITLES[key] || key;
      if (Array.isArray(value)) {
        host.appendChild(el("h" + level, { text: title }));
        if (!value.length) { host.appendChild(el("p", { text: "Chưa có dữ liệu. / No data yet." })); return; }
        var rows = value.map(function (v) { return v && typeof v === "object" ? v : { value: v }; });
        var columns = Object.keys(rows[0]).map(function (k) {
          return [k, COLUMN_TITLES[k] || k, function (row) { return formatValue(k, row[k]); }];
        });
        if (key === "unanswered" && S.canEdit()) {
          columns.push(["add", "Thêm / Add", function (row) {
            var add = el("button", { type: "button", className: "add-alias", text: "Thêm làm từ đồng nghĩa / Add as alias" });
            add.addEventListener("click", function () { addAsAlias(row.keywords); });
            return add;
          }]);
        }
        host.appendChild(S.table(rows, columns));
      } else if (value && typeof value === "object") {
        host.appendChild(el("h" + level, { text: title }));
        var sub = el("div", { className: "report-group" });
        host.appendChild(sub);
        renderReports(sub, value, Math.min(level + 1, 6));
      } else {
        host.appendChild(el("p", {}, [title + ": ", el("span", { className: "big-number", text: formatValue(key, value) })]));
      }
    });
  }

  function loadAudit() {
    return S.api("GET", "/api/staff/audit?limit=50" + (wardParam() ? "&" + wardParam() : "")).then(function (data) {
      var entries = S.firstList(data);
      var host = $("audit");
      host.textContent = "";
      if (!entries.length) { host.appendChild(el("p", { text: "Chưa có thay đổi nào. / No changes yet." })); return; }
      host.appendChild(S.table(entries, [
        ["at", "Thời gian / When", function (e) { return e.at ? new Date(e.at).toLocaleString("vi-VN") : ""; }],
        ["actor", "Người sửa / Who"], ["action", "Thao tác / Action"], ["target", "Đối tượng / Target"],
        ["change", "Nội dung / Change", function (e) { return S.diffTable(e.before, e.after); }]
      ]));
    }, function (failure) { handleFailure("Không tải được nhật ký: ", failure); });
  }

  /* ---- wiring ----------------------------------------------------------------------------------- */
  function init() {
    $("login-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var token = $("token").value.trim();
      $("token").value = "";
      if (token) { login(token); }
    });
    $("logout").addEventListener("click", function () {
      S.setToken(null);
      showApp(false);
      $("editor-host").textContent = "";
      S.notice("Đã đăng xuất. / Signed out.", "success");
      $("token").focus();
    });
    Array.prototype.forEach.call(document.querySelectorAll(".tabs button"), function (b) {
      b.addEventListener("click", function () { showTab(b.dataset.tab); });
    });
    $("search-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var q = $("search-q").value.trim();
      if (/^\d+\.\d+$/.test(q)) {  // a procedure code: open it directly (works even while search is down)
        $("search-results").textContent = "";
        openProcedure(q);
      } else if (q) {
        search(q);
      }
    });
    $("new-procedure").addEventListener("click", function () { S.openEditor($("editor-host"), null, editorCallbacks()); });
    $("alias-form").addEventListener("submit", function (event) { event.preventDefault(); saveAlias(); });
    $("alias-clear").addEventListener("click", function () { $("alias-form").reset(); aliasEditing = null; $("alias-canonical").focus(); });
    $("try-form").addEventListener("submit", function (event) {
      event.preventDefault();
      if ($("try-q").value.trim()) { tryQuestion($("try-q").value.trim()); }
    });
    $("report-filter").addEventListener("submit", function (event) { event.preventDefault(); loadReports(); });
    $("export-csv").addEventListener("click", exportCsv);
    $("alias-filter").addEventListener("input", renderAliases);
    $("reload-audit").addEventListener("click", loadAudit);
    $("ward-picker").addEventListener("change", pickWard);
    var token = S.getToken();
    if (token) { login(token); } else { showApp(false); }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
