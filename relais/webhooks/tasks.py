"""Background work of the webhooks app: one job per delivery attempt made after commit, and the periodic
retry of the deliveries whose next attempt time has come (``deliver_webhooks``, every minute)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from relais.core.jobs import job_handler
from relais.core.models import Job
from relais.webhooks.services import DELIVER_JOB_KIND, webhook_deliveries_due, webhook_delivery_attempt


@job_handler(DELIVER_JOB_KIND)
def webhook_deliver_job(job: Job) -> dict[str, Any]:
    """The first attempt of a delivery (or a replay); failures are retried by ``deliver_due``."""
    attempt = webhook_delivery_attempt(delivery_id=job.payload["delivery_id"])
    if attempt is None:
        return {"attempted": False}
    return {"attempted": True, "status_code": attempt.status_code, "succeeded": attempt.succeeded}


@shared_task(name="relais.webhooks.deliver_due", ignore_result=True)
def deliver_due() -> int:
    """Celery beat, every minute: the retries that are due."""
    return webhook_deliveries_due()
