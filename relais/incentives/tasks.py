"""Background work of the incentives domain: its job handlers (found at start-up in every app's ``tasks``
module) and its periodic task (Celery beat in production, ``manage.py expire_points`` elsewhere).

No job frees held points: a lot's holding is read from its own ``available_at`` when points are spent or
shown, so it is available the moment its date passes; lots held until reconciliation wait for
``points_release``, called by the reconciliation."""

from decimal import Decimal
from typing import Any

from celery import shared_task

from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Brand, Job
from relais.incentives.services import challenge_score_declaration, points_expire
from relais.sellout.models import Declaration


@job_handler("incentives_score")
def incentives_score_job(job: Job) -> dict[str, Any]:
    """Score a declaration in the running challenges: payload ``{"declaration_id": n}`` (``score_enqueue``)."""
    declaration = Declaration.objects.get(pk=job.payload["declaration_id"], brand_id=_job_brand_id(job))
    results = challenge_score_declaration(
        declaration=declaration, tier_factor=Decimal(job.payload.get("tier_factor", "1"))
    )
    return {"challenges": {str(k): v for k, v in results.items()}}


@job_handler("incentives_expire")
def incentives_expire_job(job: Job) -> dict[str, Any]:
    """Expire one brand's lots past their date (``brand`` set on the job)."""
    brand = Brand.objects.get(pk=_job_brand_id(job))
    return {"expired": points_expire(brand=brand)}


def _job_brand_id(job: Job) -> int:
    if job.brand_id is None:
        raise ValueError(f"a {job.kind} job needs a brand")
    return job.brand_id


@shared_task(name="relais.incentives.expire_points", ignore_result=True)
def expire_points_every_brand() -> int:
    """Enqueue the ``incentives_expire`` job of every active brand."""
    return job_enqueue_every_brand(kind="incentives_expire")
