# The README's commands. Every target builds its own virtual environment.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: demo test bench clean docs docs-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job on the defaults: the softmax benchmark table over every available backend.
demo: $(STAMP)
	$(PY) -m benchmarks softmax

test: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest -q -n 2

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# Every benchmark, with JAX on the CPU next to numpy (the bench extra installs it).
bench: $(BENCH_STAMP)
	$(PY) -m benchmarks all
	$(PY) -m benchmarks.codegen

DOCS_STAMP := $(VENV)/.installed-docs

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,docs]'
	touch $(DOCS_STAMP)

# The specification site, generated from the registry with every example executed and
# the conformance smoke tier run for the status rows; warnings are errors.
# NX_DOCS_CONFORMANCE=skip reuses the reports already in docs/_build/conformance.
docs: $(DOCS_STAMP)
	$(PY) -m sphinx -W --keep-going -b html docs docs/_build/html

# Serves docs/_build/html on localhost and checks pages in headless Chromium
# (installs Debian's chromium if missing); screenshots go to docs/_build/screenshots.
docs-check: $(DOCS_STAMP)
	test -f docs/_build/html/index.html || $(MAKE) docs
	$(PY) docs/_ext/nxcheck.py docs/_build/html docs/_build/screenshots

clean:
	rm -rf $(VENV) build *.egg-info
