"""Celery app for production (RELAIS_TASK_BACKEND=celery). Start a worker with:

    DJANGO_SETTINGS_MODULE=config.settings.production celery -A config.celery worker -l info

Settings come from Django's ``CELERY_*`` settings (broker: CELERY_BROKER_URL, default redis://127.0.0.1:6379/0).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
app = Celery("relais")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py: run_job itself (relais.core) and the job handlers the apps register there.
app.autodiscover_tasks()

# Daily expiry of points lots past their date (a debit also expires its own account's lots first, so this
# only makes the ledger show expiries without waiting for the next redemption).
app.conf.beat_schedule = {
    # Activity tiers from the last 12 months of sell-out, then segment memberships (and the cube after).
    "network-refresh": {
        "task": "relais.network.refresh_every_brand",
        "schedule": crontab(hour=2, minute=30),
    },
    "incentives-expire-points": {
        "task": "relais.incentives.expire_points",
        "schedule": crontab(hour=3, minute=15),
    },
}
