# The README's commands. Everything the project needs is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app bostotte
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
CHROMIUM := /usr/bin/chromium
STAMP := $(VENV)/.installed

.PHONY: syslibs setup run test test-sqlite test-postgres lint bench browser deploytools vendor-dkfds vendor-swagger-ui clean lock

setup: $(STAMP) syslibs

# WeasyPrint (the PDF reports) needs Pango from the system, and HarfBuzz's subsetter to
# embed only the glyphs a report uses.
SYSLIBS = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
syslibs:
	@{ /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && /sbin/ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; } \
		|| { echo "Installing Pango and HarfBuzz for the PDF reports"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSLIBS)) \
		|| { echo "Could not install them (run as root, or: sudo apt-get install $(SYSLIBS))"; exit 1; }; }

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-pin after editing pyproject.toml dependencies.
lock:
	$(BIN)/pip-compile -q --extra dev --generate-hashes --strip-extras --allow-unsafe \
		-o requirements.lock pyproject.toml

# The reminders' daily job runs inside the web process here (production: `flask bostotte
# scheduler` as its own process); digests land in instance/outbox/ without SMTP settings.
run: setup
	$(FLASK) db upgrade
	$(FLASK) bostotte demo --if-empty
	BOSTOTTE_DEMO_MODE=1 BOSTOTTE_SCHEDULER=embedded $(FLASK) run --host 127.0.0.1 --port 5000

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
browser:
	@test -x $(CHROMIUM) || { echo "Installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		|| { echo "Could not install chromium (run as root, or: sudo apt-get install chromium)"; exit 1; }; }

# The deploy/ checks need nginx (Debian's; installed without starting it) and
# systemd-analyze; openssl makes their test certificate.
deploytools:
	@{ test -x /usr/sbin/nginx && command -v systemd-analyze >/dev/null && command -v openssl >/dev/null; } \
		|| { echo "Installing nginx, systemd and openssl for the deploy/ checks"; \
		(apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx systemd openssl) \
		|| { echo "Could not install them (run as root, or: sudo apt-get install nginx systemd openssl)"; exit 1; }; }

# The whole suite on SQLite, then on PostgreSQL when it answers (required under CI=true).
test: setup browser deploytools
	$(BIN)/pytest -q
	@if $(BIN)/python scripts/pg_available.py "$(PG_TEST_URL)"; then \
		echo "== PostgreSQL run =="; \
		BOSTOTTE_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -m "not e2e"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required under CI=true but does not answer at $(PG_TEST_URL)"; exit 1; \
	else echo "PostgreSQL not available at $(PG_TEST_URL): skipped the PostgreSQL run"; fi

lint: setup
	$(BIN)/ruff check bostotte tests scripts bench deploy
	$(BIN)/ruff format --check bostotte tests scripts bench deploy
	$(BIN)/mypy bostotte

# The web part loads gunicorn with Debian's wrk (installed when missing).
bench: setup
	@command -v wrk >/dev/null \
		|| { echo "Installing wrk for the web benchmark"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
		|| { echo "Could not install wrk (run as root, or: sudo apt-get install wrk)"; exit 1; }; }
	$(BIN)/python bench/run.py

vendor-dkfds:
	bash scripts/vendor-dkfds.sh

# Swagger UI for the API's documentation page (/api/v1/docs).
vendor-swagger-ui:
	bash scripts/vendor-swagger-ui.sh

clean:
	rm -rf $(VENV) .pytest_cache test-output
