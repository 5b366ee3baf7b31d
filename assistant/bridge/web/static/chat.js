/* Citizen chat page (and the widget's frame, ?embed=1): sends turns to POST /api/chat and renders each reply's text
   and its structured data (cards.js). All text goes in via textContent, never as HTML. The page's ward is its
   address's ?ward=<code> (the widget passes its data-ward), else the bridge's default ward. */
(function () {
  "use strict";

  var WARD = new URLSearchParams(window.location.search).get("ward") || "";
  var SENDER_KEY = "lts.chat.sender";
  var TRANSCRIPT_KEY = "lts.chat.transcript";
  var FEEDBACK_KEY = "lts.chat.feedbackGiven";
  var SEEN_KEY = "lts.chat.lastSeen";
  var LARGE_TEXT_KEY = "lts.largeText";
  var EMBED_IDLE_MS = 30 * 60 * 1000; // the widget keeps a conversation across the host's pages for this long
  var REQUEST_TIMEOUT_MS = 20000;
  var MAX_SAVED = 60;
  var CARD_FIRST_TOPICS = ["overview", "documents"];
  var TEXT = {
    welcome: "Xin chào! Tôi giúp bạn tìm hiểu thủ tục hành chính: cần giấy tờ gì, lệ phí, thời gian, nộp ở quầy nào, " +
      "và tra cứu hồ sơ.\nHello! Ask me about procedures, documents, fees, desks or your dossier status.",
    answering: "Trợ lý đang trả lời… / Answering…",
    typeFirst: "Mời bạn nhập câu hỏi trước khi gửi. / Please type a question first.",
    offline: "Xin lỗi, không kết nối được với hệ thống. Mời bạn thử lại hoặc hỏi cán bộ tại quầy hướng dẫn.\n" +
      "Sorry, the service cannot be reached. Please try again or ask at the help desk.",
    you: "Bạn: ", bot: "Trợ lý: ", choose: "Chọn một – Choose one",
    fullAnswer: "Xem trả lời đầy đủ / Full answer",
    hours: "Giờ làm việc: "
  };
  var SUGGESTIONS = [
    { title: "Làm giấy khai sinh cần gì?", payload: "Làm giấy khai sinh cần gì?" },
    { title: "Tra cứu hồ sơ của tôi", payload: "Tôi muốn tra cứu hồ sơ" },
    { title: "Giờ làm việc của phường", payload: "Giờ làm việc của phường" }
  ];

  var embedded = /[?&]embed=1\b/.test(window.location.search);
  var store = safeStorage(embedded ? "localStorage" : "sessionStorage");
  var prefs = safeStorage("localStorage");
  var els = {};
  var busy = false;
  var transcript = [];

  function safeStorage(name) {
    try {
      var s = window[name];
      s.setItem("lts.probe", "1");
      s.removeItem("lts.probe");
      return s;
    } catch (e) {
      var memory = {};
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  }

  function newSenderId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return "web-" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function senderId() {
    var id = store.getItem(SENDER_KEY);
    if (!id || !/^[A-Za-z0-9_-]{6,64}$/.test(id)) {
      id = newSenderId();
      store.setItem(SENDER_KEY, id);
    }
    store.setItem(SEEN_KEY, String(Date.now()));
    return id;
  }

  function textBlock(who, text) {
    var body = document.createElement("p");
    body.className = "msg-text";
    var prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = who === "user" ? TEXT.you : TEXT.bot;
    body.appendChild(prefix);
    window.LtsCards.appendTextWithLinks(body, String(text || ""));
    return body;
  }

  /* One message. A bot message with a procedure card shows the card first and keeps the full text one tap away. */
  function addMessage(who, text, buttons, save, data, interactive) {
    var item = document.createElement("div");
    item.className = "msg " + (who === "user" ? "msg-user" : "msg-bot");
    var card = who === "bot" ? window.LtsCards.render(data) : null;
    if (card) { item.classList.add("msg-card"); }
    var body = textBlock(who, text);
    var cardFirst = card && data.procedure && CARD_FIRST_TOPICS.indexOf(data.procedure.topic || "overview") >= 0;
    if (cardFirst && String(text || "").trim()) {
      var prefix = body.firstChild.cloneNode(true);
      item.appendChild(prefix);
      item.appendChild(card);
      var details = document.createElement("details");
      details.className = "msg-full";
      var summary = document.createElement("summary");
      summary.textContent = TEXT.fullAnswer;
      details.appendChild(summary);
      body.removeChild(body.firstChild);
      details.appendChild(body);
      item.appendChild(details);
    } else {
      item.appendChild(body);
      if (card) { item.appendChild(card); }
    }
    var choices = buttons && buttons.length ? buttons : (data && Array.isArray(data.choices) ? data.choices : []);
    if (interactive !== false && choices.length) { item.appendChild(buildButtons(choices)); }
    if (interactive !== false && data) {
      var chips = window.LtsCards.suggestions(data, function (title, payload) {
        if (!busy) { send(payload, title); }
      }, choices.map(function (c) { return c.payload; }));
      if (chips) { item.appendChild(chips); }
    }
    els.messages.appendChild(item);
    if (save !== false) {
      transcript.push({ who: who, text: String(text || ""), buttons: buttons || [], data: data || null });
      transcript = transcript.slice(-MAX_SAVED);
      store.setItem(TRANSCRIPT_KEY, JSON.stringify(transcript));
    }
    return item;
  }

  function buildButtons(buttons) {
    return window.LtsCards.choiceButtons(buttons, TEXT.choose, function (title, payload) {
      if (busy) { return false; }
      send(payload, title);
      els.input.focus();
      return true;
    });
  }

  /* The log shows the start of a new answer (a long answer is read from its top), the end of anything else. */
  function showTopOf(item) {
    els.messages.scrollTop = Math.max(0, item.offsetTop - 8);
  }

  function showEnd() {
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  function setBusy(on) {
    busy = on;
    els.send.disabled = on;
    els.status.textContent = on ? TEXT.answering : "";
    els.status.classList.toggle("visually-hidden", on); // announced once; the bubble in the log is what people see
    els.messages.setAttribute("aria-busy", on ? "true" : "false");
    var typing = document.getElementById("typing");
    if (on && !typing) {
      typing = document.createElement("div");
      typing.id = "typing";
      typing.className = "msg msg-bot typing";
      typing.setAttribute("aria-hidden", "true"); // the status line announces it once
      var dots = document.createElement("span");
      dots.className = "dots";
      for (var i = 0; i < 3; i += 1) { dots.appendChild(document.createElement("i")); }
      typing.appendChild(dots);
      typing.appendChild(document.createTextNode(TEXT.answering));
      els.messages.appendChild(typing);
      showEnd();
    } else if (!on && typing) {
      typing.parentNode.removeChild(typing);
    }
  }

  function postJson(url, payload) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      signal: controller ? controller.signal : undefined
    }).finally(function () { if (timer) { clearTimeout(timer); } });
  }

  function send(message, shownAs) {
    if (busy) { return; }
    addMessage("user", shownAs || message);
    showEnd();
    setBusy(true);
    var first = null;
    var kinds = [];
    function bot(text, buttons, data) {
      setBusy(false);
      var item = addMessage("bot", text, buttons, true, data);
      first = first || item;
      if (data && data.kind) { kinds.push(data.kind); }
    }
    postJson("/api/chat", withWard({ sender: senderId(), message: message }))
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            bot(data && typeof data.message === "string" ? data.message : TEXT.offline);
            return;
          }
          var messages = data && Array.isArray(data.messages) ? data.messages : [];
          if (!messages.length) { bot(TEXT.offline); }
          messages.forEach(function (m) {
            bot(m && typeof m.text === "string" ? m.text : "", m && Array.isArray(m.buttons) ? m.buttons : [],
              m && m.data && typeof m.data === "object" ? m.data : null);
          });
        });
      })
      .catch(function () { bot(TEXT.offline); })
      .finally(function () {
        setBusy(false);
        var ended = kinds.indexOf("goodbye") >= 0 || kinds.indexOf("thanks") >= 0;
        if (ended && kinds.indexOf("feedback") < 0) { offerRating(); }
        if (first) { showTopOf(first); }
      });
  }

  /* At the end of a conversation (goodbye/thanks): a small rating offer (rating.js), once per conversation. */
  function offerRating() {
    if (store.getItem(FEEDBACK_KEY) || !window.LtsRating) { return; }
    window.LtsRating.offer(els.messages, function (rating) {
      return postJson("/api/feedback", withWard({ conversation_id: senderId(), rating: rating, comment: "" }));
    }, function (rating) { store.setItem(FEEDBACK_KEY, String(rating)); });
  }

  function setLargeText(on) {
    document.documentElement.classList.toggle("large-text", on);
    els.largeText.setAttribute("aria-pressed", on ? "true" : "false");
    prefs.setItem(LARGE_TEXT_KEY, on ? "1" : "0");
  }

  function restore() {
    var seen = Number(store.getItem(SEEN_KEY) || 0);
    if (embedded && seen && Date.now() - seen > EMBED_IDLE_MS) { forget(); }
    try { transcript = JSON.parse(store.getItem(TRANSCRIPT_KEY) || "[]"); } catch (e) { transcript = []; }
    if (!Array.isArray(transcript)) { transcript = []; }
    addMessage("bot", TEXT.welcome, SUGGESTIONS, false);
    transcript.forEach(function (m, i) {
      var isLast = i === transcript.length - 1;
      addMessage(m.who === "user" ? "user" : "bot", m.text, isLast ? m.buttons : [], false, m.data, isLast);
    });
    showEnd();
  }

  function forget() {
    [SENDER_KEY, TRANSCRIPT_KEY, FEEDBACK_KEY, SEEN_KEY].forEach(function (k) { store.removeItem(k); });
  }

  function startOver() {
    forget();
    transcript = [];
    els.messages.textContent = "";
    addMessage("bot", TEXT.welcome, SUGGESTIONS, false);
    els.input.focus();
  }

  function askStartOver() {
    var dialog = document.getElementById("confirm-new");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm("Xoá cuộc trò chuyện và hỏi lại từ đầu? / Start over?")) { startOver(); }
      return;
    }
    dialog.returnValue = "";
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
    dialog.addEventListener("close", function () {
      if (dialog.returnValue === "ok") { startOver(); } else { document.getElementById("new-chat").focus(); }
    }, { once: true });
  }

  function withWard(body) {
    if (WARD) { body.ward = WARD; }
    return body;
  }

  function loadWardInfo() {
    fetch("/api/desks" + (WARD ? "?ward=" + encodeURIComponent(WARD) : "")).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      var ward = data && data.ward;
      if (!ward || typeof ward.name !== "string") { return; }
      document.getElementById("ward-name").textContent = ward.name;
      els.wardInfo.textContent = typeof ward.hours === "string" && ward.hours ? TEXT.hours + ward.hours : "";
      document.getElementById("ward-details").hidden = false;
    }).catch(function () { /* the page works without it */ });
  }

  function init() {
    els.messages = document.getElementById("messages");
    els.form = document.getElementById("chat-form");
    els.input = document.getElementById("chat-input");
    els.send = document.getElementById("send");
    els.status = document.getElementById("status");
    els.largeText = document.getElementById("large-text");
    els.wardInfo = document.getElementById("ward-info");
    document.body.classList.toggle("embed", embedded);

    els.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = els.input.value.trim();
      if (!text) {
        els.status.textContent = TEXT.typeFirst;
        els.input.focus();
        return;
      }
      if (busy) { return; }
      els.input.value = "";
      send(text);
    });
    els.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        els.form.requestSubmit ? els.form.requestSubmit() : els.send.click();
      }
    });
    els.largeText.addEventListener("click", function () {
      setLargeText(!document.documentElement.classList.contains("large-text"));
    });
    document.getElementById("new-chat").addEventListener("click", askStartOver);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && embedded && window.parent !== window && !document.querySelector("dialog[open]")) {
        window.parent.postMessage({ type: "lts-close" }, "*");
      }
    });
    window.addEventListener("message", function (event) {
      if (event.source === window.parent && event.data && event.data.type === "lts-focus") { els.input.focus(); }
    });

    setLargeText(prefs.getItem(LARGE_TEXT_KEY) === "1");
    restore();
    if (!embedded) { loadWardInfo(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
