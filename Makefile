# lava_sd: `make demo` and `make test` set everything up (a .venv with Python 3.10) and run.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
		PY310=$$(.ci/find_python310) || exit 1; \
		echo "Creating $(VENV) with $$PY310"; \
		rm -rf $(VENV); \
		$$PY310 -m venv $(VENV) || exit 1; \
	fi
	$(PY) -m pip install --upgrade --quiet pip
	$(PY) -m pip install --progress-bar off -e '.[dev,scale]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m lava_sd.cli demo

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: $(STAMP) lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m lava_sd.cli bench all

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
