# pytest-mltest: everything this repository needs is installed by these targets.
#   make test   create .venv, install the package with its test dependencies, run the suite
#               (all but the template's full answer matrix: one representative project per capability)
#   make test-matrix  the template's full answer matrix (every task x framework project, run for real)
#   make demo   scaffold an example ML project, run its pipeline and its mltest suite
#   make lint   ruff
#   make bench  the benchmarks in benchmarks/ (ratios against their anchors)
#   make test-compat  the oldest supported stack (Python 3.10, pandas 2.2, numpy 1.26) in a nox venv

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is installed with pip, not uv: pip takes the local CPU build where a machine has one.
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
# Two workers: the suite's CPU time is spread over both cores (override, e.g. PYTEST_ARGS=tests/test_x.py);
# a module whose tests share an expensive fixture keeps them on one worker with pytest.mark.xdist_group.
PYTEST_ARGS ?= -n 2 --dist loadgroup

.PHONY: test test-matrix test-compat demo lint docs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

test: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not matrix" $(PYTEST_ARGS)

# Not part of `make test`: the tests marked `matrix` (docs/template.md); the release workflow runs it.
test-matrix: $(VENV)/.installed
	$(BIN)/python -m pytest -m matrix $(PYTEST_ARGS)

# Not part of `make test`: one leg of the support matrix (noxfile.py has them all).
test-compat: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/nox -s "compat-3.10(pandas='2')" $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

demo: $(VENV)/.installed
	$(BIN)/python examples/demo.py

lint: $(VENV)/.installed
	$(BIN)/ruff check mltest hooks tests benchmarks examples
	$(BIN)/ruff format --check mltest hooks tests benchmarks examples

docs: $(VENV)/.installed
	$(BIN)/mkdocs build --strict

bench: $(VENV)/.installed
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) site .pytest_cache .mltest-demo .nox
