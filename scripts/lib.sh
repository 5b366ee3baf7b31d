# Shared helpers for the set-up, run and test scripts (sourced, not executed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STAMPS="$ROOT/.stamps"
mkdir -p "$STAMPS" "$ROOT/var"
export RASA_TELEMETRY_ENABLED=false
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
export PIP_DISABLE_PIP_VERSION_CHECK=1

trap 'echo "!! $(basename "$0"): failed at line $LINENO: $BASH_COMMAND" >&2' ERR

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# digest PATH... : one hash over the named files/folders that exist (sorted), for "has this changed?" stamps.
digest() {
  local existing=() p
  for p in "$@"; do [ -e "$p" ] && existing+=("$p"); done
  [ ${#existing[@]} -gt 0 ] || { echo none; return 0; }
  find "${existing[@]}" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-16
}

# up_to_date NAME HASH : true when the stamp NAME records HASH.
up_to_date() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp() { echo "$2" > "$STAMPS/$1"; }

find_python() {  # find_python 3.11 -> path of a working interpreter of that version, or nothing
  local v="$1" p
  if p="$(command -v "python$v")" && "$p" -c '' >/dev/null 2>&1; then echo "$p"; return 0; fi
  for p in "$HOME"/.pyenv/versions/"$v"*/bin/"python$v" "/usr/bin/python$v" "/usr/local/bin/python$v"; do
    if [ -x "$p" ] && "$p" -c '' >/dev/null 2>&1; then echo "$p"; return 0; fi
  done
  return 0
}
