"""Scoring a declaration: the points its lines and its quality earn in every running challenge it overlaps.

Lines are posted as provisional points when the declaration is submitted and confirmed once it is reviewed;
rejected lines give their points back by new entries. Each challenge is scored in its own transaction, under
the challenge lock, then the account lock (``relais.incentives.locks``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import Role, User
from relais.core.jobs import job_enqueue
from relais.core.models import Job
from relais.incentives import locks
from relais.incentives.models import Challenge, ChallengeRule, PointsAccount, PointsEntry, RuleKind
from relais.incentives.rules import (
    REVIEWED,
    QualityTally,
    challenge_is_partner_eligible,
    line_chunks,
    quality_points,
    score_line,
)
from relais.incentives.services.ledger import (
    challenge_points_move,
    points_confirm_locked,
    points_credit,
    points_reverse,
)
from relais.sellout.models import Declaration, DeclarationLine

Kind = PointsEntry.Kind
EntryStatus = PointsEntry.Status


def challenge_score_declaration(*, declaration: Declaration) -> dict[int, dict[str, int]]:
    """Score a submitted or reviewed declaration in every running challenge whose period it overlaps.

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
        results[challenge.pk] = _score_for_challenge(challenge, declaration)
    return results


def score_enqueue(*, declaration: Declaration) -> Job:
    """Schedule ``challenge_score_declaration`` as an ``incentives_score`` job, run after commit.

    The sell-out services call it after a declaration is submitted and after each review of its lines.
    """
    return job_enqueue(
        kind="incentives_score",
        payload={"declaration_id": declaration.pk},
        brand=declaration.brand,
        partner=declaration.partner,
    )


def _score_chunk(
    challenge: Challenge,
    declaration: Declaration,
    account: PointsAccount,
    rules: list[ChallengeRule],
    lines: list[dict[str, Any]],
    reviewed: bool,
    seller_id: int | None,
    expires_at: datetime,
    result: dict[str, int],
) -> None:
    """Reverse, post and confirm the points of one chunk of lines (the caller holds the locks)."""
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
            reversal = points_reverse(entry=entry, reason=_("Line rejected by the brand"))
            result["reversed"] += -reversal.amount if reversal else 0
        account.refresh_from_db()
        challenge.refresh_from_db()

    # 2. New points for lines not yet scored.
    new_entries: list[PointsEntry] = []
    budget_left = challenge.budget_left
    cut = 0
    for line in lines:
        if line["status"] == DeclarationLine.Status.REJECTED:
            continue
        status = (
            EntryStatus.CONFIRMED
            if reviewed and line["status"] == DeclarationLine.Status.ACCEPTED
            else EntryStatus.PROVISIONAL
        )
        for award in score_line(rules, line):
            key = f"earn:c{challenge.pk}:r{award.rule.key}:l{line['id']}"
            if key in existing_keys:
                continue
            amount = award.points
            reason = _("%(rule)s on line %(line)s") % {
                "rule": award.rule.get_kind_display(),
                "line": line["id"],
            }
            if award.factor != 1:
                reason += _(" (× %(factor)s)") % {"factor": award.factor.normalize()}
            if budget_left is not None and amount > budget_left:
                cut += amount - budget_left
                reason += _(" — cut by the challenge budget: %(cut)s of %(asked)s points not posted") % {
                    "cut": amount - budget_left,
                    "asked": amount,
                }
                amount = budget_left
            if amount <= 0:
                continue
            if budget_left is not None:
                budget_left -= amount
            new_entries.append(
                PointsEntry(
                    brand_id=declaration.brand_id,
                    account=account,
                    partner_id=declaration.partner_id,
                    user_id=seller_id,
                    challenge=challenge,
                    rule=award.rule,
                    declaration=declaration,
                    line_id=line["id"],
                    amount=amount,
                    remaining=amount,
                    kind=Kind.EARN,
                    reason=reason[:300],
                    idempotency_key=key,
                    status=status,
                    expires_at=expires_at,
                )
            )
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

    if reviewed:
        # 3. Accepted lines can no longer be rejected: their points are confirmed.
        accepted_ids = [line["id"] for line in lines if line["status"] == DeclarationLine.Status.ACCEPTED]
        result["confirmed"] += points_confirm_locked(
            account,
            PointsEntry.objects.filter(
                challenge=challenge, declaration=declaration, line_id__in=accepted_ids
            ),
        )


@transaction.atomic
def _score_for_challenge(challenge: Challenge, declaration: Declaration) -> dict[str, int]:
    challenge = locks.lock_challenge(challenge.pk)
    result = {"posted": 0, "reversed": 0, "cut": 0, "confirmed": 0}
    if challenge.status != Challenge.Status.RUNNING:
        return result
    if not challenge_is_partner_eligible(challenge=challenge, partner_id=declaration.partner_id):
        return result
    seller_id = None
    if challenge.beneficiary == Challenge.Beneficiary.SELLER and declaration.created_by_id:
        seller = User.objects.filter(pk=declaration.created_by_id, partner_id=declaration.partner_id).first()
        if seller is not None and seller.role == Role.PARTNER_SELLER:
            seller_id = seller.pk
    account = locks.lock_account(
        brand_id=declaration.brand_id, partner_id=declaration.partner_id, user_id=seller_id
    )
    reviewed = declaration.status in REVIEWED
    rules = list(challenge.rules.filter(is_current=True))
    expires_at = timezone.now() + timedelta(days=challenge.points_validity_days)
    tally = QualityTally()
    # Lines are scored a chunk at a time, so a declaration of a million lines holds a few thousand in memory.
    for lines in line_chunks(declaration, start=challenge.period_start, end=challenge.period_end):
        tally.add(lines)
        _score_chunk(challenge, declaration, account, rules, lines, reviewed, seller_id, expires_at, result)

    if reviewed:
        # 4. The quality bonus, once per declaration and quality rule.
        facts = tally.facts(declaration)
        for rule in rules:
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
                user=account.user,
                amount=points,
                kind=Kind.EARN,
                reason=_("Declaration quality bonus (%(met)s)") % {"met": ", ".join(met)},
                idempotency_key=key,
                challenge=challenge,
                rule=rule,
                declaration=declaration,
                expires_at=expires_at,
            )
            if bonus is not None:
                result["posted"] += bonus.amount
    return result
