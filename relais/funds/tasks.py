"""Background work of the funds domain: the nightly accrual of every budget on the validated sell-out, and
the expiry of what is left once a budget's period is over (Celery beat in production, or ``run_jobs``).

Both are idempotent: a rerun accrues nothing twice and expires only what was freed since."""

from typing import Any

from celery import shared_task
from django.utils import timezone

from relais.core.jobs import job_enqueue_every_brand, job_handler
from relais.core.models import Job
from relais.funds.models import FundBudget
from relais.funds.services import allocation_accrue, budget_expire


def _brand_budgets(job: Job) -> list[FundBudget]:
    if job.brand_id is None:
        raise ValueError(f"a {job.kind} job needs a brand")
    return list(FundBudget.objects.filter(brand_id=job.brand_id).order_by("pk"))


@job_handler("funds_accrue")
def funds_accrue_job(job: Job) -> dict[str, Any]:
    """Accrue every budget of the job's brand (the nightly run), or only the allocations of the job's partner
    (queued by the follow-ups after its sell-out was counted or reviewed). Entries posted: accruals, and
    reversals of sell-out no longer validated."""
    partner_ids = [job.partner_id] if job.partner_id is not None else None
    credited = sum(
        len(allocation_accrue(budget=budget, partner_ids=partner_ids)) for budget in _brand_budgets(job)
    )
    return {"credited": credited}


@job_handler("funds_expire")
def funds_expire_job(job: Job) -> dict[str, Any]:
    """Expire what is left in the allocations of the job's brand's budgets whose period is over."""
    today = timezone.localdate()
    expired = sum(len(budget_expire(budget=budget, today=today)) for budget in _brand_budgets(job))
    return {"expired": expired}


@shared_task(name="relais.funds.accrue_and_expire", ignore_result=True)
def accrue_and_expire() -> int:
    """Nightly: one accrual job and one expiry job per active brand."""
    return job_enqueue_every_brand(kind="funds_accrue") + job_enqueue_every_brand(kind="funds_expire")
