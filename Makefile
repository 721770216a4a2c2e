# orderflow: `make demo` runs the sample inbox end to end; `make test` runs everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
APT_PACKAGES := postgresql dovecot-imapd openssh-server tesseract-ocr tesseract-ocr-eng poppler-utils chromium
export OMP_THREAD_LIMIT ?= 1

.PHONY: demo test lint typecheck stress bench system-deps venv clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

# Debian packages for the real servers the tests start (postgres, dovecot, sshd, tesseract, chromium).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: $(BIN)/.installed
	$(BIN)/orderflow demo

# Two pytest-xdist workers; each test file runs whole on one worker, in file order.
TEST_WORKERS ?= 2

test: system-deps $(BIN)/.installed typecheck
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=25

lint: $(BIN)/.installed
	$(BIN)/ruff check .

# mypy on the product packages ([tool.mypy] in pyproject.toml); the root is the orderflow package,
# so mypy reads it through a link named orderflow. Incremental cache in var/mypy-cache.
typecheck: $(BIN)/.installed
	@mkdir -p var/typecheck && ln -sfn $(CURDIR) var/typecheck/orderflow
	$(BIN)/mypy

stress: system-deps $(BIN)/.installed
	ORDERFLOW_STRESS=1 $(BIN)/pytest -q tests/chaos tests/fuzz tests/bombs
	ORDERFLOW_STRESS=1 $(BIN)/python bench/stress.py

bench: $(BIN)/.installed
	$(BIN)/python bench/edi.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/accuracy.py ../shared/corpus/docs/po

clean:
	rm -rf var .pytest_cache
