"""Background work of the promotions domain: the extra points of a counted declaration."""

from typing import Any

from relais.core.jobs import job_handler
from relais.core.models import Job
from relais.promotions.services import POINTS_JOB_KIND, promotion_points_post
from relais.sellout.models import Declaration


@job_handler(POINTS_JOB_KIND)
def promotions_points_job(job: Job) -> dict[str, Any]:
    """Post a declaration's promotion points: payload ``{"declaration_id": n}`` (``promotion_points_enqueue``)."""
    if job.brand_id is None:
        raise ValueError(f"a {job.kind} job needs a brand")
    declaration = Declaration.objects.get(pk=job.payload["declaration_id"], brand_id=job.brand_id)
    return {"promotions": {str(k): v for k, v in promotion_points_post(declaration=declaration).items()}}
