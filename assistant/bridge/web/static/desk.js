/* Desk officer page: a desk-scoped token (kept in this tab only), call next / recall / skip / served. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const KEY = "lts-desk-token";
  let token = sessionStorage.getItem(KEY) || "";

  async function api(path, method = "GET") {
    const response = await fetch(path, {method, headers: {Authorization: "Bearer " + token}});
    if (response.status === 204) return null;
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((body.error && body.error.message) || "Lỗi máy chủ / Server error");
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function say(text, isError = false) {
    $("status").textContent = text;
    $("status").classList.toggle("error", isError);
  }

  function render(view) {
    const current = view.current;
    $("current-number").textContent = current ? current.number : "—";
    $("current-detail").textContent = current
      ? (current.priority !== "none" ? "Ưu tiên / Priority · " : "") + "gọi lúc / called " + new Date(current.called_at).toLocaleTimeString("vi-VN")
      : "Chưa gọi số nào. / Nobody called yet.";
    for (const id of ["recall", "skip", "served"]) $(id).disabled = !current;
    $("call-next").disabled = view.waiting.length === 0;
    $("rule").textContent = view.rule.vi + " / " + view.rule.en;
    $("counts").textContent = `Đã phục vụ / served: ${view.served} · Bỏ qua / skipped: ${view.skipped} · Đang chờ / waiting: ${view.waiting.length}`;
    const list = $("waiting");
    list.replaceChildren();
    for (const ticket of view.waiting) {
      const item = document.createElement("li");
      const number = document.createElement("strong");
      number.textContent = ticket.number;
      const badge = document.createElement("span");
      badge.className = "badge" + (ticket.priority !== "none" ? " priority" : "");
      badge.textContent = ticket.priority !== "none" ? "Ưu tiên · " + ticket.priority_label : "Thường / Normal";
      item.append(number, badge);
      list.append(item);
    }
    if (!view.waiting.length) {
      const item = document.createElement("li");
      item.textContent = "Không có ai đang chờ. / Nobody is waiting.";
      list.append(item);
    }
  }

  async function refresh() {
    render(await api("/api/desk/queue"));
  }

  async function act(path, done) {
    try {
      const ticket = await api(path, "POST");
      say(done(ticket));
      await refresh();
    } catch (error) {
      say(error.message, true);
    }
  }

  async function start() {
    try {
      const me = await api("/api/desk/me");
      $("title").firstChild.textContent = `${me.desk_label} – gọi số `;
      $("login").hidden = true;
      $("work").hidden = false;
      $("logout").hidden = false;
      await refresh();
    } catch (error) {
      sessionStorage.removeItem(KEY);
      $("login-status").textContent = error.status === 401 || error.status === 403
        ? "Mã không hợp lệ hoặc không phải mã của quầy. / Invalid token, or not a desk token." : error.message;
      $("login-status").classList.add("error");
    }
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    sessionStorage.setItem(KEY, token);
    start();
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(KEY); location.reload(); });
  $("call-next").addEventListener("click", () => act("/api/desk/call-next",
    (t) => t ? `Đã gọi số ${t.number}. / Called ${t.number}.` : "Không còn ai chờ. / Nobody is waiting."));
  $("recall").addEventListener("click", () => act("/api/desk/recall", (t) => `Đã gọi lại số ${t.number}. / Recalled ${t.number}.`));
  $("skip").addEventListener("click", () => act("/api/desk/skip", (t) => `Đã bỏ qua số ${t.number}. / Skipped ${t.number}.`));
  $("served").addEventListener("click", () => act("/api/desk/served", (t) => `Số ${t.number} đã phục vụ xong. / ${t.number} served.`));
  setInterval(() => { if (!$("work").hidden) refresh().catch(() => {}); }, 5000);
  if (token) start();
})();
