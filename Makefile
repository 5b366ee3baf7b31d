# Lễ tân số — the two commands: `make run` (set up + run the assistant), `make test` (set up + run all tests).
# For developers: `make test-fast` (the logic), `make test-api` (the logic and the bridge's API) and `make lint`.
.PHONY: run test test-fast test-api lint format setup bench clean wipe-data

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# Both need .venv with the test and lint tools (requirements/dev.in): `make test` once, or `scripts/setup.sh --for-tests`.
DEV_TOOLS = @[ -x .venv/bin/ruff ] || { echo "No test/lint tools in .venv: run \`bash scripts/setup.sh --for-tests\` first." >&2; exit 1; }

# One pytest-xdist worker per core (both tiers are CPU-bound). Python's bytecode caches are kept even where the
# environment turns them off (PYTHONDONTWRITEBYTECODE): without them every run compiles ~400 test modules again.
FAST_PYTEST = env -u PYTHONDONTWRITEBYTECODE PYTHONPATH="$(CURDIR)" .venv/bin/python -m pytest tests -q -n auto

# The logic: no models, Rasa, browser, server processes or bridge database.
test-fast:
	$(DEV_TOOLS)
	$(FAST_PYTEST) -m "not slow and not app"

# The logic and the bridge's API, in-process over a SQLite file per test.
test-api:
	$(DEV_TOOLS)
	$(FAST_PYTEST) -m "not slow"

# ruff (pyproject.toml: lint + import order, line length 120), then mypy on the packages listed under [tool.mypy]
lint:
	$(DEV_TOOLS)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	PYTHONPATH="$(CURDIR)" .venv/bin/mypy

# ruff format, then ruff's import order (the tree is kept formatted: `make lint` checks it).
format:
	$(DEV_TOOLS)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix --select I .

setup:
	bash scripts/setup.sh

bench:
	bash scripts/bench.sh

# Build artefacts only (set-up stamps, built models and index, caches); `make setup` rebuilds them. Never var/:
# it holds the live database (staff edits, tokens, tickets, the audit log).
clean:
	rm -rf .stamps models/embedding models/index models/rasa .pytest_cache .ruff_cache .mypy_cache
	find assistant kiosk knowledge_base models benchmarks tests scripts -name __pycache__ -type d -prune -exec rm -rf {} +

# Deletes var/ (database, staff edits, tokens, audit log). Asks first; `make wipe-data CONFIRM=yes` does not ask.
wipe-data:
	@if [ "$(CONFIRM)" != yes ]; then \
	  printf 'Delete var/ (the database with staff edits, tokens, tickets and the audit log)? Type yes: '; \
	  read answer; [ "$$answer" = yes ] || { echo "var/ kept"; exit 1; }; \
	fi
	rm -rf var
