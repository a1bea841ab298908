# Everything a fresh machine with only Python 3.11 needs: `make demo`, `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PROFILE ?= demo
SANDBOX_PORT ?= 8765

.PHONY: install demo test dev bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Pantau needs Python 3.11, found " + sys.version)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## The nightly job on the built-in sandbox into warehouse/pantau.duckdb, then a summary.
demo: $(STAMP)
	$(PY) -m orchestration.run --sandbox $(PROFILE)

test: $(STAMP)
	$(PY) -m pytest

## Dagster UI on the same definitions, sources pointed at a sandbox on port $(SANDBOX_PORT).
dev: $(STAMP)
	$(PY) -m sandbox serve --profile $(PROFILE) --port $(SANDBOX_PORT) & SANDBOX=$$!; \
	trap "kill $$SANDBOX" EXIT INT TERM; \
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} PANTAU_SANDBOX_URL=http://127.0.0.1:$(SANDBOX_PORT) \
		$(VENV)/bin/dagster dev -m orchestration.definitions

## Records/s from HTTP to committed raw rows vs DuckDB's own read_json, and peak memory;
## then dbt: a full build, and an incremental night after one new day.
bench: $(STAMP)
	$(PY) -m extractors.benchmark --profile $(PROFILE)
	$(PY) -m orchestration.benchmark --profile $(PROFILE)

clean:
	rm -rf $(VENV) warehouse .dagster_home dbt_project/target dbt_project/logs
