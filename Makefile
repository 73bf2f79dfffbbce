# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv lint format bench loadtest clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@bash scripts/run.sh

test: $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=var -v0
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every figure of docs/benchmarks.md, each a ratio (or time) measured in this run: start-up,
# evaluation and imports on SQLite then PostgreSQL, pages, hostile uploads, then the load test.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/livinglab
bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; \
		env -u DATABASE_URL $(BIN)/python $$script || exit 1; done
	@echo "== bench/bench_import.py on PostgreSQL (a throw-away database next to $(BENCH_DATABASE_URL))"
	@DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/bench_import.py
	@echo "== bench/bench_evaluation.py on PostgreSQL (a throw-away database next to $(BENCH_DATABASE_URL))"
	@DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/bench_evaluation.py
	@echo "== make loadtest (p95)"
	@$(BIN)/python bench/loadtest/run.py

# Locust against gunicorn + PostgreSQL + Redis on 127.0.0.1 (see docs/benchmarks.md, "Load test").
loadtest: $(STAMP)
	$(BIN)/python bench/loadtest/run.py

clean:
	rm -rf var/celery var/celery-test var/test-*.sqlite3*
