#!/usr/bin/env bash
# Sets up (if needed) and runs every test: make lint (ruff, mypy), pytest in .venv (unit, API, real engines, browser),
# then the Rasa checks (data validation, tests/rasa in .venv-rasa, test stories; assistant/scripts/rasa_checks.sh).
source "$(dirname "$0")/lib.sh"
scripts/setup.sh --for-tests
say "lint (ruff, mypy)"
make --no-print-directory lint
say "pytest"
.venv/bin/python -m pytest tests -q "$@"
if [ -f assistant/scripts/rasa_checks.sh ]; then
  say "Rasa: data validation and test stories"
  bash assistant/scripts/rasa_checks.sh
fi
say "All tests passed"
