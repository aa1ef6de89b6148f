"""Settings shared by every environment. Environment variables are read in config/env.py only."""

from __future__ import annotations

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, database_url, env_bool, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789abcdef")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # the API docs page from its own static files, not a CDN (Content-Security-Policy: 'self')
    "relais.core",
    "relais.audit",
    "relais.accounts",
    "relais.network",
    "relais.catalog",
    "relais.stock",
    "relais.sellout",
    "relais.training",
    "relais.incentives",
    "relais.programs",
    "relais.comms",
    "relais.funds",
    "relais.promotions",
    "relais.merchandising",
    "relais.insights",
    "relais.api",
    "relais.webhooks",
    "relais.privacy",
    "relais.followups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "relais.accounts.middleware.ActiveMembershipMiddleware",
    "relais.core.middleware.SuspendedBrandMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "relais.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "relais.core.context_processors.relais",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(database_url(), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets background jobs write while pages read; IMMEDIATE avoids "database is locked" upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as in the UK, 24-hour times in both languages (docs/i18n.md).
FORMAT_MODULE_PATH = ["relais.core.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_DIR", "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "relais"}}
if env_str("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Relais <no-reply@relais.example>")
# Communications (relais.comms): e-mails per SMTP connection batch, and the sending rate (0: no limit).
RELAIS_COMMS_EMAIL_BATCH = int(env_str("RELAIS_COMMS_EMAIL_BATCH", "200"))
RELAIS_COMMS_EMAILS_PER_SECOND = float(env_str("RELAIS_COMMS_EMAILS_PER_SECOND", "20"))

# Long work (imports, rollups, closings, e-mails): "inprocess" runs it in a worker thread after commit;
# "celery" sends it to a real queue (CELERY_BROKER_URL).
RELAIS_TASK_BACKEND = env_str("RELAIS_TASK_BACKEND", "inprocess")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Login rate limiting: failed attempts within the window per (e-mail, IP), per e-mail from any IP, and per IP
# for any e-mail (relais.accounts.services.login_is_throttled). The per-IP limit is high on purpose: it only
# brakes one machine spraying many accounts, and many people may share an office's address.
RELAIS_LOGIN_MAX_ATTEMPTS = 5
RELAIS_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT = 20
RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP = 300
RELAIS_LOGIN_WINDOW_SECONDS = 15 * 60
# Password-reset requests per requested e-mail and per client IP within the window.
RELAIS_PASSWORD_RESET_MAX_PER_EMAIL = 3
RELAIS_PASSWORD_RESET_MAX_PER_IP = 20
RELAIS_PASSWORD_RESET_WINDOW_SECONDS = 60 * 60
# How many reverse proxies in front of the application append to X-Forwarded-For (relais.core.client_ip).
# 0: the header is ignored and REMOTE_ADDR is the client. Behind the documented TLS proxy: 1.
RELAIS_TRUSTED_PROXY_COUNT = int(env_str("RELAIS_TRUSTED_PROXY_COUNT", "0"))

# Content-Security-Policy of every response (relais.core.middleware). Scripts and styles come only from our
# own static files: no inline <script>, no on*= handler, no style="" attribute or <style> block in a template
# (tests/platform/test_error_pages_and_headers.py scans them); behaviour is in static/js/ and reads data-*
# attributes; htmx runs without hx-on and without its injected indicator styles, Chart.js without eval.
RELAIS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Static files straight from the finders while developing; production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
