"""Background work that spans domains: each job kind's handler, and the periodic tasks that enqueue them."""

from __future__ import annotations

from celery import shared_task

from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Brand, Job
from relais.followups.network import network_refresh


@job_handler("network_refresh")
def network_refresh_job(job: Job) -> dict[str, int]:
    """The nightly network pass of one brand (``network_refresh``)."""
    return network_refresh(brand=Brand.objects.get(pk=job.brand_id))


# The Celery name is kept from when this lived in relais.network (config/celery.py's beat schedule uses it).
@shared_task(name="relais.network.refresh_every_brand", ignore_result=True)
def network_refresh_every_brand() -> int:
    """Enqueue the nightly ``network_refresh`` job (tiers, then segments) of every active brand."""
    return job_enqueue_every_brand(kind="network_refresh")
