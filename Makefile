# Relais — the two commands: `make demo` and `make test` (plus `make bench`).
# On a fresh machine with only python3, these create the venv from the lock file and do all the set-up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test test-postgres bench lint fmt venv browsers messages clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

messages: venv
	$(BIN)/python manage.py compile_translations

demo: venv messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

# Debian's chromium for the Playwright browser tests (installed once; root or sudo needed the first time).
browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] && echo "" || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test -v 0
	$(BIN)/lint-imports
	$(BIN)/mypy relais config tests conftest.py

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: venv messages browsers lint
	$(BIN)/pytest -q -n 2 $(PYTEST_ARGS)

# The same suite on PostgreSQL (127.0.0.1:5432, trust auth, database `test`, or DATABASE_URL).
test-postgres: venv messages browsers
	DB=postgres $(BIN)/python -m relais.core.dbcheck
	DB=postgres $(BIN)/pytest -q -n 2 $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) db.sqlite3* media staticfiles
