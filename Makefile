# Floorboard: `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# What Qt needs to draw offscreen (tests) and in a real window (see shared SETUP-NOTES).
QT_OFFSCREEN_DEBS := libegl1 libgl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3
QT_WINDOW_DEBS := $(QT_OFFSCREEN_DEBS) xvfb xauth libxcb-cursor0 libxcb-icccm4 \
	libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0

# The real SMS gateway the escalation tests page through (Kannel, with its fake SMS
# centre in kannel-extras).
TEST_DEBS := kannel kannel-extras

.PHONY: run test bench lint install clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py $(wildcard core_ext/*.pyx)
	@scripts/check-python.sh $(PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

run: $(STAMP)
	@scripts/ensure-debs.sh $(QT_WINDOW_DEBS)
	$(VENV)/bin/floorboard $(ARGS)

test: $(STAMP)
	@scripts/ensure-debs.sh $(QT_OFFSCREEN_DEBS) $(TEST_DEBS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest benchmarks --benchmark-enable \
		--benchmark-only -s -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) build *.egg-info core_ext/*.c core_ext/*.so
