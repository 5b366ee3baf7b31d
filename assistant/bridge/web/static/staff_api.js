/* Staff page helpers: token storage, API calls with the error envelope, notices and safe DOM building. */
(function () {
  "use strict";

  var TOKEN_KEY = "lts.staff.token";

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function getToken() {
    var s = storage();
    return s ? s.getItem(TOKEN_KEY) : null;
  }

  function setToken(token) {
    var s = storage();
    if (!s) { return; }
    if (token) { s.setItem(TOKEN_KEY, token); } else { s.removeItem(TOKEN_KEY); }
  }

  /* An API failure with the bridge's {"error", "message"} envelope. */
  function ApiFailure(status, code, message, details) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.details = details;
  }

  function describe(status, data) {
    if (data && typeof data.message === "string" && data.message) {
      var text = data.message;
      if (Array.isArray(data.details) && data.details.length) {
        text += " (" + data.details.map(function (d) {
          return (Array.isArray(d.loc) ? d.loc.join(".") : "") + ": " + (d.msg || "");
        }).join("; ") + ")";
      }
      return text;
    }
    if (status === 0) { return "Không kết nối được với máy chủ. / The server cannot be reached."; }
    return "Lỗi HTTP " + status + ". / HTTP error " + status + ".";
  }

  /* Calls the bridge API with the staff token; resolves with JSON (or null), rejects with ApiFailure. */
  function api(method, path, body) {
    var headers = { "Accept": "application/json" };
    var token = getToken();
    if (token) { headers.Authorization = "Bearer " + token; }
    var init = { method: method, headers: headers };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        if (!response.ok) {
          var failure = new ApiFailure(response.status, data && data.error, describe(response.status, data), data && data.details);
          failure.data = data;
          throw failure;
        }
        return data;
      });
    }, function () {
      throw new ApiFailure(0, "network", describe(0, null));
    });
  }

  var noticeTimer = null;

  function notice(text, kind) {
    var el = document.getElementById("notice");
    el.className = "notice " + (kind || "success");
    el.textContent = text || "";
    if (noticeTimer) { clearTimeout(noticeTimer); }
    if (text && kind !== "error") {
      noticeTimer = setTimeout(function () { el.textContent = ""; }, 8000);
    }
  }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "text") { node.textContent = props[key]; }
      else if (key === "className") { node.className = props[key]; }
      else if (key.indexOf("data-") === 0 || key.indexOf("aria-") === 0 || key === "for" || key === "role") {
        node.setAttribute(key, props[key]);
      } else { node[key] = props[key]; }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function cellText(value) {
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "object") { return JSON.stringify(value); }
    return String(value);
  }

  /* A table of objects; `columns` = [[key, heading], ...] (default: the keys of the first row). */
  function table(rows, columns, caption) {
    columns = columns || Object.keys(rows[0] || {}).map(function (k) { return [k, k]; });
    var head = el("tr", {}, columns.map(function (c) { return el("th", { scope: "col", text: c[1] }); }));
    var body = rows.map(function (row) {
      return el("tr", {}, columns.map(function (c) {
        var value = typeof c[2] === "function" ? c[2](row) : row[c[0]];
        return el("td", {}, [value instanceof Node ? value : cellText(value)]);
      }));
    });
    return el("table", {}, [caption ? el("caption", { text: caption }) : null, el("thead", {}, [head]),
      el("tbody", {}, body)]);
  }

  /* The first array found in an API answer ({"entries": [...]}, {"items": [...]} or a bare list). */
  function firstList(data) {
    if (Array.isArray(data)) { return data; }
    if (data && typeof data === "object") {
      var keys = Object.keys(data);
      for (var i = 0; i < keys.length; i++) {
        if (Array.isArray(data[keys[i]])) { return data[keys[i]]; }
      }
    }
    return [];
  }

  /* What the assistant would answer now to `question` as a first turn: the one place the staff page asks it.
     GET /api/turn (what the action server asks every turn); while the search engine behind it is not up (503), the
     plain procedure search. Resolves with {kind, results: [{code, name}]}; kind is procedure | not_at_ward |
     clarify | ask_procedure | no_match. */
  var SEARCH_KIND = { confident: "procedure", ambiguous: "clarify", no_match: "no_match" };

  function askAssistant(question) {
    return api("GET", "/api/turn?text=" + encodeURIComponent(question)).then(function (t) {
      var results = t.code ? [{ code: t.code, name: t.name }] : (t.choices || []);
      return { kind: t.kind, results: results };
    }, function (failure) {
      if (failure.status !== 503) { throw failure; }
      return api("GET", "/api/procedures/search?k=3&q=" + encodeURIComponent(question)).then(function (d) {
        return { kind: SEARCH_KIND[d.confidence] || "no_match", results: d.results || [] };
      });
    });
  }

  /* A status line inside a given element (role=status), e.g. the sticky save bar; errors stay until replaced. */
  function status(node, text, kind) {
    node.className = "status " + (kind || "success");
    node.textContent = text || "";
  }

  window.LtsStaff = {
    api: api, ApiFailure: ApiFailure, getToken: getToken, setToken: setToken, askAssistant: askAssistant,
    notice: notice, status: status, el: el, table: table, firstList: firstList, cellText: cellText,
    role: null,
    canEdit: function () { return window.LtsStaff.role === "editor" || window.LtsStaff.role === "admin"; }
  };
}());
