// Kiosk page: push-to-talk streams 16 kHz 16-bit mono PCM over /ws/kiosk; shows transcript, answer, desk, ticket;
// plays the server-synthesised reply. No external scripts.
(function () {
  "use strict";
  const RATE = 16000;
  const $ = (id) => document.getElementById(id);
  const talk = $("talk"), statusLine = $("status"), form = $("type-form"), typed = $("typed");
  let socket = null, capture = null, recording = false, busy = false, idleTimer = null;
  // After this long without activity the screen is cleared and the next visitor starts a new conversation.
  const IDLE_MS = (Number(new URLSearchParams(location.search).get("idle")) || 90) * 1000;

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

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(scheme + "://" + location.host + "/ws/kiosk");
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

  function handle(message) {
    switch (message.type) {
      case "ready":
        document.body.dataset.connection = "ready";
        talk.disabled = false;
        setStatus("Sẵn sàng. Bấm nút xanh để nói. / Ready.");
        break;
      case "listening":
        setStatus("Đang nghe… Nói xong bấm nút lần nữa. / Listening… press again when done.");
        break;
      case "transcript":
        stopCapture();
        showTranscript(message.text || "(chưa nghe rõ / not clear)");
        setStatus("Đang tìm câu trả lời… / Finding the answer…");
        break;
      case "reply":
        busy = false;
        showReply(message);
        break;
      case "reset":
        clearScreen();
        setStatus("Sẵn sàng. / Ready.");
        break;
      case "error":
        busy = false;
        stopCapture();
        setStatus(message.message || "Lỗi / Error", true);
        if (message.code === "stt_unavailable") offerTyping();
        break;
    }
  }

  function showTranscript(text) {
    $("transcript").textContent = text;
    $("transcript-box").hidden = false;
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
    const options = $("options");
    options.replaceChildren();
    (reply.buttons || []).forEach((button, index) => {
      const b = document.createElement("button");
      b.type = "button";
      const num = document.createElement("span");
      num.className = "num";
      num.textContent = (index + 1) + ".";
      b.append(num, " " + button.title);
      b.addEventListener("click", () => { busy = true; showTranscript(button.title); send({ type: "choose", payload: button.payload }); });
      options.appendChild(b);
    });
    $("desk").textContent = reply.desk || "";
    $("desk-card").hidden = !reply.desk;
    $("ticket").textContent = reply.ticket || "";
    $("ticket-card").hidden = !reply.ticket;
    $("answer-box").hidden = false;
    form.classList.toggle("offer", Boolean(reply.offer_typing));
    if (reply.offer_typing) offerTyping();
    setStatus(reply.buttons && reply.buttons.length
      ? "Bác/anh/chị có thể nói \"số một\", \"số hai\"… hoặc chạm vào lựa chọn. / Say or touch an option."
      : "Bấm nút xanh để hỏi tiếp. / Press the green button to ask again.");
    play(reply.audio);
  }

  function play(source) {
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
    $("transcript-box").hidden = true;
    $("answer-box").hidden = true;
    form.classList.remove("offer");
  }

  // --- microphone capture -------------------------------------------------------------------------
  async function startCapture() {
    // Browser voice processing (AGC, noise suppression, echo cancellation) measurably hurt vosk recognition in
    // our tests; the kiosk never listens while it speaks, so it is off unless the page URL has ?voice_processing=1.
    const processing = new URLSearchParams(location.search).get("voice_processing") === "1";
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1,
      echoCancellation: processing, noiseSuppression: processing, autoGainControl: processing } });
    let context;
    try { context = new AudioContext({ sampleRate: RATE }); } catch (e) { context = new AudioContext(); }
    const source = context.createMediaStreamSource(stream);
    let node;
    if (context.audioWorklet) {
      await context.audioWorklet.addModule("/kiosk/assets/pcm-capture.js");
      node = new AudioWorkletNode(context, "pcm-capture");
      node.port.onmessage = (event) => { if (recording && socket.readyState === WebSocket.OPEN) socket.send(event.data); };
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
      if (!recording) return;
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
    talk.setAttribute("aria-pressed", "false");
    talk.querySelector(".label").textContent = "Bấm để nói";
    talk.querySelector(".label-en").textContent = "Press to talk";
    if (!capture) return;
    capture.stream.getTracks().forEach((track) => track.stop());
    capture.source.disconnect();
    capture.node.disconnect();
    capture.context.close();
    capture = null;
  }

  talk.addEventListener("click", async () => {
    if (recording) {
      stopCapture();
      send({ type: "stop" });
      setStatus("Đang nhận dạng… / Recognising…");
      return;
    }
    if (busy) return;
    $("reply-audio").pause();
    try {
      send({ type: "start", rate: RATE });
      recording = true;
      talk.setAttribute("aria-pressed", "true");
      talk.querySelector(".label").textContent = "Đang nghe… Bấm để dừng";
      talk.querySelector(".label-en").textContent = "Listening… press to stop";
      await startCapture();
    } catch (error) {
      stopCapture();
      send({ type: "stop" });
      setStatus("Không mở được micrô. Vui lòng gõ câu hỏi. / Microphone unavailable, please type.", true);
      offerTyping();
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = typed.value.trim();
    if (!text || busy) return;
    busy = true;
    showTranscript(text);
    send({ type: "text", text });
    typed.value = "";
    setStatus("Đang tìm câu trả lời… / Finding the answer…");
  });

  $("reset").addEventListener("click", () => { stopCapture(); busy = false; send({ type: "reset" }); });

  ["click", "keydown", "touchstart"].forEach((name) => document.addEventListener(name, touch, true));
  connect();
})();
