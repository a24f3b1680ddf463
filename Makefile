# The README's two commands: `make run` and `make test`. Both create the environment first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench data install clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[server,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tongwen serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests tools
	$(VENV)/bin/mypy

# Rebuild the package tables from data/upstream, data/overrides and the locked ../shared sources.
data: $(STAMP)
	$(PY) tools/build_data.py

# Peers and full evaluations: not part of `make test`. Writes docs/benchmarks.md.
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[server,dev,bench]'
	$(PY) tools/bench/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
