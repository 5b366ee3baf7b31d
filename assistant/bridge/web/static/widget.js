/* Chat widget for the ward website: <script src="http://<bridge>/widget.js" defer></script> adds a floating
   "Hỏi đáp thủ tục" button that opens the bridge's chat page in a framed panel.

   Isolation: the launcher and the panel live in a Shadow DOM whose root resets every inherited property, so the
   host page's CSS (fonts, text-transform, colours) cannot reach them; the chat itself is a frame on the bridge's
   origin, which keeps the conversation in its own storage across the pages of the host site.
   Options (attributes on the script tag): data-position="right|left", data-offset-x / data-offset-y (pixels from
   the corner, e.g. to stay clear of the host's own corner buttons), data-label / data-label-en, data-ward (the ward's
   code, e.g. "cua-nam": tickets, desks and reports are that ward's; the default ward when absent). */
(function () {
  "use strict";
  if (window.__ltsChatWidget) { return; }
  window.__ltsChatWidget = true;

  var script = document.currentScript;
  var bridge = new URL(script && script.src ? script.src : "/widget.js", window.location.href);
  var origin = bridge.origin;
  var OPEN_KEY = "lts.widget.open";

  function option(name, fallback) {
    var value = script && script.getAttribute("data-" + name);
    return value === null || value === undefined || value === "" ? fallback : value;
  }

  function pixels(name, fallback) {
    var value = parseInt(option(name, ""), 10);
    return isFinite(value) && value >= 0 && value <= 400 ? value : fallback;
  }

  var side = option("position", "right") === "left" ? "left" : "right";
  var dx = pixels("offset-x", 16);
  var dy = pixels("offset-y", 16);
  var FONT = "'Noto Sans','DejaVu Sans','Segoe UI',Roboto,Arial,sans-serif";
  var CSS = [
    ":host{all:initial}",
    ".root,.root *{box-sizing:border-box;font-family:" + FONT + ";text-transform:none;letter-spacing:normal;",
    "word-spacing:normal;text-shadow:none;font-style:normal;text-align:left}",
    ".root{all:initial;font-family:" + FONT + ";color:#111111;line-height:1.25}",
    ".launcher{position:fixed;" + side + ":" + dx + "px;bottom:" + dy + "px;z-index:2147483000;display:flex;flex-direction:column;",
    "align-items:flex-start;gap:2px;min-height:64px;min-width:64px;margin:0;padding:12px 20px;border:3px solid #ffffff;",
    "border-radius:32px;background:#0a3a84;color:#ffffff;font-size:20px;font-weight:700;line-height:1.2;",
    "box-shadow:0 4px 14px rgba(0,0,0,.35);cursor:pointer}",
    ".launcher:hover{background:#072a61}",
    ".launcher span,.launcher small,.bar div,.bar small{color:#ffffff}",
    ".launcher small{font-size:14px;font-weight:400}",
    ".launcher[hidden],.panel[hidden]{display:none}",
    ".launcher:focus-visible,.close:focus-visible{outline:4px solid #ffb000;outline-offset:2px;box-shadow:0 0 0 7px #111111}",
    ".panel{position:fixed;" + side + ":" + dx + "px;bottom:" + dy + "px;z-index:2147483001;",
    "width:min(440px,calc(100vw - 16px));height:min(680px,calc(100vh - " + (dy + 16) + "px));",
    "height:min(680px,calc(100dvh - " + (dy + 16) + "px));display:flex;flex-direction:column;background:#ffffff;",
    "border:3px solid #0a3a84;border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.4);overflow:hidden;margin:0;padding:0}",
    ".bar{display:flex;align-items:center;justify-content:space-between;gap:8px;margin:0;padding:8px 10px 8px 14px;",
    "background:#0a3a84;color:#ffffff;font-size:19px;font-weight:700;line-height:1.25}",
    ".bar small{display:block;font-size:14px;font-weight:400}",
    ".close{min-height:48px;min-width:48px;margin:0;padding:6px 12px;border:2px solid #ffffff;border-radius:8px;",
    "background:transparent;color:#ffffff;font-size:17px;font-weight:700;line-height:1.1;cursor:pointer}",
    ".frame{flex:1;display:block;width:100%;min-height:0;border:0;margin:0;padding:0}",
    "@media (max-width:480px){.panel{left:0;right:0;top:0;bottom:0;width:100vw;height:100vh;height:100dvh;",
    "max-height:100dvh;border-radius:0;border-width:0}}"
  ].join("");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function remember(open) {
    try { window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0"); } catch (e) { /* storage blocked: fine */ }
  }

  function wasOpen() {
    try { return window.sessionStorage.getItem(OPEN_KEY) === "1"; } catch (e) { return false; }
  }

  function build() {
    var host = el("div");
    host.id = "lts-chat-widget";
    var shadow = host.attachShadow({ mode: "open" });
    var style = el("style");
    style.textContent = CSS;
    shadow.appendChild(style);
    var root = el("div", "root");
    shadow.appendChild(root);

    var launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.id = "lts-launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "lts-panel");
    launcher.appendChild(el("span", "", option("label", "Hỏi đáp thủ tục")));
    var sub = el("small", "", option("label-en", "Ask about procedures"));
    sub.lang = "en";
    launcher.appendChild(sub);

    var panel = el("div", "panel");
    panel.id = "lts-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Hỏi đáp thủ tục hành chính – Ask about procedures");
    var bar = el("div", "bar");
    var title = el("div", "", "Hỏi đáp thủ tục hành chính");
    var titleEn = el("small", "", "Ask about administrative procedures");
    titleEn.lang = "en";
    title.appendChild(titleEn);
    var close = el("button", "close", "Đóng ✕");
    close.type = "button";
    close.setAttribute("aria-label", "Đóng khung hỏi đáp – Close");
    bar.appendChild(title);
    bar.appendChild(close);
    var frame = el("iframe", "frame");
    frame.title = "Trợ lý hỏi đáp thủ tục hành chính – Procedure assistant";
    panel.appendChild(bar);
    panel.appendChild(frame);
    root.appendChild(launcher);
    root.appendChild(panel);
    document.body.appendChild(host);

    function focusChat() {
      frame.focus();
      if (frame.contentWindow) { frame.contentWindow.postMessage({ type: "lts-focus" }, origin); }
    }

    function open(focus) {
      panel.hidden = false;
      launcher.hidden = true;
      launcher.setAttribute("aria-expanded", "true");
      remember(true);
      if (!frame.getAttribute("src")) {
        if (focus !== false) { frame.addEventListener("load", focusChat, { once: true }); }
        var ward = option("ward", "");
        frame.src = origin + "/?embed=1" + (ward ? "&ward=" + encodeURIComponent(ward) : "");
      } else if (focus !== false) {
        focusChat();
      }
    }

    function shut() {
      panel.hidden = true;
      launcher.hidden = false;
      launcher.setAttribute("aria-expanded", "false");
      remember(false);
      launcher.focus();
    }

    launcher.addEventListener("click", open);
    close.addEventListener("click", shut);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { shut(); }
    });
    window.addEventListener("message", function (event) {
      if (event.origin === origin && event.source === frame.contentWindow && event.data &&
          event.data.type === "lts-close") {
        shut();
      }
    });
    if (wasOpen()) { open(false); } // the visitor moved to another page of the site with the chat open
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", build);
  } else {
    build();
  }
}());
