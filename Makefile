# make run  - install into .venv, migrate the embedded SQLite database, seed a demo
#             account and start the web app, a Celery worker and beat (no Redis needed).
# make test - install into .venv and run the whole suite (SQLite unless DATABASE_URL is set).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_EMAIL ?= demo@example.org
DEMO_TZ ?= Europe/Rome
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails (reminders, invitations) point at the address the app really runs on.
SITE_URL ?= http://$(HOST):$(PORT)
VAR_DIR ?= var
export VAR_DIR

.PHONY: run test install lint format chromium clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

run: install
	mkdir -p $(VAR_DIR)/mail
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py seed_demo --days 21 --email $(DEMO_EMAIL) --tz $(DEMO_TZ) | tee $(VAR_DIR)/demo-login.txt
	@# The worker's banner and the server's start-up lines bury the seed's output: once the
	@# app answers, say again where it is and how to log in, last, where it is seen.
	DEBUG=1 SITE_URL=$(SITE_URL) bash -c 'trap "kill 0" EXIT; \
	  $(VENV)/bin/celery -A config worker --beat --loglevel=info --concurrency=1 \
	    --schedule=$(VAR_DIR)/celerybeat-schedule & \
	  $(PY) manage.py runserver $(HOST):$(PORT) & \
	  until $(PY) -c "import sys, urllib.request as r; r.urlopen(sys.argv[1])" \
	    http://$(HOST):$(PORT)/healthz 2>/dev/null; do sleep 0.5; done; sleep 2; \
	  echo; echo "== Open http://$(HOST):$(PORT)/ in your browser. Ctrl+C stops everything."; \
	  grep "Demo login" $(VAR_DIR)/demo-login.txt; \
	  echo "Reminder emails are written as files to $(VAR_DIR)/mail/ (one .log file per message)."; \
	  wait'

test: install chromium
	DEBUG=1 $(VENV)/bin/pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VAR_DIR) .pytest_cache .ruff_cache
