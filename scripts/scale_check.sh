#!/usr/bin/env bash
# The province topology on this one machine as native processes on free ports — PostgreSQL, Redis, HAProxy
# (deploy/haproxy.cfg, shared with deploy/docker-compose.yml), 2 bridges, 2 Rasa servers, 2 action servers — then
# the checks of issue 16's first bar (benchmarks/scale_check.py). Everything started is stopped at the end, also on
# failure or Ctrl-C. The last line printed is one JSON object; exit 0 only when every check passed.
# Needs `make setup` done (both environments, models); installs Debian's haproxy, postgresql and redis-server when
# missing (as root, like scripts/setup.sh).
source "$(dirname "$0")/lib.sh"

need=()
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || [ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: ${need[*]}"
    if [[ " ${need[*]} " == *" postgresql "* ]]; then
      # binaries only: no "main" cluster on port 5432 (the check starts its own on a free port)
      mkdir -p /etc/postgresql-common/createcluster.d
      echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/le-tan-so-tests.conf
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    # the packages' own services are not needed: the check starts its own on free ports
    if command -v systemctl >/dev/null; then
      for unit in haproxy redis-server; do systemctl disable --now "$unit" >/dev/null 2>&1 || true; done
    fi
  else
    echo "Missing Debian packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
export PATH="$PATH:/usr/sbin"
[ -x .venv/bin/python ] && [ -x .venv-rasa/bin/python ] && [ -f models/rasa/assistant.tar.gz ] ||
  { echo "Run \`make setup\` first (both environments and the Rasa model)." >&2; exit 1; }
# exec: Ctrl-C and SIGTERM reach the driver itself, which stops every service it started
PYTHONPATH="$ROOT" exec .venv/bin/python benchmarks/scale_check.py "$@"
