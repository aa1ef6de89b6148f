"""The per-program rollup of attainment by account: computed by a job from the sell-out frame (the same
``program_progress`` the live page used), one row per covered partner, so the brand's dashboard reads at most
a page of rows whatever the size of the network; the rows carry the time they were computed (the as-of).

Measured when the rollup was built (docs/programs.md): the live computation grows with the lines read,
the rollup page reads one indexed page of rows.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from relais.core.jobs import job_enqueue
from relais.core.models import Brand, Job
from relais.programs import selectors
from relais.programs.models import Program, ProgramStatus, ProgressRollup

# How long the channel's figures stay cached for one rollup (the nightly refresh changes the key anyway).
CHANNEL_CACHE_SECONDS = 24 * 3600


@transaction.atomic
def program_rollup_refresh(*, program: Program) -> int:
    """Recompute the program's rollup: the covered partners' measures and attainment now, replacing the
    previous rows in one transaction (a reader sees the old rollup or the new one, never half of each)."""
    progress = selectors.program_progress(program=program)
    assortment = selectors.program_assortment(program=program)
    account = [o for o in progress.objectives if o.get("level") == "account"]
    tier_objective = next((o for o in account if o["metric"] == "amount"), account[0] if account else None)
    now = timezone.now()
    rows = []
    for pid, m in progress.partners.items():
        attained = tier_objective["attainment_by_partner"].get(pid) if tier_objective else None
        rows.append(
            ProgressRollup(
                brand_id=program.brand_id,
                program=program,
                partner_id=pid,
                amount=float(m["amount"] or 0),
                units=int(m["units"] or 0),
                attainment=attained,
                reached=attained is not None and attained >= 100,
                measures={
                    "new_customers": m["new_customers"],
                    "repeat_share": m["repeat_share"],
                    "compliance": assortment["compliance"].get(pid),
                    "attainment": [o["attainment_by_partner"].get(pid) for o in account],
                },
                computed_at=now,
            )
        )
    ProgressRollup.objects.filter(program=program).delete()
    ProgressRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def program_rollup_enqueue(*, program: Program) -> Job:
    """Refresh the program's rollup in the background (after commit)."""
    return job_enqueue(kind="programs_rollup", payload={"program_id": program.pk}, brand=program.brand)


def brand_rollups_refresh(*, brand: Brand) -> int:
    """Refresh the rollup of every published program of the brand (the nightly job); programs refreshed."""
    programs = list(Program.objects.filter(brand=brand, status=ProgramStatus.PUBLISHED))
    for program in programs:
        program_rollup_refresh(program=program)
    return len(programs)


# --- reads ------------------------------------------------------------------------------------------------


def program_rollup_rows(*, program: Program) -> QuerySet[ProgressRollup]:
    """The rollup's rows of the program, by partner name (paginate them)."""
    return (
        ProgressRollup.objects.filter(program=program, brand_id=program.brand_id)
        .select_related("partner")
        .order_by("partner__name", "partner_id")
    )


def program_rollup_summary(*, program: Program) -> dict[str, Any]:
    """Accounts, accounts that reached their objective, mean attainment, amount, and the as-of time."""
    figures = ProgressRollup.objects.filter(program=program).aggregate(
        accounts=Count("id"),
        reached=Count("id", filter=Q(reached=True)),
        attainment=Avg("attainment"),
        amount=Sum("amount"),
        as_of=Max("computed_at"),
    )
    return {"program": program, **figures}


def program_channel_progress(*, program: Program) -> selectors.Progress:
    """The channel's measures and objectives (no per-partner rows). Once a rollup exists they are cached
    with it: the key holds the rollup's as-of and the program's (and base's) last change, so a refresh or an
    edit shows new figures at once. Without a rollup they are computed on each view."""
    as_of = ProgressRollup.objects.filter(program=program).aggregate(t=Max("computed_at"))["t"]
    if as_of is None:
        return selectors.program_progress(program=program, partner_ids=[])
    changed = max(program.updated_at, program.base.updated_at if program.base else program.updated_at)
    key = f"programs:channel:{program.pk}:{as_of.isoformat()}:{changed.isoformat()}"
    cached = cache.get(key)
    if cached is None:
        cached = selectors.program_progress(program=program, partner_ids=[])
        cache.set(key, cached, timeout=CHANNEL_CACHE_SECONDS)
    return cached


def program_family_rollups(*, program: Program) -> list[dict[str, Any]]:
    """The base program's summary and each of its segment programs', side by side (one query each)."""
    base = program.base or program
    family = [base, *Program.objects.filter(base=base).select_related("segment").order_by("name")]
    return [program_rollup_summary(program=p) for p in family]
