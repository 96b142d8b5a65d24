# The two commands of the README: `make run` and `make test`.
# Everything they need is installed here, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000
# settings.py reads it too: in development QR codes and printed links point here.
export HOST

.PHONY: run test lint install install-test system-deps browser-deps clean

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed node_modules/.installed system-deps

install-test: install $(VENV)/.installed-test browser-deps

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# WeasyPrint needs Pango; HarfBuzz's subsetter keeps small PDFs small and fast.
system-deps:
	@scripts/ensure-debian-packages libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

# Browser tests drive Debian's Chromium (Playwright cannot download its own here).
browser-deps:
	@scripts/ensure-debian-packages chromium

clean:
	rm -rf $(VENV) node_modules staticfiles
