# Concerto — the two commands are `make run` and `make test`; README.md explains the rest.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEPS_HASH := $(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
BASE_STAMP := $(VENV)/.base-$(DEPS_HASH)
STAMP := $(VENV)/.dev-$(DEPS_HASH)
MFA_DEV_BYPASS_CODE ?= 000000
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: help install messages makemessages migrate demo run test test-fast test-api-sqlite lint format check lock prod clean bench-votes bench-report bench-scale bench-tally bench-pages bench-load bench-editors

help:
	@echo "make run    set everything up and start the platform on http://127.0.0.1:8000"
	@echo "make test   run the whole test suite"
	@echo "make test-fast  the suite without browser, real-worker and fault tests, on 2 processes (ARGS=...)"
	@echo "make lint   ruff (lint and format check) and the import layers (import-linter)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Concerto needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What the platform needs to run (production installs only this) …
$(BASE_STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	rm -f $(VENV)/.base-*
	touch $@

# … and what developers and CI need on top (tests, browser driver, linter).
$(STAMP): $(BASE_STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.dev-*
	touch $@

install: $(STAMP)

# Message catalogues are compiled by the build (Babel, so that no system gettext is needed).
locale/%.mo: locale/%.po $(BASE_STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(BASE_STAMP) $(MO_FILES)

# Extracting strings needs GNU gettext (apt-get install gettext); only translators need it.
makemessages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=static --ignore=var

migrate: messages
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py territories_load
	$(BIN)/python manage.py demo_load

# The demo's staff accounts need a two-factor code: in development, 000000 passes (MFA_DEV_BYPASS_CODE).
run: demo
	@echo "Starting the web server, a Celery worker and beat (Ctrl-C stops them all)."
	@echo "Staff sign-in asks for a two-factor code: type $(MFA_DEV_BYPASS_CODE) (development only)."
	MFA_DEV_BYPASS_CODE=$(MFA_DEV_BYPASS_CODE) $(BIN)/honcho -f Procfile.dev start

test: install messages
	$(BIN)/pytest

# While working: no browser (e2e), real-worker (worker) or fault (tests/faults/) tests, two processes,
# test databases kept between runs (made anew when the migrations change). `make test` and CI run all.
test-fast: install messages
	$(BIN)/pytest -m "not e2e and not worker and not faults" -n 2 --reuse-db $(ARGS)

# The API's tests (schemathesis included) on the embedded default too: SQLite refuses what PostgreSQL
# accepts (numbers beyond its integers), so CI, which runs the suite on PostgreSQL, runs these on both
# (without CI=true, which would require PostgreSQL).
test-api-sqlite: install messages
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL -u CI $(BIN)/pytest tests/api

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install messages
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# Production entry point: gunicorn, a worker and beat (see Procfile); needs DJANGO_ENV=production etc.
# Installs the runtime dependencies only.
prod: messages
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile start

# Benchmarks (not part of the suite): README.md, "Benchmarks". Needs PostgreSQL, Redis, wrk and pgbench.
bench-votes: $(STAMP) messages
	@command -v wrk >/dev/null || { echo "bench-votes needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python benchmarks/votes.py

# Opinion groups against red-dwarf on each shared Pol.is export: make bench-report [POLIS=<folder>] (no database needed).
bench-report: $(STAMP)
	$(BIN)/python benchmarks/report.py $(POLIS)

# The opinion-groups engine on synthetic consultations of 1.5M votes (in memory) and 28M votes (PostgreSQL),
# then a 500,000-response Grand Débat questionnaire compiled from PostgreSQL; BENCH_PARTS=1 needs no database.
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

# The back office's editors that choose a territory, with the whole French referential loaded (PostgreSQL).
bench-editors: $(STAMP) messages
	$(BIN)/python benchmarks/editors.py

# Counting a participatory-budget vote: 5,000 dossiers, 50,000 ballots, from PostgreSQL.
bench-tally: $(STAMP)
	$(BIN)/python benchmarks/tally.py

# The public pages (home, consultation, call, outcome, news, accessibility, site map) with the demo ×100,
# served by gunicorn in production mode on PostgreSQL and Redis.
bench-pages: $(STAMP) messages
	$(BIN)/python benchmarks/pages.py

# The platform as in production (gunicorn, Celery worker, PostgreSQL, Redis) under a mix of visitors and
# participants driven by locust for BENCH_LOAD_SECONDS (60): README.md, "Benchmarks".
bench-load: $(STAMP) messages
	$(BIN)/python benchmarks/load/run.py

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet --upgrade -e ".[dev]"
	$(BIN)/pip freeze --exclude-editable --exclude concerto > requirements.lock

clean:
	rm -rf $(VENV) var static
