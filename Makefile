# itanb: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHAINLP_READ_ONLY := 1
export MPLBACKEND := Agg

.PHONY: help setup ingest reports test test-fast lint lab bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml itanb/kernel.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'
	$(BIN)/python -m itanb.kernel > /dev/null  # the python3 kernel, ready for Thai charts (itanb/kernel.py)
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install itanb with its dev tools (idempotent)

ingest: setup  ## build data/processed from data/raw
	$(BIN)/itanb ingest

reports: ingest  ## ingest, run every report for the shipped data, write reports/index.html
	$(BIN)/itanb batch --xlsx --docx

test: setup  ## run the whole test suite and ruff
	$(BIN)/ruff check itanb tests
	$(BIN)/python -m pytest

test-fast: setup  ## ruff and the unit tests (no kernel, notebook, browser or server; on every core)
	$(BIN)/ruff check itanb tests
	$(BIN)/python -m pytest -q -m "not slow" -p no:cacheprovider -n auto

lint: setup  ## ruff only
	$(BIN)/ruff check itanb tests

lab: setup  ## start JupyterLab on notebooks/ from the project's environment (charts inline, Thai)
	env -u MPLBACKEND $(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup  ## time batch runs against the plain papermill loop
	$(BIN)/itanb bench

clean:  ## remove build products (data/processed, reports)
	find data/processed reports -mindepth 1 ! -name .gitkeep ! -name README.md -delete
