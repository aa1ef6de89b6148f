"""Background work that spans domains: each job kind's handler, and the periodic tasks that enqueue them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Job
from relais.followups.declarations import IMPORT_JOB_KIND, sellout_import_run
from relais.followups.network import network_refresh
from relais.followups.points import points_notices_send
from relais.followups.training import certification_reminders_send
from relais.sellout.models import SelloutImport


@job_handler("network_refresh")
def network_refresh_job(job: Job) -> dict[str, int]:
    """The nightly network pass of one brand (``network_refresh``)."""
    if job.brand is None:  # enqueued per brand (network_refresh_every_brand)
        raise ValueError("A network_refresh job names its brand.")
    return network_refresh(brand=job.brand)


# The Celery name is kept from when this lived in relais.network (config/celery.py's beat schedule uses it).
@shared_task(name="relais.network.refresh_every_brand", ignore_result=True)
def network_refresh_every_brand() -> int:
    """Enqueue the nightly ``network_refresh`` job (tiers, then segments) of every active brand."""
    return job_enqueue_every_brand(kind="network_refresh")


@job_handler(IMPORT_JOB_KIND)
def sellout_import_job(job: Job) -> dict[str, Any]:
    """Run a confirmed file import, then what follows its declaration; the summary becomes the job's
    result."""
    payload = job.payload
    sellout_import = SelloutImport.objects.get(pk=payload["sellout_import_id"])
    result = sellout_import_run(
        sellout_import=sellout_import,
        job=job,
        period_start=_date(payload.get("period_start")),
        period_end=_date(payload.get("period_end")),
    )
    summary = result.as_dict()
    summary["errors"] = summary["errors"][:100]
    summary["sellout_import_id"] = sellout_import.pk
    return summary


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@job_handler("followups_points_notices")
def points_notices_job(job: Job) -> dict[str, int]:
    """Tell one brand's partners of the points posted, freed and soon expiring (``points_notices_send``)."""
    if job.brand is None:  # enqueued per brand (points_notices_every_brand)
        raise ValueError("A followups_points_notices job names its brand.")
    return points_notices_send(brand=job.brand)


@shared_task(name="relais.followups.points_notices", ignore_result=True)
def points_notices_every_brand() -> int:
    """Enqueue the ``followups_points_notices`` job of every active brand (hourly or daily)."""
    return job_enqueue_every_brand(kind="followups_points_notices")


@shared_task(name="relais.followups.training_reminders", ignore_result=True)
def training_reminders() -> int:
    """The daily renewal reminders of certifications expiring within 30 days (``certification_reminders_send``)."""
    return certification_reminders_send()
