# Gazouille — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=

.PHONY: install run test test-postgres test-clients lint format clean translations screenshots bench bench-quick node-deps

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

# The Node client (masto) used by the live tests.
NODE_DEPS := tests/node/node_modules/.package-lock.json
$(NODE_DEPS): tests/node/package.json tests/node/package-lock.json
	cd tests/node && npm ci --no-audit --no-fund --silent
node-deps: $(NODE_DEPS)

test: $(STAMP) $(NODE_DEPS)
	sh scripts/ensure-chromium.sh
	$(BIN)/pytest -q $(PYTEST_ARGS)

test-postgres: $(STAMP) $(NODE_DEPS)
	sh scripts/ensure-chromium.sh
	GAZOUILLE_TEST_DATABASE_URL=$${GAZOUILLE_TEST_DATABASE_URL:-$(PG_URL)} \
	GAZOUILLE_TEST_REDIS_URL=$${GAZOUILLE_TEST_REDIS_URL:-$(REDIS_URL)} \
	$(BIN)/pytest -q $(PYTEST_ARGS)

# toot's own live integration suite (114 tests, from its PyPI sdist) against a fresh server on
# port 3000, on SQLite, then on PostgreSQL + Redis.
test-clients: $(STAMP)
	bash scripts/toot-suite.sh
	GAZOUILLE_TEST_DATABASE_URL=$${GAZOUILLE_TEST_DATABASE_URL:-$(PG_URL)} \
	GAZOUILLE_TEST_REDIS_URL=$${GAZOUILLE_TEST_REDIS_URL:-$(REDIS_URL)} \
	bash scripts/toot-suite.sh

BACKEND ?= sqlite
SIZE ?= M
WORKERS ?= 1
bench: $(STAMP)
	$(BIN)/python -m gazouille.bench.run --backend $(BACKEND) --size $(SIZE) --workers $(WORKERS)

# A short run on size S that checks the suite still works (no timing thresholds).
bench-quick: $(STAMP)
	$(BIN)/python -m gazouille.bench.run --backend $(BACKEND) --size S --quick

# The browser test's screenshots of the main pages, written to docs/screenshots/.
screenshots: $(STAMP)
	sh scripts/ensure-chromium.sh
	GAZOUILLE_SCREENSHOTS=docs $(BIN)/pytest -q tests/web/test_browser.py -k screenshots

# The web interface's messages: extract, update both catalogues, compile (fill the French
# msgstr in src/gazouille/web/translations/fr/LC_MESSAGES/messages.po, then run it again).
TRANSLATIONS := src/gazouille/web/translations
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k gettext_noop -k ngettext:1,2 --no-location \
		--sort-output --omit-header --project Gazouille -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--ignore-obsolete --no-fuzzy-matching --width 100
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

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
