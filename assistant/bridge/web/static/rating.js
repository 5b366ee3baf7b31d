/* End-of-conversation rating for the chat page: after a goodbye or thanks, a small "Đánh giá" button opens 1–5
   stars that post to /api/feedback. Never shown in the middle of a conversation. Text via textContent only. */
(function () {
  "use strict";

  var TEXT = {
    offer: "Đánh giá / Rate this chat",
    question: "Bạn thấy cuộc trò chuyện có hữu ích không? Mời chọn số sao.\nWas this helpful? Rate 1–5 stars.",
    stars: " sao trên 5 / stars of 5",
    thanks: "Cảm ơn bạn đã đánh giá! / Thank you for your feedback!",
    failed: "Chưa gửi được đánh giá. / Feedback could not be sent."
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* Adds the rating offer to `log` once; `post(rating)` returns a fetch promise, `done(rating)` records success. */
  function offer(log, post, done) {
    if (document.getElementById("feedback")) { return null; }
    var box = el("div", "msg msg-bot feedback");
    box.id = "feedback";
    var open = el("button", "chip", TEXT.offer);
    open.type = "button";
    open.id = "rate-open";
    open.addEventListener("click", function () {
      box.removeChild(open);
      var question = el("p", "msg-text", TEXT.question);
      question.id = "feedback-title";
      var stars = el("div", "stars");
      stars.setAttribute("role", "group");
      stars.setAttribute("aria-labelledby", "feedback-title");
      var result = el("p");
      result.id = "feedback-result";
      result.setAttribute("role", "status");
      [1, 2, 3, 4, 5].forEach(function (rating) {
        var b = el("button", "", rating + " ★");
        b.type = "button";
        b.setAttribute("aria-label", rating + TEXT.stars);
        b.addEventListener("click", function () { send(stars, result, rating, post, done); });
        stars.appendChild(b);
      });
      box.appendChild(question);
      box.appendChild(stars);
      box.appendChild(result);
      stars.firstChild.focus();
      log.scrollTop = log.scrollHeight;
    });
    box.appendChild(open);
    log.appendChild(box);
    return box;
  }

  function send(stars, result, rating, post, done) {
    var buttons = stars.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    post(rating)
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        done(rating);
        result.className = "success";
        result.textContent = TEXT.thanks;
      })
      .catch(function () {
        result.className = "error";
        result.textContent = TEXT.failed;
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
  }

  window.LtsRating = { offer: offer };
}());
