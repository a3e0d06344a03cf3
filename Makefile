# make run  - install what running needs into .venv, migrate the embedded SQLite database, seed a demo
#             account and start the web app, a Celery worker and beat (no Redis needed).
# make test - install the test tools too and run the whole suite in parallel (SQLite unless
#             DATABASE_URL is set).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
DEMO_EMAIL ?= demo@example.org
DEMO_TZ ?= Europe/Rome
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails (reminders, invitations) point at the address the app really runs on.
SITE_URL ?= http://$(HOST):$(PORT)
TEST_WORKERS ?= auto
VAR_DIR ?= var
export VAR_DIR

.PHONY: run test install lint format chromium messages clean

# Two stamps: `make run` installs only what running needs (requirements.txt); `make test` and
# the tools install requirements-dev.txt (which includes it). A run-only install leaves the dev
# stamp absent, so `make test` still installs the test tools.
$(PY):
	$(PYTHON) -m venv --without-pip $(VENV) || python3 -m venv --without-pip $(VENV)

# $(call pip_install,FILE): install a requirements file into .venv. With uv, pinned, when it can
# be had (it downloads and unpacks in parallel: seconds where pip takes minutes on a cold
# cache), put there by the system's pip or else by the venv's own; with pip otherwise. uv compiles
# the bytecode at install, as pip does: without it the first commands compile as they import, and
# the first page came 5-10 s later.
define pip_install
	test -x $(UV) || $(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check \
	    uv==$(UV_VERSION) 2>/dev/null \
	  || { $(PY) -m ensurepip --default-pip >/dev/null && $(PY) -m pip install --quiet uv==$(UV_VERSION); } \
	  || echo "uv could not be installed: installing with pip"
	if [ -x $(UV) ]; then $(UV) pip install --quiet --compile-bytecode --python $(PY) -r $(1); \
	else $(PY) -m pip --version >/dev/null 2>&1 || $(PY) -m ensurepip --default-pip >/dev/null; \
	  $(PY) -m pip install --quiet -r $(1); fi
endef

$(RUN_STAMP): requirements.txt | $(PY)
	$(call pip_install,requirements.txt)
	touch $(RUN_STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(call pip_install,requirements-dev.txt)
	touch $(RUN_STAMP) $(DEV_STAMP)

install: $(DEV_STAMP)

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

# The translations (locale/*/LC_MESSAGES/django.po) compiled for Django: the .mo files are built
# here, never committed. GNU gettext (msgfmt, and xgettext for tests/test_i18n.py) from Debian.
messages: $(RUN_STAMP)
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q gettext; \
	  else sudo apt-get update -q && sudo apt-get install -y -q gettext; fi; }
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --verbosity 0

run: $(RUN_STAMP) messages
	mkdir -p $(VAR_DIR)/mail
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(PY) manage.py vapid_keys
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

# The whole suite, one pytest-xdist worker per core (TEST_WORKERS=0: in one process). Each
# worker has its own test database on PostgreSQL (test_<name>_gw0, _gw1, ...); the tests of an
# xdist_group (the browser tests: one Chromium) run in one worker.
test: install chromium messages
	DEBUG=1 $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VAR_DIR) .pytest_cache .ruff_cache
