# inspraak — developer entry points. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck unit i18n migration bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python tools/i18n.py --compile
	touch $(STAMP)

install: $(STAMP)  ## create .venv, install inspraak with its test tools, compile catalogs

run: install  ## start the web app (and enabled channels) on the embedded default
	$(BIN)/inspraak serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy core

test: install lint typecheck  ## ruff, mypy on core/, import contracts, translations, the suite
	$(BIN)/lint-imports --no-cache
	$(BIN)/python tools/i18n.py --check
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

unit: install
	$(BIN)/python -m pytest -q tests/unit

i18n: install  ## extract messages and update the catalogs (nl/en; tr/ar/pl/uk for the chat)
	$(BIN)/python tools/i18n.py

migration: install  ## regenerate the initial migration from core/storage/tables.py (pre-release)
	tools/regen-migration

bench: install
	$(BIN)/python bench/dialogue.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
