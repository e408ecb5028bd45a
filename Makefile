# b2b-mock: `make serve` runs the mock, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8080
DB     ?= data/b2b-mock.json
SEED   ?= fixtures/seed_accounts.json
ERP_SEED ?= fixtures/acumatica

IMAGE  ?= localhost/b2b-mock:latest
BASE   ?= localhost/b2b-mock-base:bookworm

.PHONY: serve test test-thorough contract parity demo bench browser container container-tools install install-test clean spec-patterns

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

# The browser test drives Debian's Chromium; install it (as root, or with sudo) when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && \
	   $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

# The container test builds and runs the image with podman (runc: some kernels' cgroups are more
# than crun copes with; debootstrap: the base image from Debian packages).
container-tools:
	@command -v podman >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && \
	  command -v debootstrap >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && \
	   $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap)

# The image: make container [IMAGE=localhost/b2b-mock:latest] [BASE=python:3.11-slim]; the
# default BASE is made from Debian packages here (no registry needed).
container: container-tools
	$(PYTHON) container/build.py --image $(IMAGE) --base $(BASE)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	$(BIN)/b2b-mock serve --host $(HOST) --port $(PORT) --db $(DB) --seed $(SEED) \
	  --erp-seed $(ERP_SEED)

# The type check, every test, then the HTTP and contract tests again on stock Connexion (the
# speed-ups off). Tests run in one process per core (at most 4: each starts servers of its own);
# JOBS=0 runs them in this process.
JOBS ?= auto
XDIST = $(if $(filter 0,$(JOBS)),-p no:xdist,-n $(JOBS) --maxprocesses 4)
test: install-test browser container-tools
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest $(XDIST)
	B2B_MOCK_SPEEDUPS=0 $(BIN)/python -m pytest $(XDIST) -q -m "not speedups" tests \
	  contract_tests/test_conformance.py contract_tests/test_erp_conformance.py \
	  contract_tests/test_parity.py

# The property tests with many more and longer runs (tens of minutes).
test-thorough: install-test
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest contract_tests

# The contract suite against a live host: make contract URL=http://127.0.0.1:8080
# (credentials and tenant from B2B_CLIENT_ID, B2B_CLIENT_SECRET, B2B_TENANT). It touches one
# tenant only: B2B_TENANT, or on a b2b-mock an empty tenant of its own.
contract: install-test
	@test -n "$(URL)" || (echo "usage: make contract URL=http://host:port" >&2; exit 2)
	B2B_CONTRACT_URL=$(URL) $(BIN)/python -m pytest contract_tests/test_conformance.py

# The parity scenarios: the mock compared with the snapshots (SNAPSHOTS=folder, by default
# contract_tests/parity/snapshots); with URL=... the scenarios run there, and RECORD=1 writes
# what it answered as snapshots (credentials and tenant: B2B_CLIENT_ID, B2B_CLIENT_SECRET,
# B2B_TENANT, B2B_PARITY_SALES_REP, B2B_PARITY_ATTRIBUTE; see contract_tests/parity/scenarios.py).
parity: install-test
	B2B_PARITY_URL=$(URL) B2B_PARITY_RECORD=$(RECORD) B2B_PARITY_SNAPSHOTS=$(SNAPSHOTS) \
	  $(BIN)/python -m pytest -q -rP contract_tests/test_parity.py

# Speed as ratios measured in one run (uses wrk when installed, Prism via npx when npm is).
bench: install
	$(BIN)/python bench/run.py

# Rewrite the filter, sortBy and responseFields patterns of the spec from the schemas' fields.
spec-patterns: install
	$(BIN)/python -m contract_tests.spec_patterns

# The connector walkthrough scene by scene, on the server make serve runs (URL= another one);
# open the demo page beside it. PAUSE= seconds between scenes (STEP=1: wait for Enter).
demo: install
	$(BIN)/python -m sync_client.demo --url $(or $(URL),http://$(HOST):$(PORT)) \
	  --pause $(or $(PAUSE),6) $(if $(STEP),--step,)

clean:
	rm -rf $(VENV) data .pytest_cache .hypothesis
