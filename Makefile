# pollwatch: `make demo` installs everything and serves the demo; `make test` installs
# everything and runs all tests on SQLite and PostgreSQL. See README.md.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/pollwatch
VENDOR := pollwatch/static/vendor
PYTEST_WORKERS ?= 2
# `make demo PORT=8080` serves the demo on another port.
PORT ?= 8000

.PHONY: help install python-deps assets chromium postgres demo demo-build test test-sqlite \
        test-postgres lint typecheck migrations-check bench screenshots clean messages

help:
	@echo "make demo    install everything, build the demo election and serve it on :8000 (PORT=8080 for another)"
	@echo "make test    install everything and run lint, type checks and all tests (SQLite + PostgreSQL)"
	@echo "make bench   run the benchmarks and print their figures"
	@echo "make lint    ruff and the type checks only"
	@echo "make messages  re-extract and compile the Russian and Kazakh translations (needs gettext)"

install: python-deps assets

python-deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: assets/package.json assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/markercluster $(VENDOR)/htmx $(VENDOR)/chartjs
	cp assets/node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp -r assets/node_modules/leaflet/dist/leaflet.js assets/node_modules/leaflet/dist/leaflet.css \
	      assets/node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp assets/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   assets/node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	   assets/node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/markercluster/
	cp assets/node_modules/chart.js/dist/chart.umd.js $(VENDOR)/chartjs/
	touch $@

# The browser tests drive Debian's Chromium; Playwright never downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Chromium from Debian's packages..."; \
	  (apt-get install -y -q chromium fonts-dejavu-core poppler-utils >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null && apt-get install -y -q chromium fonts-dejavu-core poppler-utils >/dev/null)); }
	@command -v pdftoppm >/dev/null 2>&1 || apt-get install -y -q poppler-utils >/dev/null 2>&1 || true

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  echo "Starting PostgreSQL..."; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

demo: install
	POLLWATCH_DEMO=1 $(BIN)/pollwatch demo --addrport 127.0.0.1:$(PORT)

demo-build: install
	POLLWATCH_DEMO=1 $(BIN)/pollwatch demo --no-serve

lint: python-deps
	$(BIN)/ruff check pollwatch bench
	$(MAKE) --no-print-directory typecheck

typecheck: python-deps
	$(BIN)/mypy pollwatch/analysis

migrations-check: python-deps
	POLLWATCH_TESTING=1 $(BIN)/pollwatch makemigrations --check --dry-run

test-sqlite: install chromium
	POLLWATCH_TESTING=1 $(BIN)/pytest -n $(PYTEST_WORKERS) -q -p no:randomly

test-postgres: install chromium postgres
	POLLWATCH_TESTING=1 DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser"

test: install chromium postgres lint migrations-check test-sqlite test-postgres
	@echo "All checks passed on SQLite and PostgreSQL."

# Re-extract the Russian and Kazakh catalogues and compile them (needs GNU gettext). Each app
# keeps its own locale/ (makemessages writes each file's strings to the nearest one);
# pollwatch/locale/ holds the project's templates and settings. The compiled .mo files are
# committed, so tests and deployments never need gettext.
DJANGO_ADMIN := $(abspath $(BIN))/django-admin
messages: python-deps
	@command -v msgfmt >/dev/null 2>&1 || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	cd pollwatch && $(DJANGO_ADMIN) makemessages -l ru -l kk --no-obsolete \
	  --ignore=analysis --ignore=demo --ignore=static --ignore=tests --ignore=migrations
	cd pollwatch && $(DJANGO_ADMIN) compilemessages -l ru -l kk

# Retake the README's screenshots (docs/screenshots/) from the demo in Chromium.
screenshots: install chromium
	POLLWATCH_TESTING=1 POLLWATCH_SCREENSHOTS=1 $(BIN)/pytest -q pollwatch/dashboard/tests/browser/test_screenshots.py

# bench_faults (in bench/run.py's list) serves with `pollwatch serve` on PostgreSQL and kills
# workers under load; run it alone with `$(PY) bench/run.py faults`.
bench: install postgres
	POLLWATCH_TESTING=1 $(PY) bench/run.py

clean:
	rm -rf $(VENV) assets/node_modules $(VENDOR) data/pollwatch.sqlite3*
