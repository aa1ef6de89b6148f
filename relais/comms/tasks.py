"""Background work of communications: the sending job, and the periodic dispatch of scheduled campaigns
and declaration reminders (Celery beat in production, ``manage.py send_reminders`` from cron elsewhere)."""

from typing import Any

from celery import shared_task

from relais.comms.models import EmailFrequency, Message
from relais.comms.services import (
    SEND_JOB_KIND,
    campaigns_dispatch_due,
    digests_send,
    message_deliver,
    reminders_send,
)
from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Brand, Job

REMINDERS_JOB_KIND = "comms_reminders"
DIGESTS_JOB_KIND = "comms_digests"


@job_handler(SEND_JOB_KIND)
def comms_send_job(job: Job) -> dict[str, Any]:
    """Deliver one message: payload ``{"message_id": n}``; run again, it sends only what is left."""
    message = Message.objects.select_related("brand").get(
        pk=job.payload["message_id"], brand_id=_brand_id(job)
    )
    return message_deliver(message=message, job=job)


@job_handler(REMINDERS_JOB_KIND)
def comms_reminders_job(job: Job) -> dict[str, Any]:
    """One brand's declaration reminders due today (``brand`` set on the job)."""
    return reminders_send(brand=Brand.objects.get(pk=_brand_id(job)))


@job_handler(DIGESTS_JOB_KIND)
def comms_digests_job(job: Job) -> dict[str, Any]:
    """One brand's digests: yesterday's daily ones, and last week's weekly ones (each period once, so a
    daily run sends the weekly digest on the first run of the week and nothing the other days)."""
    brand = Brand.objects.get(pk=_brand_id(job))
    return {
        frequency: digests_send(brand=brand, frequency=frequency)
        for frequency in (EmailFrequency.DAILY, EmailFrequency.WEEKLY)
    }


def _brand_id(job: Job) -> int:
    if job.brand_id is None:
        raise ValueError(f"a {job.kind} job needs a brand")
    return job.brand_id


@shared_task(name="relais.comms.dispatch", ignore_result=True)
def dispatch_scheduled_campaigns() -> int:
    """Start the scheduled campaigns whose time has come (every few minutes)."""
    return campaigns_dispatch_due()


@shared_task(name="relais.comms.reminders", ignore_result=True)
def send_reminders_every_brand() -> int:
    """Enqueue the reminders job of every active brand (daily)."""
    return job_enqueue_every_brand(kind=REMINDERS_JOB_KIND)


@shared_task(name="relais.comms.digests", ignore_result=True)
def send_digests_every_brand() -> int:
    """Enqueue the digests job of every active brand (daily, early morning)."""
    return job_enqueue_every_brand(kind=DIGESTS_JOB_KIND)
