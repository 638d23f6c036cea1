# Two commands set everything up on a fresh machine with Python 3.11:
#   make run   — virtualenv, install, migrate, demo data when empty, serve on http://127.0.0.1:8000
#   make test  — the same install, then the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install migrate clean bench bench-scales cluster-check upgrade-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

run: migrate
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo --if-empty
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache staticfiles

# The benchmark (not a test): the M data in its own PostgreSQL database, gunicorn, locust; prints the
# figures and writes docs/performance.md. locust is installed for it alone.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# The same pages in-process at S, M and L (bench/scales.py), written to docs/performance-scales.md. It
# builds bench_s and bench_l the first time (L takes minutes) and reuses them after; BENCH_ARGS=--rebuild.
bench-scales: $(BENCH_STAMP)
	$(BIN)/python -m bench --compare-scales $(BENCH_ARGS)

# Two app servers and nginx on loopback against their own PostgreSQL database (dropped afterwards):
# sessions, shared files, reminders sent once, a PostgreSQL restart. CLUSTER_ARGS=--skip-restart
# leaves PostgreSQL alone. docs/deploy.md §10 shows its output.
cluster-check: install
	$(BIN)/python deploy/cluster_check.py $(CLUSTER_ARGS)

# The upgrade from FROM (a tag or commit) with the old release serving while this code migrates, then this
# code serving the same database (deploy/upgrade_check.py; its own database upg_check, dropped afterwards).
# UPGRADE_ARGS=--write puts the report into docs/upgrades.md.
FROM ?= f089801  # v2026.11, until its tag exists
upgrade-check: install
	$(BIN)/python deploy/upgrade_check.py $(FROM) $(UPGRADE_ARGS)
