# One gate: `make check` (CI runs it). `make demo` serves the product, demo history loaded.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
DB ?= sqlite:///begroting.sqlite3

.PHONY: install demo report test check lint typecheck format clean bench

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'

demo: install
	$(BIN)/begroting serve --demo --db $(DB)

report: install
	$(BIN)/begroting demo --db $(DB)
	$(BIN)/begroting report interventieplan-fase-4 --db $(DB)
	$(BIN)/begroting report voortgangsrapportage-2019-q4 --db $(DB)

test: install
	$(BIN)/pytest -n auto

lint: install
	$(BIN)/ruff format --check src tests migrations bench
	$(BIN)/ruff check src tests migrations bench

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

# Benchmarks print a table and write bench/results/; never a pass/fail on timings (README).
BENCH ?=
bench: install
	$(PY) -m bench.run $(BENCH)

format: install
	$(BIN)/ruff format src tests migrations bench
	$(BIN)/ruff check --fix src tests migrations bench

clean:
	rm -rf $(VENV) begroting.sqlite3 begroting.sqlite3-*
