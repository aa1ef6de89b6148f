"""Background work of channel programs: the rollup of attainment by account (one program, or every
published program of a brand each night through ``relais.programs.refresh_rollups``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Brand, Job
from relais.programs.models import Program
from relais.programs.rollups import brand_rollups_refresh, program_rollup_refresh


@job_handler("programs_rollup")
def programs_rollup_job(job: Job) -> dict[str, Any]:
    """Refresh one program's rollup: payload ``{"program_id": n}``; without it every published program of
    the job's brand."""
    if job.brand_id is None:
        raise ValueError("a programs_rollup job needs a brand")
    if "program_id" in job.payload:
        program = Program.objects.get(pk=job.payload["program_id"], brand_id=job.brand_id)
        return {"accounts": program_rollup_refresh(program=program)}
    return {"programs": brand_rollups_refresh(brand=Brand.objects.get(pk=job.brand_id))}


@shared_task(name="relais.programs.refresh_rollups", ignore_result=True)
def refresh_rollups_every_brand() -> int:
    """Enqueue the ``programs_rollup`` job of every active brand (nightly)."""
    return job_enqueue_every_brand(kind="programs_rollup")
