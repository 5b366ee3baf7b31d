#!/usr/bin/env bash
# Runs the benchmarks that need no running stack (search, kiosk) and prints their figures.
# The stack benchmarks (bridge load, dialogue turns) need `make run` in another terminal:
#   .venv/bin/python benchmarks/bench_bridge.py --clients 50 --rounds 20
#   .venv/bin/python benchmarks/bench_dialogue.py turns --turns 200 --concurrency 10
source "$(dirname "$0")/lib.sh"
scripts/setup.sh
say "Search"
.venv/bin/python benchmarks/bench_search.py
say "Kiosk speech"
.venv/bin/python benchmarks/bench_kiosk.py --runs 6
