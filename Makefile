# The two commands a newcomer needs: `make run` and `make test`. See README.md.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
# The PostgreSQL the second test run uses (trust auth on this machine and in CI).
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
# What the browser tests take from the npm registry (axe-core), pinned by its lock file.
BROWSER := tests/browser

.PHONY: install run test test-sqlite test-postgres bench clean

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || (echo "Python 3.11 or newer is required" >&2; exit 1)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

# Without npm a developer's machine still installs; the browser tests then skip, and in CI
# (CI=true) they fail, so CI stops here at once instead.
$(BROWSER)/node_modules/.installed: $(BROWSER)/package.json $(BROWSER)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(BROWSER) --no-audit --no-fund --loglevel=error && touch $@; \
	elif [ -n "$$CI" ]; then \
		echo "npm is required for the browser tests (docs/operations.md)" >&2; exit 1; \
	else \
		echo "npm not found: the browser tests will be skipped (docs/operations.md)" >&2; \
	fi

install: $(VENV)/.installed $(BROWSER)/node_modules/.installed

## Start the service on SQLite with demo data; prints where to log in.
run: install
	$(BIN)/samverkan serve --demo

## Install everything and run the whole suite on SQLite, then on PostgreSQL.
test: install test-sqlite test-postgres

test-sqlite: install
	SAMVERKAN_DATABASE_URL= $(BIN)/pytest

test-postgres: install
	SAMVERKAN_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache $(BROWSER)/node_modules
