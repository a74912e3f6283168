# The README's commands. Every target builds its own virtual environment.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: demo test bench clean

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

clean:
	rm -rf $(VENV) build *.egg-info
