# The two commands: `make run` (serve the platform with demo data) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12: on PATH, else pyenv's, else ask for it.
PYTHON312 ?= $(shell for p in python3.12 $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { command -v "$$p"; break; }; done)
UV := $(shell command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
export UV_PYTHON := $(firstword $(PYTHON312))
export UV_LINK_MODE := copy
MANAGE := .venv/bin/python manage.py

.PHONY: help install run test test-fast lint typecheck messages bench clean

help:
	@echo "make run    install, migrate, load the demo and serve on http://127.0.0.1:8000"
	@echo "make test   install and run every test (unit, integration, browser)"
	@echo "make lint   ruff + mypy       make bench   the benchmarks in bench/"

.venv/.installed: pyproject.toml uv.lock
	@test -n "$(UV_PYTHON)" || { echo "Python 3.12 is required (python3.12 not found)."; exit 1; }
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: .venv/.installed
	@.venv/bin/pybabel compile -d locale -D django >/dev/null

run: export DEBUG ?= 1
run: export ADMIN_REQUIRE_MFA ?= 0
run: install
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) seed_demo
	$(MANAGE) rundev

test: export DEBUG ?= 1
test: install
	.venv/bin/python -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

test-fast: export DEBUG ?= 1
test-fast: install
	.venv/bin/python -m pytest -n 2 -q -m "not e2e" $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DEBUG=1 .venv/bin/mypy .

messages: install
	DEBUG=1 $(MANAGE) makemessages -l fr --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --ignore=bench --no-obsolete --no-location
	.venv/bin/pybabel compile -d locale -D django

bench: export DEBUG ?= 1
bench: install
	.venv/bin/python -m bench

clean:
	rm -rf .venv var/staticfiles .pytest_cache
