/* Staff page: an audit entry's change as a readable field-by-field "before → after" table. */
(function () {
  "use strict";
  var S = window.LtsStaff;
  var el = S.el;

  /* Field-by-field "before → after" of an audit entry; lists of words show what was added and removed. */
  function flatten(value, prefix, out) {
    if (Array.isArray(value) && value.every(function (v) { return v === null || typeof v !== "object"; })) {
      out[prefix] = value;
    } else if (Array.isArray(value)) {
      value.forEach(function (v, i) { flatten(v, prefix + "[" + (i + 1) + "]", out); });
    } else if (value && typeof value === "object") {
      Object.keys(value).forEach(function (k) { flatten(value[k], prefix ? prefix + "." + k : k, out); });
    } else if (prefix) {
      out[prefix] = value;
    }
    return out;
  }

  function shown(value) {
    if (value === undefined || value === null || value === "") { return "—"; }
    return Array.isArray(value) ? value.join(", ") : String(value);
  }

  /* Changed fields only; lists of words (aliases, levels) show what was removed and what was added. */
  function diffTable(before, after) {
    var a = flatten(before, "", {});
    var b = flatten(after, "", {});
    var rows = [];
    Object.keys(Object.assign({}, a, b)).forEach(function (k) {
      if (JSON.stringify(a[k]) === JSON.stringify(b[k])) { return; }
      if (Array.isArray(a[k]) && Array.isArray(b[k])) {
        var removed = a[k].filter(function (v) { return b[k].indexOf(v) === -1; });
        var added = b[k].filter(function (v) { return a[k].indexOf(v) === -1; });
        rows.push(el("tr", {}, [el("td", { text: k }), el("td", {}, [removed.length ? el("del", { text: "− " + removed.join(", ") }) : "—"]),
          el("td", {}, [added.length ? el("ins", { text: "+ " + added.join(", ") }) : "—"])]));
        return;
      }
      rows.push(el("tr", {}, [el("td", { text: k }), el("td", {}, [el("del", { text: shown(a[k]) })]),
        el("td", {}, [el("ins", { text: shown(b[k]) })])]));
    });
    var title = before === null ? "Tạo mới / created" : after === null ? "Đã xoá / deleted" : rows.length + " thay đổi / changes";
    var table = el("table", { className: "diff" }, [el("thead", {}, [el("tr", {}, [el("th", { text: "Trường / Field" }),
      el("th", { text: "Trước / Before" }), el("th", { text: "Sau / After" })])]), el("tbody", {}, rows.slice(0, 60))]);
    return el("details", { open: rows.length <= 6 && before !== null && after !== null }, [el("summary", { text: title }), table]);
  }

  S.diffTable = diffTable;
}());
