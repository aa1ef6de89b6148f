"""Scoring a declaration: the points its lines and its quality earn in every running challenge it overlaps.

Lines are posted as provisional points when the declaration is submitted and confirmed once it is reviewed;
rejected lines give their points back by new entries. Each challenge is scored in its own transaction, under
the challenge lock, then the account lock (``relais.incentives.locks``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Role, User
from relais.core.jobs import job_enqueue
from relais.core.models import Job
from relais.incentives import locks
from relais.incentives.models import Challenge, ChallengeRule, PointsAccount, PointsEntry, RuleKind
from relais.incentives.reasons import Reason, reason_fields
from relais.incentives.rules import (
    REVIEWED,
    QualityFacts,
    QualityTally,
    challenge_is_partner_eligible,
    line_chunks,
    quality_points,
    score_line,
)
from relais.incentives.services.ledger import (
    Hold,
    challenge_points_move,
    points_confirm_locked,
    points_credit,
    points_hold,
    points_reverse,
)
from relais.sellout.models import Declaration, DeclarationLine

Kind = PointsEntry.Kind
EntryStatus = PointsEntry.Status


def challenge_score_declaration(
    *, declaration: Declaration, tier_factor: Decimal = Decimal(1)
) -> dict[int, dict[str, int]]:
    """Score a submitted or reviewed declaration in every running challenge whose period it overlaps.

    ``tier_factor`` multiplies the points of its lines: the partner's tier benefit in its channel program,
    read by ``relais.followups.programs`` and passed in as plain data (1 without a tier).

    Call it after ``declaration_submit`` and again after the review (validation) of the declaration, or
    enqueue the ``incentives_score`` job. It is idempotent: lines already scored are skipped; rejected lines
    have their points reversed; once the declaration is reviewed the points of accepted lines are confirmed
    and the quality bonus is posted. Returns per challenge: points posted, reversed, cut, confirmed.
    """
    declaration = Declaration.objects.get(pk=declaration.pk)
    if declaration.status == Declaration.Status.DRAFT:
        return {}
    challenges = Challenge.objects.filter(
        brand_id=declaration.brand_id,
        status=Challenge.Status.RUNNING,
        period_start__lte=declaration.period_end,
        period_end__gte=declaration.period_start,
    )
    results = {}
    for challenge in challenges:
        results[challenge.pk] = _score_for_challenge(challenge, declaration, tier_factor)
    return results


def score_enqueue(*, declaration: Declaration, tier_factor: Decimal | None = None) -> Job:
    """Schedule ``challenge_score_declaration`` as an ``incentives_score`` job, run after commit (with the
    partner's tier multiplier when the caller read one).

    The sell-out services call it after a declaration is submitted and after each review of its lines.
    """
    return job_enqueue(
        kind="incentives_score",
        payload={"declaration_id": declaration.pk}
        | ({} if tier_factor is None else {"tier_factor": str(tier_factor)}),
        brand=declaration.brand,
        partner=declaration.partner,
    )


@dataclass
class _Scoring:
    """One declaration scored in one challenge, under the challenge's and the account's locks."""

    challenge: Challenge
    declaration: Declaration
    account: PointsAccount
    rules: list[ChallengeRule]
    reviewed: bool
    seller_id: int | None
    expires_at: datetime
    hold: Hold  # the brand's holding period on what this scoring earns
    tier_factor: Decimal  # the partner's tier multiplier
    result: dict[str, int] = field(
        default_factory=lambda: {"posted": 0, "reversed": 0, "cut": 0, "confirmed": 0}
    )


@transaction.atomic
def _score_for_challenge(
    challenge: Challenge, declaration: Declaration, tier_factor: Decimal
) -> dict[str, int]:
    challenge = locks.lock_challenge(challenge.pk)
    if challenge.status != Challenge.Status.RUNNING or not challenge_is_partner_eligible(
        challenge=challenge, partner_id=declaration.partner_id
    ):
        return {"posted": 0, "reversed": 0, "cut": 0, "confirmed": 0}
    seller_id = _seller_id(challenge, declaration)
    scoring = _Scoring(
        challenge=challenge,
        declaration=declaration,
        account=locks.lock_account(
            brand_id=declaration.brand_id, partner_id=declaration.partner_id, user_id=seller_id
        ),
        rules=list(challenge.rules.filter(is_current=True)),
        reviewed=declaration.status in REVIEWED,
        seller_id=seller_id,
        expires_at=timezone.now() + timedelta(days=challenge.points_validity_days),
        hold=points_hold(brand_id=declaration.brand_id, now=timezone.now()),
        tier_factor=tier_factor,
    )
    tally = QualityTally()
    # Lines are scored a chunk at a time, so a declaration of a million lines holds a few thousand in memory.
    for lines in line_chunks(declaration, start=challenge.period_start, end=challenge.period_end):
        tally.add(lines)
        _score_chunk(scoring, lines)
    if scoring.reviewed:
        _quality_bonus_post(scoring, tally.facts(declaration))
    return scoring.result


def _seller_id(challenge: Challenge, declaration: Declaration) -> int | None:
    """The seller who earns the points of a seller challenge: the declaration's author, if a seller of it."""
    if challenge.beneficiary != Challenge.Beneficiary.SELLER or not declaration.created_by_id:
        return None
    seller = User.objects.filter(pk=declaration.created_by_id, partner_id=declaration.partner_id).first()
    return seller.pk if seller is not None and seller.role == Role.PARTNER_SELLER else None


def _score_chunk(scoring: _Scoring, lines: list[dict[str, Any]]) -> None:
    """Reverse, post and confirm the points of one chunk of lines (the caller holds the locks)."""
    challenge, declaration, account, result = (
        scoring.challenge,
        scoring.declaration,
        scoring.account,
        scoring.result,
    )
    ids = [line["id"] for line in lines]
    existing_keys = set(
        PointsEntry.objects.filter(
            brand_id=declaration.brand_id, challenge=challenge, line_id__in=ids
        ).values_list("idempotency_key", flat=True)
    )
    # 1. Rejected lines give their points back (by new entries).
    rejected_ids = [line["id"] for line in lines if line["status"] == DeclarationLine.Status.REJECTED]
    if rejected_ids:
        to_reverse = PointsEntry.objects.filter(
            challenge=challenge, line_id__in=rejected_ids, kind=Kind.EARN, reversals__isnull=True
        )
        for entry in to_reverse:
            reversal = points_reverse(entry=entry, reason=Reason("line_rejected"))
            result["reversed"] += -reversal.amount if reversal else 0
        account.refresh_from_db()
        challenge.refresh_from_db()

    # 2. New points for lines not yet scored.
    new_entries, cut = _new_entries(scoring, lines, existing_keys)
    if new_entries:
        PointsEntry.objects.bulk_create(new_entries, batch_size=500)
        total = sum(e.amount for e in new_entries)
        account.balance += total
        account.provisional += sum(e.amount for e in new_entries if e.status == EntryStatus.PROVISIONAL)
        account.save(update_fields=["balance", "provisional", "updated_at"])
        result["posted"] += total
        challenge_points_move(challenge, declaration.partner_id, total, cut=cut)
    elif cut:
        challenge_points_move(challenge, declaration.partner_id, 0, cut=cut)
    result["cut"] += cut

    if scoring.reviewed:
        # 3. Accepted lines can no longer be rejected: their points are confirmed.
        accepted_ids = [line["id"] for line in lines if line["status"] == DeclarationLine.Status.ACCEPTED]
        result["confirmed"] += points_confirm_locked(
            account,
            PointsEntry.objects.filter(
                challenge=challenge, declaration=declaration, line_id__in=accepted_ids
            ),
        )


def _new_entries(
    scoring: _Scoring, lines: list[dict[str, Any]], existing_keys: set[str]
) -> tuple[list[PointsEntry], int]:
    """The earn entries of the lines not scored yet, within what is left of the budget; and the points cut."""
    challenge, declaration = scoring.challenge, scoring.declaration
    new_entries: list[PointsEntry] = []
    budget_left = challenge.budget_left
    cut = 0
    for line in lines:
        if line["status"] == DeclarationLine.Status.REJECTED:
            continue
        status = (
            EntryStatus.CONFIRMED
            if scoring.reviewed and line["status"] == DeclarationLine.Status.ACCEPTED
            else EntryStatus.PROVISIONAL
        )
        for award in score_line(scoring.rules, line, tier_factor=scoring.tier_factor):
            key = f"earn:c{challenge.pk}:r{award.rule.key}:l{line['id']}"
            if key in existing_keys:
                continue
            amount = award.points
            reason = Reason("line_rule", {"rule_kind": award.rule.kind, "line": line["id"]})
            if award.factor != 1:
                reason = reason.adding(factor=str(award.factor.normalize()))
            if budget_left is not None and amount > budget_left:
                cut += amount - budget_left
                reason = reason.adding(cut=amount - budget_left, asked=amount)
                amount = budget_left
            if amount <= 0:
                continue
            if budget_left is not None:
                budget_left -= amount
            new_entries.append(
                PointsEntry(
                    brand_id=declaration.brand_id,
                    account=scoring.account,
                    partner_id=declaration.partner_id,
                    user_id=scoring.seller_id,
                    challenge=challenge,
                    rule=award.rule,
                    declaration=declaration,
                    line_id=line["id"],
                    amount=amount,
                    remaining=amount,
                    kind=Kind.EARN,
                    **reason_fields(reason),
                    idempotency_key=key,
                    status=status,
                    expires_at=scoring.expires_at,
                    available_at=scoring.hold.available_at,
                    awaits_reconciliation=scoring.hold.awaits_reconciliation,
                )
            )
    return new_entries, cut


def _quality_bonus_post(scoring: _Scoring, facts: QualityFacts) -> None:
    """The quality bonus of a reviewed declaration, once per declaration and quality rule."""
    challenge, declaration = scoring.challenge, scoring.declaration
    for rule in scoring.rules:
        if rule.kind != RuleKind.QUALITY_BONUS:
            continue
        key = f"quality:c{challenge.pk}:r{rule.key}:d{declaration.pk}"
        if PointsEntry.objects.filter(brand_id=declaration.brand_id, idempotency_key=key).exists():
            continue
        points, met = quality_points(rule, facts)
        if points <= 0:
            continue
        bonus = points_credit(
            brand=declaration.brand,
            partner=declaration.partner,
            user=scoring.account.user,
            amount=points,
            kind=Kind.EARN,
            reason=Reason("quality_bonus", {"met": list(met)}),
            idempotency_key=key,
            challenge=challenge,
            rule=rule,
            declaration=declaration,
            expires_at=scoring.expires_at,
        )
        if bonus is not None:
            scoring.result["posted"] += bonus.amount
