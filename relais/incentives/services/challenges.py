"""Challenges: their life (draft → scheduled → running → closed), their versioned rules, and the closing that
posts the objective bonuses and confirms what the reviews have settled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives import locks
from relais.incentives.models import Challenge, ChallengeRule, PointsEntry, RuleKind
from relais.incentives.reasons import Reason
from relais.incentives.rules import (
    QUALITY_SHARES_DEFAULT,
    REVIEWED,
    ObjectiveAttainment,
    challenge_is_partner_eligible,
    objective_tier_points,
    segments_check,
)
from relais.incentives.services.ledger import points_confirm_locked, points_credit
from relais.network.models import PartnerCompany, Segment
from relais.sellout.models import DeclarationLine

Kind = PointsEntry.Kind
EntryStatus = PointsEntry.Status


@transaction.atomic
def challenge_create(
    *,
    brand: Brand,
    name: str,
    period_start: date,
    period_end: date,
    description: str = "",
    budget_points: int | None = None,
    beneficiary: str = Challenge.Beneficiary.PARTNER,
    segments: list[Segment] | None = None,
    points_validity_days: int = 365,
    created_by: User | None = None,
) -> Challenge:
    """Create a challenge in draft."""
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    challenge = Challenge.objects.create(
        brand=brand,
        name=name,
        description=description,
        period_start=period_start,
        period_end=period_end,
        budget_points=budget_points,
        beneficiary=beneficiary,
        points_validity_days=points_validity_days,
        created_by=created_by,
    )
    if segments:
        segments_check(brand=brand, segments=segments)
        challenge.segments.set(segments)
    return challenge


@transaction.atomic
def challenge_update(
    *,
    challenge: Challenge,
    name: str,
    description: str,
    period_start: date,
    period_end: date,
    budget_points: int | None,
    beneficiary: str,
    segments: list[Segment],
    points_validity_days: int,
) -> Challenge:
    """Edit a challenge. Once running, its period and beneficiary are fixed; a budget cannot go below
    what was already posted."""
    challenge = locks.lock_challenge(challenge.pk)
    if challenge.status == Challenge.Status.CLOSED:
        raise ApplicationError(_("A closed challenge cannot be edited."))
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    if challenge.status == Challenge.Status.RUNNING and (
        period_start != challenge.period_start
        or period_end != challenge.period_end
        or beneficiary != challenge.beneficiary
    ):
        raise ApplicationError(_("The period and the beneficiary of a running challenge cannot change."))
    if budget_points is not None and budget_points < challenge.points_posted:
        raise ApplicationError(
            _("The budget cannot be lower than the %(posted)s points already posted.")
            % {"posted": challenge.points_posted}
        )
    segments_check(brand=challenge.brand, segments=segments)
    challenge.name = name
    challenge.description = description
    challenge.period_start = period_start
    challenge.period_end = period_end
    challenge.budget_points = budget_points
    challenge.beneficiary = beneficiary
    challenge.points_validity_days = points_validity_days
    challenge.save()
    challenge.segments.set(segments)
    return challenge


_TRANSITIONS = {
    Challenge.Status.DRAFT: {Challenge.Status.SCHEDULED, Challenge.Status.RUNNING},
    Challenge.Status.SCHEDULED: {Challenge.Status.DRAFT, Challenge.Status.RUNNING},
    Challenge.Status.RUNNING: {Challenge.Status.CLOSED},
    Challenge.Status.CLOSED: set(),
}


@transaction.atomic
def challenge_set_status(*, challenge: Challenge, status: str) -> Challenge:
    """Move a challenge along draft → scheduled → running (closing goes through ``challenge_close``)."""
    challenge = locks.lock_challenge(challenge.pk)
    if status == Challenge.Status.CLOSED:
        raise ApplicationError(_("Close the challenge with its closing action."))
    if status not in _TRANSITIONS[Challenge.Status(challenge.status)]:
        raise ApplicationError(
            _("A %(current)s challenge cannot become %(next)s.")
            % {"current": challenge.get_status_display(), "next": Challenge.Status(status).label}
        )
    if (
        status in {Challenge.Status.SCHEDULED, Challenge.Status.RUNNING}
        and not challenge.rules.filter(is_current=True).exists()
    ):
        raise ApplicationError(_("Add at least one rule first."))
    challenge.status = status
    challenge.save(update_fields=["status", "updated_at"])
    return challenge


def _rule_clean(*, kind: str, points: Decimal, factor: Decimal, params: dict[str, Any]) -> dict[str, Any]:
    if kind not in RuleKind.values:
        raise ApplicationError(_("Unknown rule kind."))
    if kind == RuleKind.MULTIPLIER:
        if factor <= 0:
            raise ApplicationError(_("A multiplier must be positive."))
    elif kind != RuleKind.OBJECTIVE_BONUS and points <= 0:
        raise ApplicationError(_("The rule must give a positive number of points."))
    params = dict(params or {})
    if kind == RuleKind.OBJECTIVE_BONUS:
        tiers = params.get("tiers") or []
        try:
            cleaned = sorted((float(t), int(p)) for t, p in tiers)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(_("Tiers are pairs of attainment percent and points.")) from exc
        if not cleaned or any(t <= 0 or p <= 0 for t, p in cleaned):
            raise ApplicationError(_("Give at least one tier with a positive percent and points."))
        params["tiers"] = [[t, p] for t, p in cleaned]
    if kind == RuleKind.QUALITY_BONUS:
        shares = {**QUALITY_SHARES_DEFAULT, **(params.get("shares") or {})}
        if (
            any(Decimal(str(v)) < 0 for v in shares.values())
            or sum(Decimal(str(v)) for v in shares.values()) > 100
        ):
            raise ApplicationError(_("Quality shares are percents adding up to at most 100."))
        params["shares"] = shares
        params["on_time_days"] = int(params.get("on_time_days", 10))
    return params


@transaction.atomic
def challenge_rule_add(
    *,
    challenge: Challenge,
    kind: str,
    points: Decimal = Decimal(0),
    factor: Decimal = Decimal(1),
    channel: str = "",
    product_gtins: list[str] | None = None,
    families: list[str] | None = None,
    params: dict[str, Any] | None = None,
    created_by: User | None = None,
) -> ChallengeRule:
    """Add a rule (version 1 of a new rule key)."""
    challenge = locks.lock_challenge(challenge.pk)
    if challenge.status == Challenge.Status.CLOSED:
        raise ApplicationError(_("A closed challenge cannot be edited."))
    params = _rule_clean(kind=kind, points=Decimal(points), factor=Decimal(factor), params=params or {})
    last_key = challenge.rules.order_by("-key").values_list("key", flat=True).first() or 0
    return ChallengeRule.objects.create(
        challenge=challenge,
        key=last_key + 1,
        version=1,
        kind=kind,
        points=points,
        factor=factor,
        channel=channel,
        product_gtins=list(product_gtins or []),
        families=list(families or []),
        params=params,
        created_by=created_by,
    )


@transaction.atomic
def challenge_rule_update(
    *,
    rule: ChallengeRule,
    points: Decimal,
    factor: Decimal = Decimal(1),
    channel: str = "",
    product_gtins: list[str] | None = None,
    families: list[str] | None = None,
    params: dict[str, Any] | None = None,
    created_by: User | None = None,
) -> ChallengeRule:
    """Edit a rule. A version that points were posted with stays as it is: the edit becomes version n+1 and
    only lines scored from now on use it. A version nothing was posted with is edited in place."""
    challenge = locks.lock_challenge(rule.challenge_id)
    if challenge.status == Challenge.Status.CLOSED:
        raise ApplicationError(_("A closed challenge cannot be edited."))
    rule = ChallengeRule.objects.get(pk=rule.pk)
    if not rule.is_current:
        raise ApplicationError(_("Only the current version of a rule can be edited."))
    params = _rule_clean(kind=rule.kind, points=Decimal(points), factor=Decimal(factor), params=params or {})
    values = {
        "points": points,
        "factor": factor,
        "channel": channel,
        "product_gtins": list(product_gtins or []),
        "families": list(families or []),
        "params": params,
    }
    if not rule.entries.exists():
        for field, value in values.items():
            setattr(rule, field, value)
        rule.save()
        return rule
    ChallengeRule.objects.filter(pk=rule.pk).update(is_current=False, superseded_at=timezone.now())
    return ChallengeRule.objects.create(
        challenge=challenge,
        key=rule.key,
        version=rule.version + 1,
        kind=rule.kind,
        created_by=created_by,
        **values,
    )


@transaction.atomic
def challenge_rule_remove(*, rule: ChallengeRule) -> None:
    """Stop applying a rule. Versions with posted points are kept (retired), unused ones deleted."""
    locks.lock_challenge(rule.challenge_id)
    if rule.entries.exists() or rule.challenge.rules.filter(key=rule.key).exclude(pk=rule.pk).exists():
        ChallengeRule.objects.filter(pk=rule.pk).update(is_current=False, superseded_at=timezone.now())
    else:
        rule.delete()


def challenge_close(*, challenge: Challenge, objectives: Sequence[ObjectiveAttainment]) -> dict[str, int]:
    """Close a running challenge: post the objective attainment bonuses (tiers) and confirm the points of
    reviewed declarations. Lines of declarations still under review stay provisional until their review.

    ``objectives`` are the partners' objectives of the challenge's period with their attainment: the
    programs' account objectives, read by ``relais.followups.programs.challenge_close`` (the entry point).
    """
    with transaction.atomic():
        challenge = locks.lock_challenge(challenge.pk)
        if challenge.status != Challenge.Status.RUNNING:
            raise ApplicationError(_("Only a running challenge can be closed."))
        result = {"bonus_points": 0, "bonuses": 0, "confirmed": 0}
        bonus_rules = list(challenge.rules.filter(is_current=True, kind=RuleKind.OBJECTIVE_BONUS))
        partners = PartnerCompany.objects.filter(brand_id=challenge.brand_id).in_bulk(
            {o.partner_id for o in objectives}
        )
        expires_at = timezone.now() + timedelta(days=challenge.points_validity_days)
        for objective in objectives:
            if objective.partner_id not in partners or not challenge_is_partner_eligible(
                challenge=challenge, partner_id=objective.partner_id
            ):
                continue
            attainment = objective.attainment_percent
            for rule in bonus_rules:
                points, tier = objective_tier_points(rule, attainment)
                if points <= 0:
                    continue
                entry = points_credit(
                    brand=challenge.brand,
                    partner=partners[objective.partner_id],
                    amount=points,
                    kind=Kind.EARN,
                    reason=Reason(
                        "objective_bonus",
                        {"metric": objective.metric, "pct": attainment, "tier": tier},
                    ),
                    idempotency_key=f"objective:c{challenge.pk}:r{rule.key}:a{objective.objective_id}",
                    challenge=challenge,
                    rule=rule,
                    expires_at=expires_at,
                )
                if entry is None:
                    continue  # budget spent: counted in points_cut
                result["bonus_points"] += entry.amount
                result["bonuses"] += 1
        # Confirm what reviews have settled.
        provisional = PointsEntry.objects.filter(challenge=challenge, status=EntryStatus.PROVISIONAL)
        for account_id in set(provisional.values_list("account_id", flat=True)):
            account = locks.lock_account_by_id(account_id)
            result["confirmed"] += points_confirm_locked(
                account,
                provisional.filter(
                    declaration__status__in=REVIEWED,
                    line__status=DeclarationLine.Status.ACCEPTED,
                ),
            )
        Challenge.objects.filter(pk=challenge.pk).update(
            status=Challenge.Status.CLOSED, closed_at=timezone.now()
        )
    return result
