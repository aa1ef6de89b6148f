"""After training: a completion earns the module's points through the ledger (once), and the certifications
that expire soon get their renewal reminder through communications.

Training sits below incentives and communications, so it neither posts points nor sends messages; the entry
points (the module page, the daily command) call these workflows, which call the training service and then
its consequences.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from relais.accounts.models import User
from relais.comms.services import notification_send
from relais.core.models import Brand
from relais.incentives.models import PointsEntry
from relais.incentives.reasons import Reason
from relais.incentives.services.ledger import points_credit
from relais.training import demo as training_demo
from relais.training import selectors as training_selectors
from relais.training import services as training
from relais.training.models import CertificationAward, Completion, TrainingModule


def completion_idempotency_key(completion: Completion) -> str:
    """One completion, one credit: the key of its ledger entry."""
    return f"training-completion-{completion.pk}"


def completion_credit(*, completion: Completion) -> PointsEntry | None:
    """Post the module's points for a completion (none when the module gives none). Idempotent: the same
    completion never credits twice, whatever the retries and the calls."""
    module = completion.module
    if not module.points:
        return None
    return points_credit(
        brand=module.brand,
        partner=completion.partner,
        amount=module.points,
        kind=PointsEntry.Kind.EARN,
        reason=Reason("training_completed", {"module": module.title}),
        idempotency_key=completion_idempotency_key(completion),
        user=completion.user,
    )


@transaction.atomic
def module_attempt(
    *, module: TrainingModule, user: User, answers: Mapping[Any, Sequence[Any]]
) -> training.AttemptOutcome:
    """A partner user's try at a module's quiz: scored and recorded by training, then, when it is passed,
    the completion's points (once per completion)."""
    outcome = training.attempt_submit(module=module, user=user, answers=answers)
    if outcome.attempt.passed and outcome.completion is not None:
        completion_credit(completion=outcome.completion)
    return outcome


@transaction.atomic
def certification_reminders_send(*, today: dt.date | None = None) -> int:
    """The daily run: tell each holder of a certification expiring within 30 days (not renewed, not told
    yet), one notification per certification and expiry date; returns how many holders were told."""
    awards = training_selectors.awards_expiring(today=today)
    groups: dict[tuple[int, int, dt.date], list[CertificationAward]] = defaultdict(list)
    for award in awards:
        groups[(award.brand_id, award.certification_id, award.expires_on)].append(award)
    told = 0
    for (_brand_id, _certification_id, expires_on), members in sorted(groups.items()):
        first = members[0]
        notification_send(
            brand=first.brand,
            kind="certification_expiring",
            users=[a.user for a in members],
            params={"certification": first.certification.name, "expires_on": expires_on.isoformat()},
        )
        told += training.awards_mark_reminded(award_ids=[a.pk for a in members])
    return told


def demo_load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """The training demo (``relais.training.demo``), then the points of its completions through the ledger,
    as a completion on the module page would have posted them."""
    counts = dict(training_demo.load(brand=brand, rng=rng))
    completions = Completion.objects.filter(brand=brand, module__points__gt=0).select_related(
        "module__brand", "partner", "user"
    )
    counts["training points credits"] = sum(
        1
        for completion in completions.order_by("completed_at", "id")
        if completion_credit(completion=completion)
    )
    return counts
