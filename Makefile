# b2b-mock: `make serve` runs the mock, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
DB     ?= data/b2b-mock.json
SEED   ?= fixtures/seed_accounts.json

.PHONY: serve test demo install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	$(BIN)/b2b-mock serve --host $(HOST) --port $(PORT) --db $(DB) --seed $(SEED)

test: install-test
	$(BIN)/python -m pytest

demo: install
	$(BIN)/python -m sync_client.demo

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis
