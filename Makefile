# The README's two commands: `make run` and `make test`. Both create the environment first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench data install clean browser loadgen

# Debian packages some targets need: the browser test drives Debian's Chromium (never a
# downloaded browser) and the load benchmark uses wrk. Installed when missing and when apt-get
# can run as root; otherwise the browser test skips (outside CI only) and the load area fails.
APT_INSTALL = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1)) \
	  >/dev/null 2>&1 || echo "warning: apt-get install $(1) failed"; \
	else echo "warning: $(1) missing and apt-get needs root; install it yourself"; fi

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[server,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tongwen serve --host $(HOST) --port $(PORT)

# Chromium, and a CJK font so that the browser test's screenshot shows the characters.
browser:
	@command -v chromium >/dev/null || { $(call APT_INSTALL,chromium fonts-wqy-microhei); }

loadgen:
	@command -v wrk >/dev/null || { $(call APT_INSTALL,wrk); }

test: $(STAMP) browser
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests tools
	$(VENV)/bin/mypy

# Rebuild the package tables from data/upstream, data/overrides and the locked ../shared sources.
data: $(STAMP)
	$(PY) tools/build_data.py

# Peers and full evaluations: not part of `make test`. Writes docs/benchmarks.md.
bench: $(STAMP) loadgen
	$(PY) -m pip install --quiet -e '.[server,dev,bench]'
	$(PY) tools/bench/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
