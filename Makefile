# Two commands a user needs: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JARS_STAMP := broker/lib/.complete

.PHONY: demo test lint typecheck unit kafka-test bench kafka-up kafka-down kafka-status venv jars clean

venv: $(STAMP)

# Re-installs only when pyproject.toml changes; a second run installs nothing.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

jars: $(JARS_STAMP)

# The Kafka broker comes from Maven Central as jars (no Docker, no tarball); ~/.m2 caches them between runs.
$(JARS_STAMP): broker/pom.xml
	@rm -f broker/lib/*.jar
	@mvn -q -B -f broker/pom.xml dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime
	@touch $(JARS_STAMP)

demo: venv
	@$(VENV)/bin/ebrain demo

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: venv
	@$(VENV)/bin/mypy

test: venv jars lint typecheck
	@$(VENV)/bin/pytest -q

bench: venv jars
	@$(PY) bench/run_all.py

kafka-up: venv jars
	@$(VENV)/bin/ebrain kafka up

kafka-down: venv
	@$(VENV)/bin/ebrain kafka down

kafka-status: venv
	@$(VENV)/bin/ebrain kafka status

clean:
	rm -rf $(VENV) broker/lib .kafka .pytest_cache .mypy_cache .ruff_cache
