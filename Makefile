# Two commands do everything: `make run` (demo on SQLite + fake WeChat) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app:create_app

.PHONY: run test miniprogram-test preview serve-prod worker lint clean translations messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,prod]'
	touch $@

# message catalogs: the .po files are in git, the .mo files they compile to are not
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

## translations: compile the message catalogs (run and test do it)
translations: $(COMPILED)

## messages: extract the message ids from app/ and merge them into the catalogs to translate
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-wrap --sort-by-file --add-location=file \
		$$($(BIN)/python -c 'from app.core.i18n import MESSAGE_KEYWORDS as k; \
		print(" ".join("-k " + w for w in k))') -o app/translations/messages.pot app
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-wrap \
		--no-fuzzy-matching

## run: install, migrate, load demo data, start the fake WeChat server and the API on :$(PORT)
run: $(VENV)/.installed $(COMPILED)
	$(BIN)/flask db upgrade
	$(BIN)/flask gonghui demo-data
	$(BIN)/flask gonghui dev-server --port $(PORT)

## test: install test tools and run the whole suite (PostgreSQL/Redis too when configured)
test: $(VENV)/.installed $(COMPILED)
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)
	$(MAKE) miniprogram-test

## miniprogram-test: type-check the mini-program and run its jest suite against the real backend
## (Node.js 18+ and npm; `npm ci` only when the lock changed; under CI a missing Node fails the run)
miniprogram-test: $(VENV)/.installed $(COMPILED)
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
	    && node -e 'process.exit(+process.versions.node.split(".")[0] < 18 ? 1 : 0)'; then \
	  cd miniprogram && \
	  { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && \
	  GONGHUI_PYTHON="$(abspath $(BIN))/python" npm test; \
	elif [ -n "$$CI" ]; then \
	  echo "error: the mini-program tests need Node.js 18+ and npm (CI is set, so they cannot be skipped)" >&2; exit 1; \
	else \
	  echo "WARNING: Node.js 18+/npm not found: the mini-program tests (miniprogram/) were NOT run" >&2; \
	fi

## preview: render the mini-program's main pages in a demo state to miniprogram/preview/*.png
## (headless Chromium and a Chinese font: installed from Debian's packages when missing and root)
preview: $(VENV)/.installed $(COMPILED)
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|cjk'; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; \
	  else \
	    echo "error: make preview needs Chromium and a Chinese font (Debian: apt-get install chromium fonts-wqy-microhei)" >&2; exit 2; \
	  fi; \
	fi
	cd miniprogram && \
	  { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && \
	  node scripts/copy-npm.js && GONGHUI_PYTHON="$(abspath $(BIN))/python" node scripts/preview.js

## serve-prod: gunicorn against DATABASE_URL/REDIS_URL (see README "Production")
serve-prod: $(VENV)/.installed $(COMPILED)
	GONGHUI_ENV=production $(BIN)/flask db upgrade
	GONGHUI_ENV=production $(BIN)/flask gonghui rebuild-search
	GONGHUI_ENV=production $(BIN)/gunicorn -c config/gunicorn.conf.py "app:create_app()"

## worker: the outbox worker (run one or more next to serve-prod)
worker: $(VENV)/.installed $(COMPILED)
	GONGHUI_ENV=production $(BIN)/flask gonghui outbox-worker

lint: $(VENV)/.installed
	$(BIN)/ruff check app wxclient config tests bench

clean:
	rm -rf $(VENV) instance $(COMPILED)
