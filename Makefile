# Two entry points for a fresh machine with Python 3.11+ and git:
#   make demo   check the bundled sample records and build the public site
#   make test   lint, type-check and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean system-deps check-rules mutate

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/govmedia check --as-of 2026-11-26 || test $$? -eq 1
	$(BIN)/govmedia site --as-of 2026-11-26

lint: $(STAMP)
	$(BIN)/ruff check engine tests bench
	$(BIN)/ruff format --check engine tests bench
	$(BIN)/mypy

system-deps:
	.ci/system-deps

# What a rule author runs: every policy file against the schema and the fact
# declarations, then every rule's cases and their coverage.
check-rules: $(STAMP)
	$(BIN)/govmedia rules --check policy

test: system-deps lint check-rules
	$(BIN)/pytest

# A short mutation run (mutmut, configured in pyproject.toml [tool.mutmut]): every
# mutant of engine/workdays.py and engine/facts/ should make a targeted test fail. Not
# part of `make test` (minutes, not seconds). MUTATE=engine/workdays.py runs one file.
MUTATE ?=
mutate: $(STAMP)
	$(BIN)/pip install -q mutmut==3.8.1
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 $(foreach f,$(MUTATE),"$(subst /,.,$(basename $(f))).*")
	$(BIN)/mutmut results

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build .govmedia-cache
