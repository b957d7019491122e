# Two commands: `make run` (app on http://127.0.0.1:8050 or $PORT with the sample data) and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app app:server
PORT   ?= 8050
PYTHON ?= python3

.PHONY: run test lint screenshots bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.testing: $(VENV)/.runtime requirements-test.txt
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

# axe-core for the accessibility tests; Bootstrap CSS and icons are already committed in assets/.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility (axe-core) tests will skip"; fi

run: $(VENV)/.runtime
	$(FLASK) init-db
	$(FLASK) load-sample
	PORT=$(PORT) $(PY) app.py

test: $(VENV)/.testing node_modules/.installed
	$(VENV)/bin/pytest

lint: $(VENV)/.testing
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

screenshots: $(VENV)/.testing
	$(PY) benchmarks/screenshots.py

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache .ruff_cache
