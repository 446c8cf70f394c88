# OpenPSO developer entry points. `make run` and `make test` are the two commands in README.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPARK := $(VENV)/.installed-spark

.PHONY: run test test-sqlite test-postgres lint bench install system-deps clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(INSTALLED)

# The suite also runs the analytics on Apache Spark (local mode) to prove one code path.
$(SPARK): $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(SPARK)

install: $(INSTALLED)

## make run: install, migrate the embedded SQLite database, seed the demo network, serve on 127.0.0.1:8000
run: $(INSTALLED)
	$(BIN)/openpso demo

## make test: lint, then the whole suite on SQLite and on a throw-away PostgreSQL server
test: $(INSTALLED) $(SPARK) system-deps lint test-sqlite test-postgres

system-deps:
	@scripts/system-deps.sh

# One worker per core, each test file on one worker (a file's tests may share module state);
# each worker has its own data dir, keys and cache (openpso.testing.env) and its own test database.
PYTEST := $(BIN)/pytest -q -n auto --dist loadfile

test-sqlite: $(INSTALLED)
	$(PYTEST)

test-postgres: $(INSTALLED)
	scripts/with-postgres.sh $(PYTEST) --database-tests-only

lint: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/lint-imports

bench: $(INSTALLED)
	$(BIN)/openpso bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
