# Kartoteka — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test lint typecheck check bench messages clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PIP) install -q -e '.[dev]'
	touch $@

## run: install, migrate, load demo data, print the login, serve on http://127.0.0.1:8000
run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)
	$(PY) manage.py seed_demo --if-empty
	./bin/serve $(HOST) $(PORT) $(WORKERS)

## test: the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: $(VENV)/.dev
	$(PY) -m pytest
	# Two real concurrent writers need a file database (the in-memory test one cannot wait for a lock).
	TEST_DB_NAME=var/test-concurrency.sqlite3 $(PY) -m pytest -q kartoteka/clients/tests/test_concurrent_writers.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev
	$(VENV)/bin/mypy .

check: $(VENV)/.dev
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

## bench: benchmarks on 1,000,000 clients (CLIENTS=N for fewer) and the mail list on 1,000,000 mail items; JSON in var/bench/
CLIENTS ?= 1000000
bench: $(VENV)/.dev
	$(PY) -m bench --clients $(CLIENTS)
	$(PY) -m bench.bulk --clients $(CLIENTS)
	$(PY) -m bench.tasks --clients $(CLIENTS)
	$(PY) -m bench.mail
	$(PY) -m bench.exports --clients $(CLIENTS)
	$(PY) -m bench.messages
	$(PY) -m bench.attributes --clients $(CLIENTS)

## messages: refresh and compile the Polish/English translations
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l pl -l en --no-location --ignore='.venv/*' --ignore='var/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

clean:
	rm -rf $(VENV) var
