"""Background work of the insights domain: the ``insights_rollup`` job (discovered at start-up, as every
app's ``tasks.py``). It is scheduled by ``rollup_enqueue`` and ``cube_refresh_enqueue`` (services)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relais.core.jobs import job_handler
from relais.core.models import Brand, Job
from relais.insights.services import (
    CUBE_ONLY,
    FEEDBACK_THEMES_JOB_KIND,
    ROLLUP_JOB_KIND,
    cube_refresh,
    feedback_themes_refresh,
    rollup_refresh,
)
from relais.network.models import PartnerCompany


@job_handler(ROLLUP_JOB_KIND)
def rollup_job(job: Job) -> dict[str, Any]:
    """The cube only (after segments or partner fields changed), or the rollups of a brand, partner, months."""
    payload = job.payload
    brand = Brand.objects.get(pk=payload["brand_id"])
    if payload.get(CUBE_ONLY):
        return cube_refresh(brand=brand, job=job)
    partner = None
    if payload.get("partner_id"):
        partner = PartnerCompany.objects.get(brand=brand, pk=payload["partner_id"])
    months = payload.get("months")
    return rollup_refresh(
        brand=brand,
        partner=partner,
        months=[dt.date.fromisoformat(m) for m in months] if months is not None else None,
        job=job,
    )


@job_handler(FEEDBACK_THEMES_JOB_KIND)
def feedback_themes_job(job: Job) -> dict[str, Any]:
    """Re-count a brand's comments by theme after its keyword lists changed."""
    return feedback_themes_refresh(brand=Brand.objects.get(pk=job.payload["brand_id"]), job=job)
