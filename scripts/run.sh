#!/usr/bin/env bash
# Sets up (if needed) and runs the whole assistant on 127.0.0.1: bridge :8000, action server :5055, Rasa :5005.
# Ctrl-C stops everything. Logs go to var/log/.
source "$(dirname "$0")/lib.sh"
scripts/setup.sh
mkdir -p var/log
# `make run` is the demo: demo dossiers, and the public demo pepper unless .env sets a private one.
export BRIDGE_DEMO_MODE="${BRIDGE_DEMO_MODE:-true}"
pids=()
stop_all() {
  trap - INT TERM EXIT
  say "Stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

start() {  # start NAME COMMAND... : run in the background, log to var/log/NAME.log
  local name="$1"; shift
  "$@" >"var/log/$name.log" 2>&1 &
  pids+=($!)
  echo "   $name (pid $!) → var/log/$name.log"
}

wait_for() {  # wait_for NAME URL SECONDS
  local name="$1" url="$2" limit="$3" t=0
  until .venv/bin/python - "$url" <<'PY' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2)
PY
  do
    sleep 1; t=$((t + 1))
    if [ "$t" -ge "$limit" ]; then echo "!! $name did not become ready in ${limit}s — see var/log/$name.log" >&2; exit 1; fi
  done
  echo "   $name ready after ${t}s"
}

say "Preparing the database and demo data"
.venv/bin/python -m assistant.bridge migrate
.venv/bin/python -m assistant.bridge seed-demo | tee var/demo-dossiers.txt

say "Starting services"
# One process per service on the 2-core target: Rasa is one event loop (its lock store and tracker store are in
# this process), the action server's single Sanic worker spends ~1.5 ms of CPU per turn, and a second bridge worker
# would hold a second copy of the search (~0.9 GB) while competing for the same two cores. docs/performance.md.
# One encoder thread per search: under many concurrent chats a 2-thread encode costs ~40% more CPU per query
# (11.4 vs 16.3 ms measured) for a few ms less latency when the machine is idle. Set KB_TORCH_THREADS to override.
start bridge env KB_TORCH_THREADS="${KB_TORCH_THREADS:-1}" .venv/bin/python -m assistant.bridge serve --host 127.0.0.1 --port 8000
start actions env SANIC_HOST=127.0.0.1 .venv/bin/python -m assistant.actions -p 5055
# Rasa through the launcher, which installs the assistant's Rasa patches first (LETANSO_RASA_PATCHES=0: stock Rasa).
# No --enable-api: Rasa's HTTP API (trackers, DELETE/PUT /model) stays closed; readiness is its own channel.
# The launcher picks the endpoints file from LETANSO_TRACKER_STORE (default memory: assistant/endpoints.yml).
start rasa .venv-rasa/bin/python -m assistant.rasa_launcher run -i 127.0.0.1 -p 5005 \
  --model models/rasa/assistant.tar.gz --credentials assistant/credentials.yml
wait_for bridge http://127.0.0.1:8000/health 180
wait_for actions http://127.0.0.1:5055/health 120
wait_for rasa http://127.0.0.1:5005/webhooks/readiness/ 300

say "Lễ tân số is running"
cat <<TXT
   Web chat (citizens):   http://127.0.0.1:8000/
   Kiosk screen:          http://127.0.0.1:8000/kiosk
   Staff page:            http://127.0.0.1:8000/staff   (token: .venv/bin/python -m assistant.bridge token create --role editor)
   Desk page (officers):  http://127.0.0.1:8000/desk    (token: .venv/bin/python -m assistant.bridge token create --role desk --desk Q1)
   Hall board:            http://127.0.0.1:8000/board
   API docs:              http://127.0.0.1:8000/docs
   Demo dossiers:         var/demo-dossiers.txt
   Press Ctrl-C to stop.
TXT
wait -n "${pids[@]}" || true
echo "!! a service stopped; see var/log/" >&2
