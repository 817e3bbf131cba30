# The README's quick start: `make demo` runs the bot on embedded defaults, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export ALIBABA_CLOUD_ECS_METADATA_DISABLED := true

.PHONY: install test lint demo

$(BIN)/sgbot: pyproject.toml standins/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' -e ./standins
	@touch $@

install: $(BIN)/sgbot

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

demo: install
	$(BIN)/sgbot demo
