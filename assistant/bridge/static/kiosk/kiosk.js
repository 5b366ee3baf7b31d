// Kiosk page: push-to-talk streams 16 kHz 16-bit mono PCM over /ws/kiosk; shows transcript, answer, the answer card
// (cards.js), desk and ticket; plays the server-synthesised reply. No external scripts.
// Speech: the "ready" message says whether a speech model is installed; without one the page offers typing only.
// Push-to-talk: one press starts listening; the server ends the utterance after a short silence (a press while
// listening ends it at once); the button stays busy until the answer is shown, so a second press never starts a new
// recording by accident.
// Reconnecting: "ready" and "reset" carry `session`, the bridge's signed conversation id; the page keeps it in
// sessionStorage and offers it back (`/ws/kiosk?resume=…`), so a dropped socket or a restarted bridge continues the
// same conversation (a half-finished dossier lookup included). A new visitor ("reset") gets a new one.
// Device: a kiosk of a province deployment is opened once as /kiosk?device=<its kiosk token>; the page keeps the
// token in localStorage (and takes it out of the address bar) and names it on every connection, so the bridge knows
// the kiosk and its ward. Without one the kiosk is the default ward's.
(function () {
  "use strict";
  const RATE = 16000;
  const $ = (id) => document.getElementById(id);
  const talk = $("talk"), statusLine = $("status"), form = $("type-form"), typed = $("typed"), replay = $("replay");
  let socket = null, capture = null, recording = false, streaming = false, busy = false, idleTimer = null, speech = true;
  // After this long without activity the screen is cleared and the next visitor starts a new conversation.
  const IDLE_MS = (Number(new URLSearchParams(location.search).get("idle")) || 90) * 1000;
  const SESSION_KEY = "letanso.kiosk.session";
  const DEVICE_KEY = "letanso.kiosk.device";
  const device = (() => {
    const params = new URLSearchParams(location.search);
    const given = params.get("device");
    try {
      if (given) {
        localStorage.setItem(DEVICE_KEY, given);
        params.delete("device");
        history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
      }
      return localStorage.getItem(DEVICE_KEY) || "";
    } catch (e) { return given || ""; }
  })();
  const TEXT = {
    ready: "Sẵn sàng. Bấm nút xanh để nói. / Ready: press the green button and speak.",
    readyTyping: "Hãy gõ câu hỏi / Please type your question",
    listening: "Đang nghe… Bác/anh/chị cứ nói, nói xong máy tự dừng. / Listening… I stop when you finish.",
    recognising: "Đang nhận dạng… / Recognising…",
    finding: "Đang tìm câu trả lời… / Finding the answer…",
    askMore: "Bấm nút xanh để hỏi tiếp, hoặc gõ câu hỏi. / Press the green button or type to ask more.",
    askMoreTyping: "Gõ câu hỏi tiếp theo vào ô dưới. / Type your next question below.",
    options: "Bác/anh/chị có thể nói \"số một\", \"số hai\"… hoặc chạm vào lựa chọn. / Say or touch an option.",
    optionsTyping: "Chạm vào một lựa chọn, hoặc gõ số. / Touch an option or type its number.",
    noMic: "Không tìm thấy micrô trên máy này. Hãy gõ câu hỏi. / No microphone found: please type your question.",
    micBlocked: "Micrô đang bị chặn. Hãy gõ câu hỏi. / The microphone is blocked: please type your question.",
    micFailed: "Không mở được micrô. Hãy gõ câu hỏi. / The microphone could not be opened: please type your question.",
    notClear: "(chưa nghe rõ / not clear)",
  };

  function touch() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (recording || busy) { touch(); return; }
      if ($("answer-box").hidden && $("transcript-box").hidden) return;
      send({ type: "reset" });
      clearScreen();
      typed.value = "";
    }, IDLE_MS);
  }

  function setStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  // idle -> listening -> thinking -> idle; the button's words and state follow the turn.
  function setTurn(state) {
    document.body.dataset.turn = state;
    const labels = { idle: ["Bấm để nói", "Press to talk"], listening: ["Đang nghe… (bấm để dừng)", "Listening… (press to stop)"],
      thinking: ["Đang xử lý…", "Working…"] };
    const [vi, en] = labels[state] || labels.idle;
    const asked = !$("answer-box").hidden;
    talk.querySelector(".label").textContent = state === "idle" && asked ? "Bấm để hỏi tiếp" : vi;
    talk.querySelector(".label-en").textContent = state === "idle" && asked ? "Press to ask more" : en;
    talk.setAttribute("aria-pressed", state === "listening" ? "true" : "false");
    talk.disabled = state === "thinking" || document.body.dataset.connection !== "ready";
  }

  function useSpeech(available) {
    speech = Boolean(available);
    document.body.dataset.speech = speech ? "yes" : "no";
    if (!speech) { talk.disabled = true; offerTyping(); }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let resume = "";
    try { resume = sessionStorage.getItem(SESSION_KEY) || ""; } catch (e) { resume = ""; }
    const query = new URLSearchParams();
    if (resume) { query.set("resume", resume); }
    if (device) { query.set("device", device); }
    socket = new WebSocket(scheme + "://" + location.host + "/ws/kiosk" +
      (query.toString() ? "?" + query : ""));
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => { touch(); handle(JSON.parse(event.data)); };
    socket.onclose = () => {
      document.body.dataset.connection = "closed";
      talk.disabled = true;
      stopCapture();
      setStatus("Mất kết nối, đang thử lại… / Connection lost, retrying…", true);
      setTimeout(connect, 2000);
    };
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function keepSession(message) {
    if (!message.session) return;
    try { sessionStorage.setItem(SESSION_KEY, message.session); } catch (e) { /* private mode: no resuming */ }
  }

  function handle(message) {
    keepSession(message);
    switch (message.type) {
      case "ready":
        document.body.dataset.connection = "ready";
        // the conversation continues, but options shown before the reconnect are not known to this socket
        if (message.resumed) { $("options").replaceChildren(); $("follow-ups").replaceChildren(); }
        useSpeech(message.speech !== false);
        setTurn("idle");
        setStatus(speech ? TEXT.ready : TEXT.readyTyping);
        break;
      case "listening":
        setStatus(TEXT.listening);
        break;
      case "transcript":
        stopCapture();
        setTurn("thinking");
        showTranscript(message.text || TEXT.notClear);
        setStatus(TEXT.finding);
        break;
      case "reply":
        busy = false;
        showReply(message);
        setTurn("idle");
        break;
      case "reset":
        clearScreen();
        setTurn("idle");
        setStatus(speech ? TEXT.ready : TEXT.readyTyping);
        break;
      case "error":
        busy = false;
        stopCapture();
        if (message.code === "stt_unavailable") useSpeech(false);
        setTurn("idle");
        setStatus(message.message || "Lỗi / Error", true);
        if (message.code === "stt_unavailable") offerTyping();
        break;
    }
  }

  function showTranscript(text) {
    document.body.classList.remove("fresh");
    $("transcript").textContent = text;
    $("transcript-box").hidden = false;
  }

  function choose(title, payload) {
    if (busy) return;
    busy = true;
    showTranscript(title);
    setTurn("thinking");
    setStatus(TEXT.finding);
    send({ type: "choose", payload });
  }

  function showReply(reply) {
    const answer = $("answer");
    answer.replaceChildren();
    (reply.text || "").split("\n").forEach((line, index, lines) => {
      if (!line.trim()) return;
      const p = document.createElement("p");
      p.textContent = line;
      if (reply.kind !== "reply" && index === lines.length - 1 && lines.length > 1) p.className = "en";
      answer.appendChild(p);
    });
    const data = reply.data && typeof reply.data === "object" ? reply.data : null;
    // the ticket has its own big box below; other structured replies render as the chat's card
    const card = data && !data.ticket && window.LtsCards ? window.LtsCards.render(data) : null;
    $("card").replaceChildren(...(card ? [card] : []));
    // a procedure card says what to bring: the full written answer stays one touch away below it
    const cardFirst = Boolean(card && data.procedure && ["overview", "documents"].includes(data.procedure.topic || "overview"));
    $("answer-full").open = !cardFirst;
    $("answer-full").classList.toggle("folded", cardFirst);
    const options = $("options");
    options.replaceChildren();
    (reply.buttons || []).forEach((button, index) => {
      const b = document.createElement("button");
      b.type = "button";
      const num = document.createElement("span");
      num.className = "num";
      num.textContent = (index + 1) + ".";
      b.append(num, " " + button.title);
      b.addEventListener("click", () => choose(button.title, button.payload));
      options.appendChild(b);
    });
    const chips = data && window.LtsCards ? window.LtsCards.suggestions(data, choose,
      (reply.buttons || []).map((b) => b.payload)) : null;
    $("follow-ups").replaceChildren(...(chips ? [chips] : []));
    $("desk").textContent = reply.desk || "";
    $("desk-card").hidden = !reply.desk || Boolean(card);
    $("ticket").textContent = reply.ticket || "";
    $("ticket-card").hidden = !reply.ticket;
    if (data && data.ticket && data.ticket.public_id) printTicket(String(data.ticket.public_id));
    $("answer-box").hidden = false;
    $("main").scrollTop = 0;
    $("transcript-box").scrollIntoView({ block: "start" });
    form.classList.toggle("offer", Boolean(reply.offer_typing));
    if (reply.offer_typing) offerTyping();
    const hasOptions = reply.buttons && reply.buttons.length;
    setStatus(hasOptions ? (speech ? TEXT.options : TEXT.optionsTyping) : (speech ? TEXT.askMore : TEXT.askMoreTyping));
    play(reply.audio);
  }

  // A ticket issued at the kiosk is printed once (ESC/POS printer of the bridge machine, KIOSK_PRINTER);
  // without a printer the number stays on screen only.
  const printed = new Set();
  async function printTicket(publicId) {
    if (printed.has(publicId)) return;
    printed.add(publicId);
    const note = document.getElementById("ticket-printed") || document.createElement("span");
    note.id = "ticket-printed";
    note.className = "card-label";
    note.textContent = "";
    $("ticket-card").appendChild(note);
    try {
      const response = await fetch(`/api/queue/print/${encodeURIComponent(publicId)}`, { method: "POST" });
      document.body.dataset.ticketPrint = response.status === 204 ? "printed" : "unavailable";
      if (response.status === 204) note.textContent = "Đã in phiếu, mời lấy phiếu ở khe máy in / Ticket printed, please take it";
    } catch {
      document.body.dataset.ticketPrint = "unavailable";
    }
  }

  function play(source) {
    replay.disabled = !source;
    if (!source) return;
    const audio = $("reply-audio");
    audio.src = source;
    document.body.dataset.audioState = "loading";
    audio.onplaying = () => { document.body.dataset.audioState = "playing"; };
    audio.onended = () => { document.body.dataset.audioState = "ended"; };
    audio.play().catch(() => { document.body.dataset.audioState = "blocked"; });
  }

  function offerTyping() {
    form.classList.add("offer");
    typed.focus();
  }

  function clearScreen() {
    document.body.classList.add("fresh");
    $("transcript-box").hidden = true;
    $("answer-box").hidden = true;
    replay.disabled = true;
    form.classList.remove("offer");
  }

  // --- microphone capture -------------------------------------------------------------------------
  async function startCapture() {
    // Browser voice processing (AGC, noise suppression, echo cancellation) measurably hurt vosk recognition in
    // our tests; the kiosk never listens while it speaks, so it is off unless the page URL has ?voice_processing=1.
    const processing = new URLSearchParams(location.search).get("voice_processing") === "1";
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw Object.assign(new Error("no mediaDevices"), { name: "NotFoundError" });
    }
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1,
      echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing } });
    let context;
    try { context = new AudioContext({ sampleRate: RATE }); } catch (e) { context = new AudioContext(); }
    const source = context.createMediaStreamSource(stream);
    let node;
    if (context.audioWorklet) {
      await context.audioWorklet.addModule("/kiosk/assets/pcm-capture.js");
      node = new AudioWorkletNode(context, "pcm-capture");
      node.port.onmessage = (event) => { if (streaming && socket.readyState === WebSocket.OPEN) socket.send(event.data); };
      source.connect(node);
    } else {
      node = scriptProcessorCapture(context);
      source.connect(node);
      node.connect(context.destination);
    }
    capture = { stream, context, source, node };
  }

  function scriptProcessorCapture(context) {
    // fallback for browsers without AudioWorklet: same 16 kHz conversion on the main thread
    const node = context.createScriptProcessor(4096, 1, 1);
    const ratio = context.sampleRate / RATE;
    let position = 0;
    node.onaudioprocess = (event) => {
      if (!streaming) return;
      const input = event.inputBuffer.getChannelData(0);
      const out = [];
      while (position < input.length) {
        const start = Math.floor(position), end = Math.max(start + 1, Math.min(input.length, Math.floor(position + ratio)));
        let sum = 0;
        for (let i = start; i < end; i++) sum += input[i];
        const v = Math.max(-1, Math.min(1, sum / (end - start)));
        out.push(v < 0 ? v * 32768 : v * 32767);
        position += ratio;
      }
      position -= input.length;
      if (socket.readyState === WebSocket.OPEN) socket.send(Int16Array.from(out).buffer);
    };
    return node;
  }

  function stopCapture() {
    recording = false;
    streaming = false;
    talk.setAttribute("aria-pressed", "false");
    if (!capture) return;
    capture.stream.getTracks().forEach((track) => track.stop());
    capture.source.disconnect();
    capture.node.disconnect();
    capture.context.close();
    capture = null;
  }

  function microphoneProblem(error) {
    const name = error && error.name;
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return TEXT.noMic;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return TEXT.micBlocked;
    return TEXT.micFailed;
  }

  talk.addEventListener("click", async () => {
    if (document.body.dataset.turn === "thinking" || busy || !speech) return;
    if (recording) { // ends the utterance now; the server answers as after a silence
      const started = streaming;
      stopCapture();
      if (!started) { setTurn("idle"); return; } // pressed again before the microphone opened: nothing to send
      setTurn("thinking");
      send({ type: "stop" });
      setStatus(TEXT.recognising);
      return;
    }
    $("reply-audio").pause();
    recording = true; // a second press during set-up is a stop, never a new recording
    setTurn("listening");
    try {
      await startCapture();
    } catch (error) {
      stopCapture(); // nothing was sent: the server never hears an empty question
      setTurn("idle");
      setStatus(microphoneProblem(error), true);
      offerTyping();
      return;
    }
    if (!recording) { stopCapture(); return; }
    send({ type: "start", rate: RATE });
    streaming = true;
  });

  replay.addEventListener("click", () => {
    const audio = $("reply-audio");
    if (!audio.src) return;
    audio.currentTime = 0;
    audio.play().catch(() => { document.body.dataset.audioState = "blocked"; });
  });

  function ask(text) {
    if (!text || busy) return;
    busy = true;
    showTranscript(text);
    send({ type: "text", text });
    typed.value = "";
    setTurn("thinking");
    setStatus(TEXT.finding);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(typed.value.trim());
  });
  $("examples").querySelectorAll("button").forEach((b) => b.addEventListener("click", () => ask(b.textContent)));

  $("reset").addEventListener("click", () => { stopCapture(); busy = false; send({ type: "reset" }); });

  ["click", "keydown", "touchstart"].forEach((name) => document.addEventListener(name, touch, true));
  connect();
})();
