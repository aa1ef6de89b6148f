"""Background work of the privacy app: the daily retention job of each brand (its old customer feedback
purged, and any e-mail address or phone number that reached stored feedback scrubbed)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Brand, Job
from relais.privacy.services import feedback_purge, feedback_scrub_stored

RETENTION_JOB_KIND = "privacy_retention"


@job_handler(RETENTION_JOB_KIND)
def retention_job(job: Job) -> dict[str, Any]:
    brand = Brand.objects.get(pk=job.payload.get("brand_id", job.brand_id or 0))
    return {"purged": feedback_purge(brand=brand), "scrubbed": feedback_scrub_stored(brand=brand)}


@shared_task(name="relais.privacy.retention", ignore_result=True)
def retention_every_brand() -> int:
    """Celery beat, daily: one retention job per active brand."""
    return job_enqueue_every_brand(kind=RETENTION_JOB_KIND)
