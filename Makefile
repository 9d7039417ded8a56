# joinedup: two commands for a new user.
#   make demo  - set everything up and serve the demo area on http://127.0.0.1:8000
#   make test  - set everything up and run the whole test suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: demo test setup setup-dev browser lint typecheck check worker serve bench crash clean corpus fuzz

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed
	mkdir -p var staticfiles

setup-dev: $(VENV)/.installed-dev browser
	mkdir -p var staticfiles

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi

demo: export DJANGO_DEBUG ?= false
demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo_area --if-missing
	@echo "Starting the background worker and the web server on http://$(HOST):$(PORT) (Ctrl+C stops both)"
	@# A worker that exits with an error (or is killed) is started again; Ctrl+C stops everything.
	@trap 'trap - EXIT INT TERM; kill 0 2>/dev/null' EXIT INT TERM; \
	( until $(PY) manage.py worker --interval 1; do echo "The background worker stopped; starting it again"; sleep 2; done ) & \
	DJANGO_DEBUG=$${DJANGO_DEBUG:-false} $(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: setup-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -q

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# No high-severity finding from bandit (the lower ones are read in review; tests and migrations left out).
	$(VENV)/bin/bandit -q -r joinedup config -x "*/tests/*,*/migrations/*" --severity-level high

typecheck: setup-dev
	$(VENV)/bin/mypy config joinedup tests

check: lint typecheck test

worker: setup
	$(PY) manage.py worker

# Every benchmark prints its figures as ratios against a baseline run in the same process.
# BENCH_SCALE=0.01 make bench scales the issue's sizes down for a quick check.
bench: setup-dev
	@failed=""; for b in bench/[!_]*.py; do \
		DJANGO_SETTINGS_MODULE=config.settings.test $(PY) $$b || failed="$$failed $$b"; \
	done; \
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) bench/mapping_refresh.py --postgresql 1 --networkx 0 \
		|| failed="$$failed bench/mapping_refresh.py(postgresql)"; \
	if [ -n "$$failed" ]; then echo "Benchmarks that failed:$$failed"; exit 1; fi

# The malformed-import corpus (issue 11): 507 bad files and a file of a million rows through the upload pages,
# on a throwaway SQLite database, while another user asks for pages. CORPUS_ARGS=--quick leaves out the million.
corpus: setup-dev
	$(PY) reliability/malformed_imports.py $(CORPUS_ARGS)

# kill -9 the web server and the worker 50 times mid-write; prints the figures, fails on any lost write.
crash: setup-dev
	$(PY) reliability/crash.py --iterations 50

# Hypothesis over every form and import reader (issue 11): FUZZ_EXAMPLES examples each (the suite runs 1000).
FUZZ_EXAMPLES ?= 10000
fuzz: setup-dev
	JOINEDUP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest -q \
		joinedup/web/tests/test_fuzz_forms.py joinedup/imports/tests/test_fuzz_parsers.py

clean:
	rm -rf $(VENV) var staticfiles
