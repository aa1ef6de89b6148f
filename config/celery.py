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
    # Scheduled campaigns whose time has come, every five minutes; the declaration reminders each morning.
    "comms-dispatch": {"task": "relais.comms.dispatch", "schedule": crontab(minute="*/5")},
    "comms-reminders": {"task": "relais.comms.reminders", "schedule": crontab(hour=8, minute=0)},
    # Digests after the night's work, before the working day.
    "comms-digests": {"task": "relais.comms.digests", "schedule": crontab(hour=6, minute=30)},
    # Points posted, available, expiring: read from the ledger since the last run, one notice per partner.
    "points-notices": {"task": "relais.followups.points_notices", "schedule": crontab(minute=20)},
    # Fund accruals from the day's validated sell-out, and allocations past their period expired.
    "funds-accrue-and-expire": {
        "task": "relais.funds.accrue_and_expire",
        "schedule": crontab(hour=3, minute=45),
    },
    # The programs' attainment by account, for the brand's dashboards.
    "programs-rollups": {"task": "relais.programs.refresh_rollups", "schedule": crontab(hour=4, minute=15)},
    # Webhook deliveries due (first attempts and retries with backoff).
    "webhooks-deliver": {"task": "relais.webhooks.deliver_due", "schedule": crontab(minute="*")},
    # Renewal reminders of certifications expiring within 30 days.
    "training-reminders": {
        "task": "relais.followups.training_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Free-text feedback past each brand's retention.
    "privacy-retention": {"task": "relais.privacy.retention", "schedule": crontab(hour=4, minute=45)},
}
