"""Background work of the sell-out domain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from relais.core.jobs import job_handler
from relais.core.models import Job
from relais.sellout.models import SelloutImport


@job_handler("sellout_import")
def sellout_import_job(job: Job) -> dict[str, Any]:
    """Run a confirmed file import; the summary becomes the job's result."""
    from relais.sellout.services import sellout_import_run

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
