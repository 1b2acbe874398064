# Referatsøg. `make run` serves the site, `make test` runs the tests; both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The newest Python >= 3.12 on this machine (Django 6.1 needs 3.12); override with PYTHON=...
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] 2>/dev/null | sort -rV) python3 python; do \
	if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v "$$p" || echo "$$p"; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Settings default to production; these targets are development and say so.
DEV := DJANGO_DEBUG=1
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install run serve test lint fixtures test-browser screenshots browser-deps soak bench bench-large bench-deps \
	fuzz-layouts

help:
	@echo "make run    start Referatsøg on http://127.0.0.1:$(PORT) (sets everything up)"
	@echo "make test   run the whole test suite"
	@echo "make lint   check the code with ruff"
	@echo "make serve  production server (gunicorn); needs DJANGO_SECRET_KEY etc."
	@echo "make test-browser  the browser journeys in Chromium (installs Debian's chromium as root)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or newer found. Install one, or run make PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

fixtures: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py import_referater fixtures/referater

run: fixtures
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: install
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=0 $(BIN)/gunicorn minutes.wsgi --bind 0.0.0.0:$(PORT) --workers 3 --access-logfile -

# Hypothesis runs derandomised here (the "ci" profile, tests/conftest.py); make soak runs it at random.
test: install
	$(DEV) $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

# Browser tests: Playwright drives Debian's Chromium (Playwright's own browser download is not used).
BROWSER_STAMP := $(VENV)/.browser-installed
$(BROWSER_STAMP): $(STAMP) tests/browser/package.json
	$(BIN)/python -m pip install --quiet -e ".[dev,browser]"
	cd tests/browser && npm install --no-audit --no-fund --silent
	touch $(BROWSER_STAMP)

# A missing browser fails the target (and CI): the journeys are never skipped.
browser-deps: $(BROWSER_STAMP)
	@if [ "$(CHROMIUM)" = /usr/bin/chromium ] && [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "No Chromium at $(CHROMIUM): the browser tests cannot run." >&2; \
		echo "Install Debian's chromium (as root: apt-get install chromium; make test-browser does it when run as root)," >&2; \
		echo "or point CHROMIUM=/path/to/chromium at one." >&2; exit 1; fi

test-browser: browser-deps
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -c tests/browser/pytest.ini tests/browser

screenshots: browser-deps
	CHROMIUM=$(CHROMIUM) SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -c tests/browser/pytest.ini tests/browser -k screenshots

# Reliability at larger sizes (minutes): figures to bench/results/soak.json
# and the property tests (hypothesis) with random examples, the "soak" profile.
soak: install
	$(DEV) $(BIN)/python -m bench.soak
	$(DEV) HYPOTHESIS_PROFILE=soak $(BIN)/python -m pytest -m hypothesis -q

# Benchmarks (bench/run.py): figures to bench/results/*.json and a table on stdout
bench-deps: install
	$(BIN)/python -m pip install --quiet "tantivy>=0.22"

bench: bench-deps
	$(DEV) $(BIN)/python -m bench.run --import-meetings 2000 --search-rows 200000

bench-large: bench-deps
	$(DEV) $(BIN)/python -m bench.run --skip-import --search-rows 1000000 --larger-rows 2000000

# Layout variants of the golden documents through the reader (tests/fuzz_layouts.py): N random
# variants, then each form alone; failing documents to /tmp/layout-fuzz. Exit 1 when any fails.
N ?= 1000
SEED ?= 2207
fuzz-layouts: install
	$(DEV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEV) $(BIN)/python -m tests.fuzz_layouts -n $(N) --seed $(SEED)
