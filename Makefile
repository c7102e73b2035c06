# The two set-up commands are `make run` and `make test`; `make` alone lists every target.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WORKITEMS_TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
export WORKITEMS_TEST_DATABASE_URL
# Debian's Chromium drives the browser tests (Playwright cannot download its own here).
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help run test fuzz chromium lint typecheck pytest format bench-api bench-staging bench-extraction bench-search bench-notify train-extractor clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-17s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed ## install, migrate and serve on http://127.0.0.1:8000 (SQLite under ./var/)
	$(BIN)/workitems migrate
	$(BIN)/workitems serve

chromium: ## install Debian's chromium for the browser tests when missing (needs root and apt)
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium >/dev/null) \
	  || echo "could not install chromium: the browser tests will skip (fail under CI=true)"; \
	else echo "no $(CHROMIUM) and no root to install it: the browser tests will skip"; fi

test: $(VENV)/.installed-dev chromium ## install the dev dependencies and chromium, then ruff, mypy, import contracts and pytest
	$(BIN)/ruff check src tests bench training
	$(BIN)/ruff format --check src tests bench training
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 -q

fuzz: $(VENV)/.installed-dev ## schemathesis --checks all against a real server, SQLite and PostgreSQL (bounded; part of test)
	$(BIN)/pytest -n 2 -q tests/fuzz

lint: $(VENV)/.installed-dev ## ruff only
	$(BIN)/ruff check src tests bench training

format: $(VENV)/.installed-dev ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench training
	$(BIN)/ruff format src tests bench training

typecheck: $(VENV)/.installed-dev ## mypy --strict only
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev ## pytest only (pass ARGS=... for more)
	$(BIN)/pytest $(ARGS)

bench-api: $(VENV)/.installed-dev ## API throughput benchmark (bench/api.py)
	$(BIN)/python bench/api.py

bench-staging: $(VENV)/.installed-dev ## staging and approval throughput, duplicate warnings at scale
	$(BIN)/python bench/staging.py

bench-extraction: $(VENV)/.installed-dev ## action-item quality on ../shared/evalset, and words/s
	$(BIN)/python bench/extraction.py

train-extractor: $(VENV)/.installed-dev ## refit the extractor's weights (training/extractor/meetings + ../shared/evalset/ami/dev)
	$(BIN)/python training/extractor/train.py

bench-search: $(VENV)/.installed-dev ## search and dashboard latency at 1M tasks, SQLite and PostgreSQL
	$(BIN)/python bench/search.py --both

bench-notify: $(VENV)/.installed-dev ## webhook deliveries per second and commit-to-receipt latency, SQLite and PostgreSQL
	$(BIN)/python bench/notify.py --both

clean: ## remove the virtualenv, caches and the local database
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
