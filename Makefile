# Gazouille — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: install run test test-postgres lint format clean bench bench-quick

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	GAZOUILLE_PASSWORD_GRANT=$${GAZOUILLE_PASSWORD_GRANT:-true} $(BIN)/gazouille migrate
	GAZOUILLE_PASSWORD_GRANT=$${GAZOUILLE_PASSWORD_GRANT:-true} $(BIN)/gazouille demo-admin
	GAZOUILLE_PASSWORD_GRANT=$${GAZOUILLE_PASSWORD_GRANT:-true} $(BIN)/gazouille serve

test: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(STAMP)
	GAZOUILLE_TEST_DATABASE_URL=$${GAZOUILLE_TEST_DATABASE_URL:-$(PG_URL)} \
	GAZOUILLE_TEST_REDIS_URL=$${GAZOUILLE_TEST_REDIS_URL:-$(REDIS_URL)} \
	$(BIN)/pytest -q $(PYTEST_ARGS)

BACKEND ?= sqlite
SIZE ?= M
bench: $(STAMP)
	$(BIN)/python -m gazouille.bench.run --backend $(BACKEND) --size $(SIZE)

# A short run on size S that checks the suite still works (no timing thresholds).
bench-quick: $(STAMP)
	$(BIN)/python -m gazouille.bench.run --backend $(BACKEND) --size S --quick

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache build *.egg-info src/*.egg-info
