"""Celery app for production (RELAIS_TASK_BACKEND=celery). Start a worker with:

    DJANGO_SETTINGS_MODULE=config.settings.production celery -A config.celery worker -l info

Settings come from Django's ``CELERY_*`` settings (broker: CELERY_BROKER_URL, default redis://127.0.0.1:6379/0).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
app = Celery("relais")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py: run_job itself (relais.core) and the job handlers the apps register there.
app.autodiscover_tasks()
