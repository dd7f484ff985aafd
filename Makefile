# Two commands a user needs: `make demo` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JARS_STAMP := broker/lib/.complete

.PHONY: demo demo-shots test test-soak soak lint typecheck unit kafka-test bench kafka-up kafka-down kafka-status venv jars browser clean

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

# The browser tests drive Debian's Chromium with its chromedriver (CJK fonts for the Chinese page). Installed
# with apt-get when missing (CI is a fresh Debian machine running as root); nothing is done when present.
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-cjk
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 \
	    && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(BROWSER_PACKAGES) for the browser tests"; \
	    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	        $(BROWSER_PACKAGES) >/dev/null; \
	else \
	    echo "the browser tests need $(BROWSER_PACKAGES): install them (apt-get, as root)" >&2; exit 1; \
	fi

# Screenshots of the joint, Tianjin and 三河 pages at three moments of the Yanjiao and 23·7 scenarios.
demo-shots: venv browser
	@$(PY) tests/browser/shots.py

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: venv
	@$(VENV)/bin/mypy

test: venv jars browser lint typecheck
	@$(VENV)/bin/pytest -q

# The whole Kafka suite (integration and fault tests, marker `kafka`) five times in a row, each round with brokers
# of its own: a flaky start or test shows as a failed round. Every round runs; the summary lists each.
SOAK_ROUNDS ?= 5
test-soak: venv jars
	@failed=""; for i in $$(seq 1 $(SOAK_ROUNDS)); do \
	    echo "== Kafka suite, round $$i of $(SOAK_ROUNDS)"; \
	    $(VENV)/bin/pytest -q -m kafka -p no:cacheprovider || failed="$$failed $$i"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-soak: rounds failed:$$failed of $(SOAK_ROUNDS)"; exit 1; fi; \
	echo "test-soak: all $(SOAK_ROUNDS) rounds passed"

# the theater's stateful property test for a long run with fresh seeds (docs/testing.md); STEPS=… to change
soak: venv
	@$(PY) -m tests.streams.theater.soak --steps $(or $(STEPS),1000000)

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
