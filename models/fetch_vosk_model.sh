#!/usr/bin/env bash
# Fetch the Vietnamese vosk model for the kiosk into models/vosk/ (machines WITH internet; not run in CI).
#   models/fetch_vosk_model.sh                    # download vosk-model-small-vn-0.4 (~32 MB) and unpack
#   models/fetch_vosk_model.sh --zip FILE.zip     # offline: verify and unpack a zip copied from elsewhere
#   MODEL=vosk-model-vn-0.4 models/fetch_vosk_model.sh   # the larger, more accurate model
#   VOSK_MODEL_SHA256=<hex> ...                   # refuse a download whose SHA-256 differs (pin it once known)
# Then point the kiosk at it (default already matches the small model):
#   KIOSK_VOSK_MODEL_DIR=models/vosk/vosk-model-small-vn-0.4
set -euo pipefail

MODEL="${MODEL:-vosk-model-small-vn-0.4}"
BASE_URL="${VOSK_MODEL_BASE_URL:-https://alphacephei.com/vosk/models}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEST="$HERE/vosk"
ZIP=""

die() { echo "fetch_vosk_model: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --zip) ZIP="${2:?--zip needs a file}"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ "$MODEL" =~ ^vosk-model-[a-z0-9.-]+$ ]] || die "unexpected model name: $MODEL"
command -v unzip >/dev/null || die "unzip is missing (apt-get install unzip)"
mkdir -p "$DEST"

if [[ -d "$DEST/$MODEL/am" && -f "$DEST/$MODEL/conf/model.conf" ]]; then
  echo "fetch_vosk_model: $DEST/$MODEL already present; nothing to do"
  exit 0
fi

if [[ -z "$ZIP" ]]; then
  ZIP="$DEST/$MODEL.zip"
  command -v curl >/dev/null || die "curl is missing (apt-get install curl), or download $BASE_URL/$MODEL.zip yourself and use --zip"
  echo "fetch_vosk_model: downloading $BASE_URL/$MODEL.zip"
  curl -fL --retry 3 --connect-timeout 20 -o "$ZIP.part" "$BASE_URL/$MODEL.zip" || die "download failed"
  mv "$ZIP.part" "$ZIP"
fi
[[ -f "$ZIP" ]] || die "no such file: $ZIP"

SUM="$(sha256sum "$ZIP" | cut -d' ' -f1)"
echo "fetch_vosk_model: sha256 $SUM  $(basename "$ZIP")"
if [[ -n "${VOSK_MODEL_SHA256:-}" && "$SUM" != "$VOSK_MODEL_SHA256" ]]; then
  die "checksum mismatch (expected $VOSK_MODEL_SHA256); not unpacking"
fi
unzip -tq "$ZIP" >/dev/null || die "$ZIP is damaged (unzip -t failed)"

TMP="$(mktemp -d "$DEST/.unpack.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
unzip -q "$ZIP" -d "$TMP"
[[ -d "$TMP/$MODEL" ]] || die "$ZIP does not contain a $MODEL/ folder"
for required in am/final.mdl conf/model.conf; do
  [[ -f "$TMP/$MODEL/$required" ]] || die "$MODEL is incomplete: $required missing"
done
[[ -d "$TMP/$MODEL/graph" ]] || die "$MODEL is incomplete: graph/ missing"
mv "$TMP/$MODEL" "$DEST/$MODEL"
echo "fetch_vosk_model: ready: $DEST/$MODEL"
echo "  check it: .venv/bin/python -m kiosk say \"Xin chào\" --out /tmp/q.wav && .venv/bin/python -m kiosk transcribe /tmp/q.wav --json"
