/* Answer cards: renders the structured reply (`data` of a chat message, assistant/payload.py ReplyPayload) as DOM.
   Shared by the web chat, the widget (same page) and the kiosk page. Every text goes in via textContent. */
(function () {
  "use strict";

  var LABELS = {
    vi: { documents: "Giấy tờ cần mang", fee: "Lệ phí", time: "Thời gian giải quyết", desk: "Nộp ở", online: "Nộp trực tuyến",
      yes: "Có", no: "Không", code: "Mã thủ tục", portal: "Xem trên Cổng Dịch vụ công quốc gia",
      qr: "Quét mã để xem trên điện thoại", notes: "Lưu ý", handledBy: "Nơi giải quyết", ticket: "Số thứ tự của bạn",
      ahead: "Số người đang chờ trước bạn", wait: "Thời gian chờ ước tính", minutes: " phút", queue: "Số thứ tự",
      status: "Trạng thái", next: "Việc cần làm tiếp", due: "Ngày hẹn trả", pickup: "Nhận kết quả tại",
      dossier: "Tình trạng hồ sơ", procedure: "Thủ tục", followUps: "Hỏi tiếp", priority: "Ưu tiên", floor: "Tầng",
      follow: "Theo dõi lượt của bạn trên điện thoại",
      queueStatus: { waiting: "Đang chờ", called: "Đã được gọi", served: "Đã phục vụ", skipped: "Đã bỏ qua" } },
    en: { documents: "What to bring", fee: "Fee", time: "Processing time", desk: "Where to submit", online: "File online",
      yes: "Yes", no: "No", code: "Procedure code", portal: "View on the National Public Service Portal",
      qr: "Scan to continue on your phone", notes: "Notes", handledBy: "Handled by", ticket: "Your ticket number",
      ahead: "People ahead of you", wait: "Estimated wait", minutes: " min", queue: "Ticket",
      status: "Status", next: "Next step", due: "Appointment date", pickup: "Collect the result at",
      dossier: "Dossier status", procedure: "Procedure", followUps: "Ask next", priority: "Priority", floor: "Floor",
      follow: "Follow your turn on your phone",
      queueStatus: { waiting: "Waiting", called: "Called", served: "Served", skipped: "Skipped" } }
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function str(value) { return typeof value === "string" && value.trim() ? value.trim() : ""; }

  function facts(rows) {
    var list = el("dl", "card-facts");
    rows.forEach(function (row) {
      if (!row[1]) { return; }
      list.appendChild(el("dt", "", row[0]));
      list.appendChild(el("dd", "", row[1]));
    });
    return list.children.length ? list : null;
  }

  function deskText(desk, t) {
    if (!desk || !str(desk.name)) { return ""; }
    var floor = str(desk.floor);
    return desk.name + (floor ? " · " + (/^(tầng|floor)/i.test(floor) ? floor : t.floor + " " + floor) : "");
  }

  function safePortal(url) {
    try {
      var parsed = new URL(url);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : "";
    } catch (e) { return ""; }
  }

  function procedureCard(card, t) {
    var box = el("section", "card card-procedure");
    box.setAttribute("aria-label", t.procedure + ": " + str(card.name));
    var title = el("h3", "card-title", str(card.name));
    if (str(card.code)) { title.appendChild(el("span", "card-code", t.code + " " + card.code)); }
    box.appendChild(title);
    if (str(card.official_name) && card.official_name !== card.name) { box.appendChild(el("p", "card-official", card.official_name)); }
    if (str(card.handled_by)) { box.appendChild(facts([[t.handledBy, card.handled_by]])); }
    if (Array.isArray(card.documents) && card.documents.length) {
      box.appendChild(el("h4", "card-heading", t.documents));
      var docs = el("ul", "card-documents");
      card.documents.forEach(function (doc) { if (str(doc)) { docs.appendChild(el("li", "", doc)); } });
      box.appendChild(docs);
    }
    var online = card.online === true ? t.yes : card.online === false ? t.no : "";
    var list = facts([[t.fee, str(card.fee)], [t.time, str(card.time)], [t.desk, deskText(card.desk, t)], [t.online, online]]);
    if (list) { box.appendChild(list); }
    if (Array.isArray(card.notes) && card.notes.length) {
      box.appendChild(el("h4", "card-heading", t.notes));
      var notes = el("ul", "card-notes");
      card.notes.forEach(function (note) { if (str(note)) { notes.appendChild(el("li", "", note)); } });
      box.appendChild(notes);
    }
    var portal = safePortal(str(card.portal_url));
    if (portal) {
      var links = el("div", "card-links");
      var link = el("a", "card-portal", t.portal);
      link.href = portal;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      links.appendChild(link);
      var figure = el("figure", "card-qr");
      var img = el("img");
      img.src = "/api/qr?data=" + encodeURIComponent(portal);
      img.alt = t.qr;
      img.width = 132;
      img.height = 132;
      figure.appendChild(img);
      figure.appendChild(el("figcaption", "", t.qr));
      links.appendChild(figure);
      box.appendChild(links);
    }
    return box;
  }

  function ticketCard(ticket, t) {
    var box = el("section", "card card-ticket");
    box.setAttribute("aria-label", t.ticket + " " + str(ticket.number));
    box.appendChild(el("p", "ticket-label", t.ticket + (ticket.priority ? " · " + t.priority : "")));
    box.appendChild(el("p", "ticket-number", str(ticket.number)));
    var list = facts([[t.desk, deskText(ticket.desk, t)],
      [t.ahead, typeof ticket.ahead === "number" ? String(ticket.ahead) : ""],
      [t.wait, typeof ticket.wait_minutes === "number" ? ticket.wait_minutes + t.minutes : ""]]);
    if (list) { box.appendChild(list); }
    var publicId = str(ticket.public_id);
    if (/^[A-Za-z0-9_-]{8,32}$/.test(publicId)) {  // the ticket's public "your turn" page on this site
      var links = el("div", "card-links");
      var link = el("a", "card-follow", t.follow);
      link.href = "/t/" + publicId;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      links.appendChild(link);
      var figure = el("figure", "card-qr");
      var img = el("img");
      img.src = "/api/qr?data=" + encodeURIComponent(location.origin + "/t/" + publicId);
      img.alt = t.follow;
      img.width = 132;
      img.height = 132;
      figure.appendChild(img);
      links.appendChild(figure);
      box.appendChild(links);
    }
    return box;
  }

  function queueCard(queue, t) {
    var box = el("section", "card card-ticket card-queue");
    box.appendChild(el("p", "ticket-label", t.queue));
    box.appendChild(el("p", "ticket-number", str(queue.number)));
    var list = facts([[t.status, (t.queueStatus[queue.status] || str(queue.status))], [t.desk, deskText(queue.desk, t)],
      [t.ahead, typeof queue.ahead === "number" ? String(queue.ahead) : ""],
      [t.wait, typeof queue.wait_minutes === "number" ? queue.wait_minutes + t.minutes : ""]]);
    if (list) { box.appendChild(list); }
    return box;
  }

  function dossierCard(dossier, t) {
    var box = el("section", "card card-dossier");
    box.setAttribute("aria-label", t.dossier);
    box.appendChild(el("p", "ticket-label", t.dossier));
    box.appendChild(el("p", "dossier-label", str(dossier.label)));
    if (str(dossier.explanation)) { box.appendChild(el("p", "dossier-explanation", dossier.explanation)); }
    var due = str(dossier.due) ? dossier.due.slice(0, 10).split("-").reverse().join("/") : "";
    var list = facts([[t.procedure, str(dossier.procedure)], [t.next, str(dossier.next_step)], [t.due, due],
      [t.pickup, deskText(dossier.pickup_desk, t)]]);
    if (list) { box.appendChild(list); }
    return box;
  }

  function deskCard(desk, t) {
    var box = el("section", "card card-desk");
    box.appendChild(facts([[t.desk, deskText(desk, t)]]) || el("span"));
    if (str(desk.directions)) { box.appendChild(el("p", "card-directions", desk.directions)); }
    return box;
  }

  /* The card of a structured reply, or null when its kind has none. */
  function render(data) {
    if (!data || typeof data !== "object") { return null; }
    var t = LABELS[data.language === "en" ? "en" : "vi"];
    if (data.ticket) { return ticketCard(data.ticket, t); }
    if (data.queue) { return queueCard(data.queue, t); }
    if (data.dossier) { return dossierCard(data.dossier, t); }
    if (data.procedure) { return procedureCard(data.procedure, t); }
    if (data.desk && str(data.desk.name)) { return deskCard(data.desk, t); }
    return null;
  }

  /* Tappable follow-ups (Lệ phí · Thời gian · Nộp ở đâu · Lấy số); onChoose(title, payload). */
  function suggestions(data, onChoose, skipPayloads) {
    var items = data && Array.isArray(data.suggestions) ? data.suggestions : [];
    var skip = skipPayloads || [];
    var row = el("div", "suggestions");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", LABELS[data && data.language === "en" ? "en" : "vi"].followUps);
    items.forEach(function (item) {
      if (!item || !str(item.title) || skip.indexOf(item.payload) >= 0) { return; }
      var button = el("button", "chip", item.title);
      button.type = "button";
      button.addEventListener("click", function () { onChoose(item.title, str(item.payload) || item.title); });
      row.appendChild(button);
    });
    return row.children.length ? row : null;
  }

  /* Appends text to parent, turning http(s) links into <a> elements — built with DOM calls, never HTML. */
  function appendTextWithLinks(parent, text) {
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var url = match[0].replace(/[.,;:)]+$/, "");
      var link = el("a", "", url);
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      last = match.index + url.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /* Clarifying choices as a group of buttons; onChoose(title, payload) returns false when it cannot take it now. */
  function choiceButtons(choices, label, onChoose) {
    var group = el("div", "msg-buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", label);
    choices.forEach(function (choice) {
      if (!choice || !str(choice.title)) { return; }
      var button = el("button", "", choice.title);
      button.type = "button";
      button.dataset.payload = str(choice.payload) || choice.title;
      button.addEventListener("click", function () {
        if (onChoose(choice.title, button.dataset.payload) === false) { return; }
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
        button.classList.add("chosen");
      });
      group.appendChild(button);
    });
    return group;
  }

  window.LtsCards = { render: render, suggestions: suggestions, appendTextWithLinks: appendTextWithLinks,
    choiceButtons: choiceButtons };
}());
