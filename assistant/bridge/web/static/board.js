/* Hall display board: live board state over server-sent events (reconnects by itself, e.g. after a bridge restart,
   and reloads the state from the server); each new call is shown and spoken ("Mời số A031 đến Quầy 1"), the WAV
   synthesised by the bridge and fetched here. The board shows the ward named by its own address (/board?ward=<code>),
   else the default ward. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let seen = null;          // newest call id already shown (null until the first state arrives)
  const queue = [];         // calls waiting to be spoken, oldest first
  let speaking = false;
  const ward = new URLSearchParams(location.search).get("ward");
  const wardQuery = ward ? "?ward=" + encodeURIComponent(ward) : "";

  function renderDesks(state) {
    const grid = $("desks");
    grid.replaceChildren();
    for (const desk of state.desks) {
      const tile = document.createElement("section");
      tile.className = "desk-tile";
      tile.id = "desk-" + desk.id;
      const title = document.createElement("h2");
      title.textContent = desk.label;
      const floor = document.createElement("div");
      floor.className = "floor";
      floor.textContent = desk.floor;
      const number = document.createElement("div");
      number.className = "number" + (desk.number ? "" : " empty");
      number.textContent = desk.number || "—";
      tile.append(title, floor, number);
      grid.append(tile);
    }
    $("recent").textContent = state.recent.slice(0, 6).map((c) => `${c.number} → ${c.desk_label}`).join("   ·   ");
  }

  async function speakNext() {
    if (speaking || !queue.length) return;
    speaking = true;
    const call = queue.shift();
    $("announcement").innerHTML = "";
    $("announcement").append(`Mời số ${call.number} đến ${call.desk_label}`);
    const en = document.createElement("span");
    en.className = "en";
    en.textContent = `Number ${call.number}, please go to ${call.desk_label_en}`;
    $("announcement").append(en);
    const tile = $("desk-" + call.desk_id);
    if (tile) { tile.classList.remove("flash"); void tile.offsetWidth; tile.classList.add("flash"); }
    try {
      const response = await fetch(`/api/board/announcement/${call.call_id}.wav${wardQuery}`);
      if (!response.ok) throw new Error("speech " + response.status);
      const blob = await response.blob();
      document.body.dataset.fetchedCall = String(call.call_id);
      const audio = new Audio(URL.createObjectURL(blob));
      await audio.play();
      await new Promise((done) => { audio.onended = done; audio.onerror = done; });
      document.body.dataset.spokenCall = String(call.call_id);
    } catch (error) {
      if (error && error.name === "NotAllowedError") $("sound").hidden = false;  // the browser wants one click first
    } finally {
      speaking = false;
      speakNext();
    }
  }

  function onState(state) {
    renderDesks(state);
    if (seen !== null) {
      const fresh = state.recent.filter((c) => c.call_id > seen).reverse();
      queue.push(...fresh);
    }
    seen = Math.max(seen || 0, state.last_call_id || 0);
    document.body.dataset.lastCall = String(seen);
    speakNext();
  }

  function connect() {
    const events = new EventSource("/api/board/events" + wardQuery);
    events.addEventListener("board", (event) => {
      $("connection").textContent = "";
      onState(JSON.parse(event.data));
    });
    events.onerror = () => {
      $("connection").textContent = "Đang kết nối lại… / Reconnecting…";
      $("connection").className = "offline";
    };
  }

  $("sound").addEventListener("click", () => { $("sound").hidden = true; new Audio().play().catch(() => {}); });
  connect();
})();
