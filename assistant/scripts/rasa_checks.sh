#!/usr/bin/env bash
# Rasa checks for `make test`: validate the data, train if the model is missing or older than its inputs, run the
# Rasa-side tests (tests/rasa, .venv-rasa's pytest), then the test stories end to end (NLU intents/entities AND next
# actions) failing on any wrong prediction. Rasa runs through assistant.rasa_launcher, so with the assistant's Rasa
# patches; `LETANSO_RASA_PATCHES=0 bash assistant/scripts/rasa_checks.sh` runs the same checks on stock Rasa.
# Usage: bash assistant/scripts/rasa_checks.sh   (from anywhere; runs in the repository root)
set -euo pipefail
cd "$(dirname "$0")/../.."
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS=ignore
RASA=(.venv-rasa/bin/python -m assistant.rasa_launcher)
MODEL=models/rasa/assistant.tar.gz
OUT=var/rasa-results

echo "== rasa data validate"
mkdir -p "$OUT"
if ! "${RASA[@]}" data validate --domain assistant/domain.yml --data assistant/data --config assistant/config.yml \
    --fail-on-warnings >"$OUT/validate.log" 2>&1; then
  grep -v -i -E "deprecat|declare_namespace|pkg_resources|xla_computation" "$OUT/validate.log" | tail -30
  echo "!! rasa data validate failed (full log: $OUT/validate.log)" >&2
  exit 1
fi
grep -E "UserWarning|conflict" "$OUT/validate.log" | sed 's/^.*UserWarning: /   note: /' || true

inputs=(assistant/config.yml assistant/domain.yml assistant/data)
if [ ! -f "$MODEL" ] || [ -n "$(find "${inputs[@]}" -newer "$MODEL" -print -quit)" ]; then
  echo "== rasa train (model missing or stale)"
  "${RASA[@]}" train --config assistant/config.yml --domain assistant/domain.yml --data assistant/data \
    --out models/rasa --fixed-model-name assistant --quiet
fi

echo "== pytest tests/rasa (.venv-rasa)"
.venv-rasa/bin/python -m pytest tests/rasa -q -p no:cacheprovider

echo "== rasa test core --e2e on assistant/tests (fail on any prediction error)"
if ! "${RASA[@]}" test core --model "$MODEL" --stories assistant/tests --e2e --fail-on-prediction-errors \
    --no-plot --out "$OUT" >"$OUT/test.log" 2>&1; then
  grep -v -i "warning" "$OUT/test.log" | tail -40
  echo "!! Rasa test stories failed (full log: $OUT/test.log)" >&2
  exit 1
fi
grep -h "Rasa patches:" "$OUT/test.log" | sed 's/^assistant.rasa_launcher: /   /' || true
grep -E "Correct:|Accuracy:" "$OUT/test.log" | sed 's/^.*rasa.core.test  - /   /' || true
echo "== Rasa checks passed"
