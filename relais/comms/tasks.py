"""Background work of communications: the sending job, and the periodic dispatch of scheduled campaigns
and declaration reminders (Celery beat in production, ``manage.py send_reminders`` from cron elsewhere)."""

from typing import Any

from celery import shared_task

from relais.comms.models import Message
from relais.comms.services import SEND_JOB_KIND, campaigns_dispatch_due, message_deliver, reminders_send
from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Brand, Job

REMINDERS_JOB_KIND = "comms_reminders"


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
