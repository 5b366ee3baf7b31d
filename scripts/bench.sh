#!/usr/bin/env bash
# Runs the benchmarks that need no running stack (search, kiosk, conversations on a private stack of their own)
# and prints their figures.
# The stack benchmarks (bridge load, dialogue turns) need `make run` in another terminal:
#   .venv/bin/python benchmarks/bench_bridge.py --clients 50 --rounds 20
#   .venv/bin/python benchmarks/bench_dialogue.py turns --turns 200 --concurrency 10
source "$(dirname "$0")/lib.sh"
scripts/setup.sh
say "Search"
.venv/bin/python benchmarks/bench_search.py
say "Kiosk speech"
.venv/bin/python benchmarks/bench_kiosk.py --runs 6
say "Conversations (dev split, on a private stack with a fresh database)"
.venv/bin/python benchmarks/bench_conversations.py --start-stack --split dev --out var/conv-dev.json
