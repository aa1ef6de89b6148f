"""Settings for the test suite: same database engine choice as base (SQLite or DB=postgres)."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
RELAIS_COMMS_EMAILS_PER_SECOND = 0.0
# Jobs run synchronously at commit in tests so their outcome can be asserted; the thread runner has its own tests.
RELAIS_TASK_BACKEND = "eager"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(tempfile.gettempdir()) / "relais-test-media"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
