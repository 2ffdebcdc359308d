# Union Education: every task a developer or CI needs, in one place.
# `make help` lists the targets.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help install run demo migrate test test-fast lint format bench load prod-demo stack-test host-test clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[site,dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

demo: migrate ## Load the demo content (safe to run again)
	$(MANAGE) load_demo

# The address served: emailed links, QR codes, calendar files and the log-ins printed use it.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: demo ## Set up everything and serve the demo on http://127.0.0.1:8000 (another: PORT=8123)
	@$(MANAGE) demo_logins
	$(MANAGE) runserver $(HOST):$(PORT)

test: install ## Run the whole test suite (on every core; TEST_WORKERS=0 runs it in one process)
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: install ## Check code style (ruff), the apps' layering (import-linter) and migrations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(MANAGE) makemigrations --check --dry-run

format: install ## Reformat the code (ruff)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## Measure performance budgets (see tests/benchmarks/RESULTS.md)
	EDUCATION_BENCH=1 $(BIN)/python -m pytest tests/benchmarks -s

load: install ## Bounded load on the production stack (needs PostgreSQL and Redis)
	$(BIN)/python -m tests.benchmarks.load

prod-demo: install ## Run the production stack here: PostgreSQL, Redis, gunicorn, task workers
	$(BIN)/python -m education.stack

stack-test: install ## End-to-end test of the production stack (needs PostgreSQL and Redis)
	EDUCATION_STACK=1 $(BIN)/python -m pytest tests/stack -v

host-test: ## Build the wheel, add the apps to fresh Wagtail sites by the README's steps, smoke-test them
	PYTHON=$(PYTHON) bash tests/host/run

clean: ## Remove the virtualenv, the local database and media
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media private-media static .prod-demo
