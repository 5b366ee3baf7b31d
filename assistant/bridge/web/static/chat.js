/* Citizen chat page: sends turns to POST /api/chat and shows replies. All text goes in via textContent. */
(function () {
  "use strict";

  var SENDER_KEY = "lts.chat.sender";
  var TRANSCRIPT_KEY = "lts.chat.transcript";
  var FEEDBACK_KEY = "lts.chat.feedbackGiven";
  var LARGE_TEXT_KEY = "lts.largeText";
  var FEEDBACK_AFTER_REPLIES = 3;
  var REQUEST_TIMEOUT_MS = 20000;
  var MAX_SAVED = 60;
  var TEXT = {
    welcome: "Xin chào! Tôi giúp bạn tìm hiểu thủ tục hành chính: cần giấy tờ gì, lệ phí, thời gian, nộp ở quầy nào, " +
      "và tra cứu hồ sơ.\nHello! Ask me about procedures, documents, fees, desks or your dossier status.",
    answering: "Đang trả lời… / Answering…",
    typeFirst: "Mời bạn nhập câu hỏi trước khi gửi. / Please type a question first.",
    offline: "Xin lỗi, không kết nối được với hệ thống. Mời bạn thử lại hoặc hỏi cán bộ tại quầy hướng dẫn.\n" +
      "Sorry, the service cannot be reached. Please try again or ask at the help desk.",
    you: "Bạn: ",
    bot: "Trợ lý: ",
    choose: "Chọn một – Choose one",
    thanks: "Cảm ơn bạn đã đánh giá! / Thank you for your feedback!",
    feedbackFailed: "Chưa gửi được đánh giá. / Feedback could not be sent.",
    stars: " sao trên 5 / stars of 5",
    rate: "Bạn thấy câu trả lời có hữu ích không? Mời chọn số sao.\nWas this helpful? Rate 1–5 stars."
  };
  var SUGGESTIONS = [
    { title: "Làm giấy khai sinh cần gì?", payload: "Làm giấy khai sinh cần gì?" },
    { title: "Tra cứu hồ sơ của tôi", payload: "Tôi muốn tra cứu hồ sơ" },
    { title: "Giờ làm việc của phường", payload: "Giờ làm việc của phường" }
  ];

  var store = safeStorage("sessionStorage");
  var prefs = safeStorage("localStorage");
  var els = {};
  var busy = false;
  var botReplies = 0;
  var feedbackOffered = false;
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
    return id;
  }

  /* Appends text to parent, turning http(s) links into <a> elements — built with DOM calls, never HTML. */
  function appendTextWithLinks(parent, text) {
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var url = match[0].replace(/[.,;:)]+$/, "");
      var link = document.createElement("a");
      link.href = url;
      link.textContent = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = match.index + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(who, text, buttons, save) {
    var item = document.createElement("div");
    item.className = "msg " + (who === "user" ? "msg-user" : "msg-bot");
    var body = document.createElement("p");
    body.className = "msg-text";
    var prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.textContent = who === "user" ? TEXT.you : TEXT.bot;
    body.appendChild(prefix);
    appendTextWithLinks(body, String(text || ""));
    item.appendChild(body);
    if (buttons && buttons.length) {
      item.appendChild(buildButtons(buttons));
    }
    els.messages.appendChild(item);
    els.messages.scrollTop = els.messages.scrollHeight;
    if (save !== false) {
      transcript.push({ who: who, text: String(text || ""), buttons: buttons || [] });
      transcript = transcript.slice(-MAX_SAVED);
      store.setItem(TRANSCRIPT_KEY, JSON.stringify(transcript));
    }
    return item;
  }

  function buildButtons(buttons) {
    var group = document.createElement("div");
    group.className = "msg-buttons";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", TEXT.choose);
    buttons.forEach(function (choice) {
      if (!choice || typeof choice.title !== "string") { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.dataset.payload = typeof choice.payload === "string" && choice.payload ? choice.payload : choice.title;
      button.addEventListener("click", function () {
        if (busy) { return; }
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
        button.classList.add("chosen");
        send(button.dataset.payload, choice.title);
        els.input.focus();
      });
      group.appendChild(button);
    });
    return group;
  }

  function setBusy(on) {
    busy = on;
    els.send.disabled = on;
    els.status.textContent = on ? TEXT.answering : "";
    els.messages.setAttribute("aria-busy", on ? "true" : "false");
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
    setBusy(true);
    postJson("/api/chat", { sender: senderId(), message: message })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            addMessage("bot", data && typeof data.message === "string" ? data.message : TEXT.offline);
            return;
          }
          var messages = data && Array.isArray(data.messages) ? data.messages : [];
          if (!messages.length) { addMessage("bot", TEXT.offline); }
          messages.forEach(function (m) {
            addMessage("bot", m && typeof m.text === "string" ? m.text : "", m && Array.isArray(m.buttons) ? m.buttons : []);
          });
          if (!data.degraded) { botReplies += 1; }
        });
      })
      .catch(function () { addMessage("bot", TEXT.offline); })
      .finally(function () {
        setBusy(false);
        maybeOfferFeedback();
      });
  }

  /* After a few answered turns, a rating request appears in the conversation itself (1–5 star buttons). */
  function maybeOfferFeedback() {
    if (feedbackOffered || botReplies < FEEDBACK_AFTER_REPLIES || store.getItem(FEEDBACK_KEY)) { return; }
    feedbackOffered = true;
    var box = document.createElement("div");
    box.className = "msg msg-bot feedback";
    box.id = "feedback";
    var question = document.createElement("p");
    question.className = "msg-text";
    question.id = "feedback-title";
    question.textContent = TEXT.rate;
    var stars = document.createElement("div");
    stars.className = "stars";
    stars.setAttribute("role", "group");
    stars.setAttribute("aria-labelledby", "feedback-title");
    [1, 2, 3, 4, 5].forEach(function (rating) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = rating + " ★";
      b.setAttribute("aria-label", rating + TEXT.stars);
      b.addEventListener("click", function () { sendFeedback(box, rating); });
      stars.appendChild(b);
    });
    var result = document.createElement("p");
    result.id = "feedback-result";
    result.setAttribute("role", "status");
    box.appendChild(question);
    box.appendChild(stars);
    box.appendChild(result);
    els.messages.appendChild(box);
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  function sendFeedback(box, rating) {
    var buttons = box.querySelectorAll(".stars button");
    var result = box.querySelector("#feedback-result");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    postJson("/api/feedback", { conversation_id: senderId(), rating: rating, comment: "" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        store.setItem(FEEDBACK_KEY, String(rating));
        result.className = "success";
        result.textContent = TEXT.thanks;
      })
      .catch(function () {
        result.className = "error";
        result.textContent = TEXT.feedbackFailed;
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
  }

  function setLargeText(on) {
    document.documentElement.classList.toggle("large-text", on);
    els.largeText.setAttribute("aria-pressed", on ? "true" : "false");
    prefs.setItem(LARGE_TEXT_KEY, on ? "1" : "0");
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  function showWelcome() {
    addMessage("bot", TEXT.welcome, SUGGESTIONS, false);
  }

  function restore() {
    try { transcript = JSON.parse(store.getItem(TRANSCRIPT_KEY) || "[]"); } catch (e) { transcript = []; }
    if (!Array.isArray(transcript)) { transcript = []; }
    showWelcome();
    transcript.forEach(function (m, i) {
      var isLast = i === transcript.length - 1;
      addMessage(m.who === "user" ? "user" : "bot", m.text, isLast ? m.buttons : [], false);
    });
  }

  function startOver() {
    store.removeItem(SENDER_KEY);
    store.removeItem(TRANSCRIPT_KEY);
    store.removeItem(FEEDBACK_KEY);
    transcript = [];
    botReplies = 0;
    els.messages.textContent = "";
    feedbackOffered = false;
    showWelcome();
    els.input.focus();
  }

  function loadWardInfo() {
    fetch("/api/desks").then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      var ward = data && data.ward;
      if (!ward || typeof ward.name !== "string") { return; }
      var parts = [ward.name];
      if (typeof ward.hours === "string" && ward.hours) { parts.push("Giờ làm việc: " + ward.hours); }
      els.wardInfo.textContent = parts.join(" · ");
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
    var embedded = /[?&]embed=1\b/.test(window.location.search);
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
    document.getElementById("new-chat").addEventListener("click", startOver);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && embedded && window.parent !== window) {
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
