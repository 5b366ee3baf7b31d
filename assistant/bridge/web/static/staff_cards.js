/* Staff answer-card editor: a procedure's citizen card in Vietnamese and English, saved through the card validator. */
(function () {
  "use strict";
  var S = window.LtsStaff;
  var el = S.el;
  var SEP = " | ";

  /* Lines "Tiếng Việt | English" <-> [{vi, en}] (the English part may be left out until translated). */
  function toLines(items) {
    return (items || []).map(function (t) { return t.vi + (t.en ? SEP + t.en : ""); }).join("\n");
  }

  function fromLines(text) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
      var at = line.indexOf("|");
      if (at === -1) { return { vi: line }; }
      var vi = line.slice(0, at).trim();
      var en = line.slice(at + 1).trim();
      return en ? { vi: vi, en: en } : { vi: vi };
    });
  }

  function pair(vi, en) {
    var out = { vi: vi.trim() };
    if (en.trim()) { out.en = en.trim(); }
    return out;
  }

  function input(id, value, attrs) {
    return el("input", Object.assign({ id: id, value: value === null || value === undefined ? "" : String(value) }, attrs || {}));
  }

  function row(grid, id, vi, en, control, hint) {
    grid.appendChild(el("label", { "for": id }, [vi + " ", el("span", { className: "en", lang: "en", text: en }),
      hint ? el("span", { className: "reads", text: hint }) : null]));
    grid.appendChild(control);
  }

  function render(host, code, data) {
    var c = data.card || {
      code: code, short_name: { vi: "" }, documents: [], variants: [], fee: { amount_vnd: null, vi: "" }, time: null,
      where: { vi: "" }, online: false, portal_url: "", notes: [], staff_notes: [], source_hash: data.record_hash || ""
    };
    host.textContent = "";
    var box = el("fieldset", { className: "card-editor", id: "card-editor" }, [
      el("legend", { text: "Thẻ trả lời cho người dân / Citizen answer card" + (data.file ? " (" + data.file + ")" : "") })]);
    box.appendChild(el("p", { className: "hint", text: "Mỗi dòng: tiếng Việt | English. Giấy tờ, lệ phí, thời gian phải có " +
      "trong hồ sơ thủ tục; điều cán bộ biết thêm ghi vào “Ghi chú của cán bộ”. / One line each: Vietnamese | English. " +
      "Documents, fee and time must be in the record; staff knowledge goes under staff notes." }));
    if (!data.card) { box.appendChild(el("p", { text: "Thủ tục này chưa có thẻ; điền để tạo. / No card yet; fill in to create one." })); }
    var grid = el("div", { className: "grid" });
    row(grid, "card-name-vi", "Tên ngắn (≤ 60 ký tự)", "Short name, Vietnamese", input("card-name-vi", c.short_name.vi, { maxLength: 60 }));
    row(grid, "card-name-en", "Tên ngắn tiếng Anh", "Short name, English", input("card-name-en", c.short_name.en, { maxLength: 60 }));
    row(grid, "card-documents", "Giấy tờ cần mang", "What to bring (vi | en)",
      el("textarea", { id: "card-documents", rows: 4, value: toLines(c.documents) }));
    row(grid, "card-variants", "Trường hợp khác (JSON)", "Other cases (JSON: when, documents)",
      el("textarea", { id: "card-variants", rows: 3, value: JSON.stringify(c.variants || [], null, 1) }));
    row(grid, "card-fee-amount", "Lệ phí (đồng; 0 = miễn phí; trống = không có mức cụ thể)", "Fee amount",
      input("card-fee-amount", c.fee.amount_vnd, { type: "number", min: "0", step: "1" }),
      "Thẻ hiển thị số tiền và lời dưới đây. / The card shows this amount and the words below.");
    row(grid, "card-fee", "Lệ phí bằng lời", "Fee in words (vi | en)", input("card-fee", toLines([c.fee])));
    row(grid, "card-fee-province", "Lệ phí do tỉnh quy định", "Set by the province",
      input("card-fee-province", "", { type: "checkbox", checked: !!c.fee.set_by_province }));
    row(grid, "card-time", "Thời gian giải quyết", "Processing time (vi | en; empty = none)",
      input("card-time", c.time ? toLines([c.time]) : ""));
    row(grid, "card-where", "Nơi nộp", "Where to file (vi | en)", input("card-where", toLines([c.where])));
    row(grid, "card-desk-field", "Lĩnh vực để chọn quầy", "Desk field", input("card-desk-field", c.where.desk_field));
    row(grid, "card-online", "Nộp trực tuyến được", "Can be filed online", input("card-online", "", { type: "checkbox", checked: !!c.online }));
    row(grid, "card-portal", "Trang Cổng Dịch vụ công", "Portal page", input("card-portal", c.portal_url));
    row(grid, "card-notes", "Lưu ý (tối đa 2)", "Notes, at most 2 (vi | en)", el("textarea", { id: "card-notes", rows: 2, value: toLines(c.notes) }));
    row(grid, "card-staff-notes", "Ghi chú của cán bộ", "Staff notes (vi | en)",
      el("textarea", { id: "card-staff-notes", rows: 2, value: toLines(c.staff_notes) }));
    row(grid, "card-hash", "Dấu hồ sơ (source_hash)", "Record hash", input("card-hash", c.source_hash),
      data.record_hash && data.record_hash !== c.source_hash ? "Hồ sơ đã đổi, dấu hiện tại: " + data.record_hash +
        " — đọc lại thẻ rồi điền dấu này. / The record changed; re-read the card, then enter this hash." : null);
    box.appendChild(grid);
    var problems = el("ul", { id: "card-problems", className: "problems" });
    (data.findings || []).forEach(function (f) { problems.appendChild(el("li", { text: f.field + ": " + f.message })); });
    var status = el("p", { id: "card-status", className: "status", role: "status", "aria-live": "polite" });
    var save = el("button", { type: "button", className: "primary", id: "save-card", text: "Lưu thẻ / Save card" });
    save.addEventListener("click", function () { submit(host, code, box, status, problems); });
    box.appendChild(problems);
    box.appendChild(el("div", { className: "row" }, [S.canEdit() ? save : null, status]));
    host.appendChild(box);
    if (!S.canEdit()) {
      Array.prototype.forEach.call(box.querySelectorAll("input, textarea"), function (n) {
        if (n.type === "checkbox") { n.disabled = true; } else { n.readOnly = true; }
      });
    }
  }

  function value(box, id) { return box.querySelector("#" + id).value; }

  function cardFromForm(box, code) {
    var fee = fromLines(value(box, "card-fee"))[0] || { vi: "" };
    var amount = value(box, "card-fee-amount").trim();
    var time = fromLines(value(box, "card-time"))[0] || null;
    var where = fromLines(value(box, "card-where"))[0] || { vi: "" };
    var deskField = value(box, "card-desk-field").trim();
    if (deskField) { where.desk_field = deskField; }
    return {
      code: code, short_name: pair(value(box, "card-name-vi"), value(box, "card-name-en")),
      documents: fromLines(value(box, "card-documents")),
      variants: JSON.parse(value(box, "card-variants") || "[]"),
      fee: Object.assign(fee, { amount_vnd: amount === "" ? null : Math.round(Number(amount)),
        set_by_province: box.querySelector("#card-fee-province").checked }),
      time: time, where: where, online: box.querySelector("#card-online").checked,
      portal_url: value(box, "card-portal").trim(), notes: fromLines(value(box, "card-notes")),
      staff_notes: fromLines(value(box, "card-staff-notes")), source_hash: value(box, "card-hash").trim()
    };
  }

  function submit(host, code, box, status, problems) {
    var card;
    try { card = cardFromForm(box, code); } catch (e) {
      S.status(status, "“Trường hợp khác” không phải JSON hợp lệ. / Other cases: invalid JSON (" + e.message + ")", "error");
      return;
    }
    problems.textContent = "";
    S.status(status, "Đang kiểm tra và lưu… / Checking and saving…", "pending");
    S.api("PUT", "/api/staff/cards/" + encodeURIComponent(code), card).then(function (saved) {
      render(host, code, saved);
      S.status(host.querySelector("#card-status"), "Đã lưu thẻ; trợ lý dùng ngay. / Card saved; live now.", "success");
    }, function (failure) {
      S.status(status, "Thẻ chưa lưu / card not saved — xem lỗi dưới đây / see below.", "error");
      var listed = failure.data && Array.isArray(failure.data.problems) ? failure.data.problems : [failure.message];
      listed.forEach(function (p) { problems.appendChild(el("li", { text: String(p) })); });
    });
  }

  /* Loads and shows the card of procedure `code` in `host`. */
  S.openCardEditor = function (host, code) {
    return S.api("GET", "/api/staff/cards/" + encodeURIComponent(code)).then(function (data) {
      render(host, code, data);
    }, function (failure) {
      host.textContent = "";
      host.appendChild(el("p", { className: "hint", text: "Thẻ trả lời: " + failure.message }));
    });
  };
}());
