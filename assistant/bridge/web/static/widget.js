/* Chat widget for the ward website: <script src="http://<bridge>/widget.js" defer></script> adds a floating
   "Hỏi đáp thủ tục" button that opens the bridge's chat page in a framed panel (same-origin API calls, and the
   host page's styles cannot break it). */
(function () {
  "use strict";
  if (window.__ltsChatWidget) { return; }
  window.__ltsChatWidget = true;

  var script = document.currentScript;
  var bridge = new URL(script && script.src ? script.src : "/widget.js", window.location.href);
  var origin = bridge.origin;
  var CSS = [
    ".lts-launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;flex-direction:column;",
    "align-items:flex-start;gap:2px;min-height:64px;min-width:64px;padding:12px 20px;border:3px solid #ffffff;",
    "border-radius:32px;background:#0a3a84;color:#ffffff;font:700 20px/1.2 'Noto Sans','DejaVu Sans',Arial,sans-serif;",
    "box-shadow:0 4px 14px rgba(0,0,0,.35);cursor:pointer}",
    ".lts-launcher:hover{background:#072a61}",
    ".lts-launcher small{font-size:14px;font-weight:400}",
    ".lts-launcher:focus-visible,.lts-close:focus-visible{outline:4px solid #ffb000;outline-offset:2px}",
    ".lts-panel{position:fixed;right:16px;bottom:16px;z-index:2147483001;width:min(440px,calc(100vw - 16px));",
    "height:min(680px,calc(100vh - 32px));display:flex;flex-direction:column;background:#ffffff;",
    "border:3px solid #0a3a84;border-radius:12px;box-shadow:0 8px 28px rgba(0,0,0,.4);overflow:hidden}",
    ".lts-panel[hidden]{display:none}",
    ".lts-bar{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:8px 10px 8px 14px;",
    "background:#0a3a84;color:#ffffff;font:700 19px/1.25 'Noto Sans','DejaVu Sans',Arial,sans-serif}",
    ".lts-bar small{display:block;font-size:14px;font-weight:400}",
    ".lts-close{min-height:48px;min-width:48px;padding:6px 12px;border:2px solid #ffffff;border-radius:8px;",
    "background:transparent;color:#ffffff;font:700 17px/1.1 'Noto Sans','DejaVu Sans',Arial,sans-serif;cursor:pointer}",
    ".lts-frame{flex:1;width:100%;border:0}",
    "@media (max-width:480px){.lts-panel{right:0;bottom:0;width:100vw;height:100vh;border-radius:0}}"
  ].join("");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function build() {
    var style = el("style");
    style.textContent = CSS;
    document.head.appendChild(style);

    var launcher = el("button", "lts-launcher");
    launcher.type = "button";
    launcher.id = "lts-launcher";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "lts-panel");
    launcher.appendChild(el("span", "", "Hỏi đáp thủ tục"));
    var sub = el("small", "", "Ask about procedures");
    sub.lang = "en";
    launcher.appendChild(sub);

    var panel = el("div", "lts-panel");
    panel.id = "lts-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Hỏi đáp thủ tục hành chính – Ask about procedures");
    var bar = el("div", "lts-bar");
    var title = el("div", "", "Hỏi đáp thủ tục hành chính");
    var titleEn = el("small", "", "Ask about administrative procedures");
    titleEn.lang = "en";
    title.appendChild(titleEn);
    var close = el("button", "lts-close", "Đóng ✕");
    close.type = "button";
    close.setAttribute("aria-label", "Đóng khung hỏi đáp – Close");
    bar.appendChild(title);
    bar.appendChild(close);
    var frame = el("iframe", "lts-frame");
    frame.title = "Trợ lý hỏi đáp thủ tục hành chính – Procedure assistant";
    panel.appendChild(bar);
    panel.appendChild(frame);
    document.body.appendChild(launcher);
    document.body.appendChild(panel);

    function focusChat() {
      frame.focus();
      if (frame.contentWindow) { frame.contentWindow.postMessage({ type: "lts-focus" }, origin); }
    }

    function open() {
      panel.hidden = false;
      launcher.hidden = true;
      launcher.setAttribute("aria-expanded", "true");
      if (!frame.getAttribute("src")) {
        frame.addEventListener("load", focusChat, { once: true });
        frame.src = origin + "/?embed=1";
      } else {
        focusChat();
      }
    }

    function shut() {
      panel.hidden = true;
      launcher.hidden = false;
      launcher.setAttribute("aria-expanded", "false");
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
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", build);
  } else {
    build();
  }
}());
