/* The citizen's "your turn" page: status, position and wait of one ticket, refreshed every 10 seconds. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const publicId = location.pathname.split("/").pop();
  const STATES = {
    waiting: ["Đang chờ đến lượt", "Waiting for your turn"],
    called: ["Đến lượt bạn! Mời đến", "It is your turn! Please go to"],
    served: ["Đã phục vụ xong", "Served"],
    skipped: ["Đã gọi nhưng bạn vắng mặt — hãy đến quầy hoặc lấy số mới", "Called while you were away — go to the desk or take a new ticket"],
  };

  async function refresh() {
    try {
      const response = await fetch(`/api/queue/ticket/${encodeURIComponent(publicId)}`, {cache: "no-store"});
      if (!response.ok) {
        $("state").textContent = "Không tìm thấy số thứ tự này. / This ticket was not found.";
        return;
      }
      const t = await response.json();
      let [vi, en] = STATES[t.status] || [t.status, t.status];
      if (t.status === "called") [vi, en] = [`${vi} ${t.desk.label}`, `${en} ${t.desk.label_en}`];
      $("number").textContent = t.number;
      const english = document.createElement("span");
      english.className = "en";
      english.textContent = en;
      $("state").replaceChildren(vi, english);
      $("state").className = "state " + t.status;
      document.body.dataset.status = t.status;
      $("desk").textContent = t.desk.name + (t.desk.name_en ? ` / ${t.desk.name_en}` : "");
      $("floor").textContent = t.desk.floor;
      $("ahead").textContent = t.status === "waiting" ? `${Math.max(t.position - 1, 0)} người / people` : "—";
      $("wait").textContent = t.status === "waiting" ? `${t.estimated_wait_minutes} phút / minutes` : "—";
      $("updated").textContent = "Cập nhật lúc / Updated at " + new Date().toLocaleTimeString("vi-VN");
    } catch {
      $("updated").textContent = "Mất kết nối, đang thử lại… / Connection lost, retrying…";
    }
  }

  refresh();
  setInterval(refresh, 10000);
})();
