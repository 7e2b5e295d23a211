# Two commands do everything: `make run` (demo on SQLite + fake WeChat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app:create_app

.PHONY: run test serve-prod worker lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,prod]'
	touch $@

## run: install, migrate, load demo data, start the fake WeChat server and the API on :$(PORT)
run: $(VENV)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask gonghui demo-data
	$(BIN)/flask gonghui dev-server --port $(PORT)

## test: install test tools and run the whole suite (PostgreSQL/Redis too when configured)
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

## serve-prod: gunicorn against DATABASE_URL/REDIS_URL (see README "Production")
serve-prod: $(VENV)/.installed
	GONGHUI_ENV=production $(BIN)/flask db upgrade
	GONGHUI_ENV=production $(BIN)/flask gonghui rebuild-search
	GONGHUI_ENV=production $(BIN)/gunicorn -c config/gunicorn.conf.py "app:create_app()"

## worker: the outbox worker (run one or more next to serve-prod)
worker: $(VENV)/.installed
	GONGHUI_ENV=production $(BIN)/flask gonghui outbox-worker

lint: $(VENV)/.installed
	$(BIN)/ruff check app wxclient config tests bench

clean:
	rm -rf $(VENV) instance
