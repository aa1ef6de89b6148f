# Relais — the two commands: `make demo` and `make test` (plus `make bench`).
# On a fresh machine with only python3, these create the venv from the lock file and do all the set-up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test test-postgres test-e2e serve worker bench lint fmt venv browsers messages clean screenshots

# make serve / make worker: production settings on this machine (plain HTTP on the loopback, where browsers
# accept the Secure cookies). A random key per start: sessions end when the server restarts.
SERVE_ENV = DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
	RELAIS_TASK_BACKEND=$${RELAIS_TASK_BACKEND:-inprocess} RELAIS_BIND=$${RELAIS_BIND:-127.0.0.1:$(PORT)}

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
	$(BIN)/pytest -q -n 2 --ignore=tests/e2e $(PYTEST_ARGS)

# The same suite on PostgreSQL (127.0.0.1:5432, trust auth, database `test`, or DATABASE_URL).
test-postgres: venv messages browsers
	DB=postgres $(BIN)/python -m relais.core.dbcheck
	DB=postgres $(BIN)/pytest -q -n 2 --ignore=tests/e2e $(PYTEST_ARGS)

# The production stack end to end on this machine's PostgreSQL and Redis: gunicorn (production settings)
# and a Celery worker, driven over HTTP by tests/e2e (log in, upload, import in the worker, points, order).
test-e2e: venv messages
	$(BIN)/pytest -q -p no:xdist tests/e2e $(PYTEST_ARGS)

# Production-like, locally: gunicorn with the production settings on DATABASE_URL (default: the demo's
# SQLite file), jobs in a thread unless RELAIS_TASK_BACKEND=celery (then run `make worker` beside it).
serve: venv messages
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	$(SERVE_ENV) $(BIN)/gunicorn -c config/gunicorn.py config.wsgi:application

worker: venv
	$(SERVE_ENV) $(BIN)/celery -A config.celery worker -l info --concurrency 2

bench: venv
	$(BIN)/python -m bench

# Every role's main pages on a phone and a desktop, in French and English, into build/screenshots/.
screenshots: venv messages browsers
	$(BIN)/pytest -q -p no:xdist tests/browser/test_screenshots.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* media staticfiles
