"""Production settings: PostgreSQL (DATABASE_URL), a real queue, secure cookies. Secrets come from the environment.

The process refuses to start without SECRET_KEY and ALLOWED_HOSTS; ``manage.py check --deploy`` is clean.
See docs/operations.md.
"""

from pathlib import Path

from config.env import env_bool, env_list, env_str
from config.settings.base import *  # noqa: F403

# The fallback key of config/settings/base.py: public, so never acceptable here.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set in production (50+ random characters)")
if SECRET_KEY == DEV_SECRET_KEY:
    raise RuntimeError("SECRET_KEY must not be the development key in production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise RuntimeError("ALLOWED_HOSTS must be set in production (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Persistent connections (base: 60 s) are checked before reuse, so a restarted database costs no 500s.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Cookies: HTTPS only; the __Host- prefix makes browsers refuse them from a sub-domain or over plain HTTP.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# HTTPS behind a proxy that sets X-Forwarded-Proto; the load balancer's health check may stay on plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

RELAIS_TASK_BACKEND = env_str("RELAIS_TASK_BACKEND", "celery")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
ADMINS = [("Relais operators", address) for address in env_list("ADMINS")]

# collectstatic writes here; WhiteNoise serves the hashed, compressed copies.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(STATIC_ROOT)))  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")}}  # noqa: F405
