# ION Portal: `make run` serves the portal on a fresh machine, `make test` runs every check.
# Both find a Python 3.12+ themselves (python3.13, python3.12, python3, then pyenv's versions).

SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python

# The first interpreter that is Python 3.12 or newer.
PYTHON ?= $(shell for c in python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r); do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$c; break; fi; done)

# Local development defaults; any of them can be overridden from the environment.
export DJANGO_DEBUG ?= true
export DEMO_CONTENT ?= true

.PHONY: run test install install-dev lint format migrate demo superuser messages clean help

help:
	@echo "make run    set up everything and serve the portal on http://$(HOST):$(PORT)"
	@echo "make test   lint and run the whole test suite (set DATABASE_URL for PostgreSQL)"
	@echo "make superuser  create an administrator account that can sign in to /admin/ at once"

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "No Python 3.12 or newer found: install one (e.g. pyenv install 3.12) and retry." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_demo

# An administrator account, verified so it can sign in at once. Asks for the e-mail address and
# password; with DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD set it asks nothing.
superuser: migrate
	$(PY) manage.py createsuperuser $(if $(DJANGO_SUPERUSER_EMAIL),--no-input)

run: demo
	@echo ""
	$(PY) manage.py demo_accounts
	@echo ""
	@echo "ION Portal runs at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	@echo "To create an admin account: make superuser"
	@echo ""
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# Two workers on this kind of machine (PYTEST_WORKERS=0 runs in one process). `--dist load` hands out
# tests in collection order, so each worker still runs the database tests before the transactional ones
# (pytest-django orders them so: a flush must not empty what later tests read).
# The bytecode cache stays on for the tests even where the environment turns it off
# (PYTHONDONTWRITEBYTECODE): each worker would otherwise compile every module again, ~12 s of CPU.
PYTEST_WORKERS ?= auto
test: lint
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

# Regenerate and compile the translation catalogues (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --all --no-location --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
