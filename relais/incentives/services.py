"""Writes of the incentives domain: challenges and their versioned rules, the points ledger, objectives,
rewards and redemption orders.

Ledger rules (see docs/incentives.md):
- entries are appended, never updated in amount nor deleted; a correction is a new entry;
- every entry is posted under the account's row lock, and the account balance moves in the same transaction;
- the idempotency key is unique per brand: posting the same key again returns the first entry;
- positive entries are lots; negative entries consume lots soonest-expiring first (``LotAllocation``);
- locks are taken challenge → account → reward (``relais.incentives.locks``).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue, job_handler
from relais.core.models import Brand, Job
from relais.incentives import leaderboard, locks, scoring
from relais.incentives.models import (
    Challenge,
    ChallengeRule,
    LeaderboardScore,
    LotAllocation,
    Objective,
    PointsAccount,
    PointsEntry,
    RedemptionOrder,
    Reward,
    RuleKind,
)
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine

if TYPE_CHECKING:
    from relais.accounts.models import User

Kind = PointsEntry.Kind
EntryStatus = PointsEntry.Status
REVIEWED = {Declaration.Status.VALIDATED, Declaration.Status.PARTLY_REJECTED}


# --------------------------------------------------------------------------------------------------------------
# Period helpers


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes covering the local dates ``start``..``end`` inclusive (end is exclusive)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def challenge_partner_segment_ids(*, challenge: Challenge, partner_id: int) -> list[int]:
    """The challenge's eligible segments the partner belonged to at some point of the challenge period."""
    start, end = period_bounds(challenge.period_start, challenge.period_end)
    return list(
        SegmentMembership.objects.filter(
            partner_id=partner_id,
            segment__in=challenge.segments.all(),
            valid_from__lt=end,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .values_list("segment_id", flat=True)
        .distinct()
    )


def challenge_is_partner_eligible(*, challenge: Challenge, partner_id: int) -> bool:
    """No eligible segments means every partner of the brand takes part."""
    if not challenge.segments.exists():
        return True
    return bool(challenge_partner_segment_ids(challenge=challenge, partner_id=partner_id))


# --------------------------------------------------------------------------------------------------------------
# Ledger core (callers hold the account lock, and the challenge lock first when a challenge is involved)


def _lots_fifo(account: PointsAccount, *, include_provisional: bool) -> QuerySet[PointsEntry]:
    qs = PointsEntry.objects.filter(account=account, remaining__gt=0)
    if not include_provisional:
        qs = qs.filter(status=EntryStatus.CONFIRMED)
    return qs.order_by(F("expires_at").asc(nulls_last=True), "id")


def _consume(
    account: PointsAccount,
    *,
    amount: int,
    first_lot: PointsEntry | None = None,
    include_provisional: bool = False,
) -> list[tuple[PointsEntry, int]]:
    """Plan which lots pay ``amount`` (or as much of it as the lots hold): ``first_lot`` first, then FIFO."""
    plan: list[tuple[PointsEntry, int]] = []
    left = amount
    candidates: list[PointsEntry] = []
    if first_lot is not None:
        first_lot.refresh_from_db(fields=["remaining", "status"])
        candidates.append(first_lot)
    for lot in candidates:
        if left and lot.remaining > 0:
            take = min(left, lot.remaining)
            plan.append((lot, take))
            left -= take
    if left:
        qs = _lots_fifo(account, include_provisional=include_provisional)
        if first_lot is not None:
            qs = qs.exclude(pk=first_lot.pk)
        for lot in qs.iterator(chunk_size=200):
            take = min(left, lot.remaining)
            plan.append((lot, take))
            left -= take
            if not left:
                break
    return plan


def _write_debit(
    account: PointsAccount, plan: list[tuple[PointsEntry, int]], **fields: Any
) -> PointsEntry | None:
    """Append the negative entry paid by ``plan`` and move the lots and the account with it."""
    total = sum(take for _lot, take in plan)
    if total <= 0:
        return None
    entry = PointsEntry.objects.create(
        brand_id=account.brand_id,
        account=account,
        partner_id=account.partner_id,
        amount=-total,
        remaining=0,
        status=EntryStatus.CONFIRMED,
        **fields,
    )
    provisional_used = 0
    allocations = []
    for lot, take in plan:
        PointsEntry.objects.filter(pk=lot.pk).update(remaining=F("remaining") - take)
        lot.remaining -= take
        if lot.status == EntryStatus.PROVISIONAL:
            provisional_used += take
        allocations.append(LotAllocation(debit=entry, lot=lot, amount=take))
    LotAllocation.objects.bulk_create(allocations)
    account.balance -= total
    account.provisional -= provisional_used
    account.save(update_fields=["balance", "provisional", "updated_at"])
    return entry


def _existing(brand_id: int, key: str) -> PointsEntry | None:
    return PointsEntry.objects.filter(brand_id=brand_id, idempotency_key=key).first()


def _leaderboard_add(challenge: Challenge, partner_id: int, delta: int) -> None:
    """Move the partner's score overall and in each of its eligible segments (challenge lock held)."""
    if not delta:
        return
    segment_ids: list[int | None] = [
        None,
        *challenge_partner_segment_ids(challenge=challenge, partner_id=partner_id),
    ]
    for segment_id in segment_ids:
        row = LeaderboardScore.objects.filter(
            challenge=challenge, segment_id=segment_id, partner_id=partner_id
        ).first()
        if row is None:
            LeaderboardScore.objects.create(
                challenge=challenge, segment_id=segment_id, partner_id=partner_id, score=delta
            )
            leaderboard.counts_move(challenge_id=challenge.pk, segment_id=segment_id, old=None, new=delta)
        else:
            LeaderboardScore.objects.filter(pk=row.pk).update(score=F("score") + delta)
            leaderboard.counts_move(
                challenge_id=challenge.pk, segment_id=segment_id, old=row.score, new=row.score + delta
            )


@transaction.atomic
def leaderboard_rebuild(*, challenge: Challenge) -> int:
    """Recompute the rank counts of a challenge's boards from their scores (repair tool, bulk loads)."""
    challenge = locks.lock_challenge(challenge.pk)
    scores: dict[int | None, list[int]] = defaultdict(list)
    for segment_id, score in LeaderboardScore.objects.filter(challenge=challenge).values_list(
        "segment_id", "score"
    ):
        scores[segment_id].append(score)
    leaderboard.counts_rebuild(challenge_id=challenge.pk, scores=scores)
    return sum(len(v) for v in scores.values())


def _challenge_move(challenge: Challenge, partner_id: int, delta: int, *, cut: int = 0) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(
        points_posted=F("points_posted") + delta, points_cut=F("points_cut") + cut
    )
    challenge.points_posted += delta
    challenge.points_cut += cut
    _leaderboard_add(challenge, partner_id, delta)


def _account_user_id(*, partner: PartnerCompany, user: User | None) -> int | None:
    """Sellers earn and spend on their own account; everyone else on the company's."""
    from relais.accounts.models import Role

    if user is not None and user.role == Role.PARTNER_SELLER and user.partner_id == partner.pk:
        return user.pk
    return None


@transaction.atomic
def points_credit(
    *,
    brand: Brand,
    partner: PartnerCompany,
    amount: int,
    kind: str,
    reason: str,
    idempotency_key: str,
    user: User | None = None,
    status: str = EntryStatus.CONFIRMED,
    expires_at: datetime | None = None,
    challenge: Challenge | None = None,
    rule: ChallengeRule | None = None,
    declaration: Declaration | None = None,
    created_by: User | None = None,
) -> PointsEntry | None:
    """Append a positive entry (a lot): an earn, a refund or a positive adjustment. Idempotent on the key.

    A challenge's credit never passes its budget: the amount is cut to what is left and the reason says so;
    when nothing is left, nothing is posted (None) and the cut is counted on the challenge.
    """
    if amount <= 0:
        raise ApplicationError(_("A credit must be a positive number of points."))
    if kind not in {Kind.EARN, Kind.REFUND, Kind.ADJUST}:
        raise ApplicationError(_("This kind of entry cannot credit points."))
    if challenge is not None:
        challenge = locks.lock_challenge(challenge.pk)
    account = locks.lock_account(
        brand_id=brand.pk, partner_id=partner.pk, user_id=_account_user_id(partner=partner, user=user)
    )
    existing = _existing(brand.pk, idempotency_key)
    if existing is not None:
        return existing
    cut = 0
    if challenge is not None and challenge.budget_left is not None and amount > challenge.budget_left:
        cut = amount - challenge.budget_left
        reason = _("%(reason)s (cut by the challenge budget: %(cut)s of %(asked)s points not posted)") % {
            "reason": reason,
            "cut": cut,
            "asked": amount,
        }
        amount = challenge.budget_left
        if amount <= 0:
            Challenge.objects.filter(pk=challenge.pk).update(points_cut=F("points_cut") + cut)
            return None
    entry = PointsEntry.objects.create(
        brand=brand,
        account=account,
        partner=partner,
        user=user,
        challenge=challenge,
        rule=rule,
        declaration=declaration,
        amount=amount,
        remaining=amount,
        kind=kind,
        reason=reason[:300],
        idempotency_key=idempotency_key,
        status=status,
        expires_at=expires_at,
        created_by=created_by,
    )
    account.balance += amount
    if status == EntryStatus.PROVISIONAL:
        account.provisional += amount
    account.save(update_fields=["balance", "provisional", "updated_at"])
    if challenge is not None:
        _challenge_move(challenge, partner.pk, amount, cut=cut)
    return entry


@transaction.atomic
def points_debit(
    *,
    brand: Brand,
    partner: PartnerCompany,
    amount: int,
    kind: str,
    reason: str,
    idempotency_key: str,
    user: User | None = None,
    created_by: User | None = None,
    order: RedemptionOrder | None = None,
) -> PointsEntry:
    """Append a negative entry (a redemption or a negative adjustment) paid from confirmed lots, soonest
    expiring first. Refused when the available (confirmed) balance does not cover it. Idempotent on the key.
    """
    if amount <= 0:
        raise ApplicationError(_("A debit must be a positive number of points."))
    if kind not in {Kind.REDEEM, Kind.ADJUST}:
        raise ApplicationError(_("This kind of entry cannot debit points."))
    account = locks.lock_account(
        brand_id=brand.pk, partner_id=partner.pk, user_id=_account_user_id(partner=partner, user=user)
    )
    existing = _existing(brand.pk, idempotency_key)
    if existing is not None:
        return existing
    return _debit_locked(
        account,
        amount=amount,
        kind=kind,
        reason=reason,
        idempotency_key=idempotency_key,
        user=user,
        created_by=created_by,
        order=order,
    )


def _debit_locked(account: PointsAccount, *, amount: int, **fields: Any) -> PointsEntry:
    _expire_locked(account, now=timezone.now())  # moves ``account`` in memory too
    if account.available < amount:
        raise ApplicationError(
            _("Not enough points: %(available)s available, %(asked)s asked.")
            % {"available": account.available, "asked": amount},
            extra={"code": "insufficient_points"},
        )
    plan = _consume(account, amount=amount)
    if sum(take for _lot, take in plan) != amount:  # the account and its lots disagree: never spend blind
        raise ApplicationError(_("The points account is inconsistent; nothing was spent."))
    entry = _write_debit(account, plan, **{**fields, "reason": fields["reason"][:300]})
    assert entry is not None
    return entry


@transaction.atomic
def points_reverse(*, entry: PointsEntry, reason: str, created_by: User | None = None) -> PointsEntry | None:
    """Cancel a credited entry by a new negative entry (never by editing it).

    The reversed lot pays first; if part of it was already spent, other lots pay the rest; if the account no
    longer holds enough, the reversal is cut to what it holds (said in the reason) so the balance stays ≥ 0.
    Returns None when there was nothing left to take back. Idempotent: a second call returns the first reversal.
    """
    if entry.amount <= 0:
        raise ApplicationError(_("Only credits can be reversed."))
    challenge = locks.lock_challenge(entry.challenge_id) if entry.challenge_id else None
    account = locks.lock_account_by_id(entry.account_id)
    key = f"reverse:{entry.pk}"
    existing = _existing(entry.brand_id, key)
    if existing is not None:
        return existing
    plan = _consume(account, amount=entry.amount, first_lot=entry, include_provisional=True)
    taken = sum(take for _lot, take in plan)
    if taken < entry.amount:
        reason = _("%(reason)s (only %(taken)s of %(amount)s points were left to take back)") % {
            "reason": reason,
            "taken": taken,
            "amount": entry.amount,
        }
    reversal = _write_debit(
        account,
        plan,
        kind=Kind.REVERSE,
        reason=reason[:300],
        idempotency_key=key,
        user_id=entry.user_id,
        challenge=challenge,
        rule_id=entry.rule_id,
        declaration_id=entry.declaration_id,
        line_id=entry.line_id,
        reversal_of=entry,
        created_by=created_by,
    )
    if entry.status == EntryStatus.PROVISIONAL:
        # Whatever remained provisional in the reversed lot is settled now: it will never be confirmed.
        lot = PointsEntry.objects.get(pk=entry.pk)
        account.provisional -= lot.remaining
        account.save(update_fields=["provisional", "updated_at"])
        PointsEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.CONFIRMED)
    if challenge is not None and taken:
        _challenge_move(challenge, entry.partner_id, -taken)
    return reversal


def _confirm_locked(account: PointsAccount, entries: QuerySet[PointsEntry]) -> int:
    rows = list(
        entries.filter(account=account, status=EntryStatus.PROVISIONAL).values_list("pk", "remaining")
    )
    if not rows:
        return 0
    PointsEntry.objects.filter(pk__in=[pk for pk, _r in rows]).update(status=EntryStatus.CONFIRMED)
    account.provisional -= sum(remaining for _pk, remaining in rows)
    account.save(update_fields=["provisional", "updated_at"])
    return len(rows)


@transaction.atomic
def points_confirm(*, account: PointsAccount, entries: QuerySet[PointsEntry]) -> int:
    """Confirm provisional lots of one account (their declaration can no longer be rejected)."""
    account = locks.lock_account_by_id(account.pk)
    return _confirm_locked(account, entries)


def points_expire(*, brand: Brand, now: datetime | None = None) -> int:
    """Post an ``expire`` entry for what is left of every confirmed lot past its expiry. Returns the points."""
    now = now or timezone.now()
    account_ids = (
        PointsEntry.objects.filter(
            brand=brand, remaining__gt=0, status=EntryStatus.CONFIRMED, expires_at__lte=now
        )
        .values_list("account_id", flat=True)
        .distinct()
    )
    total = 0
    for account_id in list(account_ids):
        with transaction.atomic():
            total += _expire_locked(locks.lock_account_by_id(account_id), now=now)
    return total


def _expire_locked(account: PointsAccount, *, now: datetime) -> int:
    """Expire what is left of the account's confirmed lots past their date (the caller holds its lock).

    Run by the daily job and before every debit, so a lot past its date is never spent even when the job
    has not run yet. Idempotent: the key names the lot and how much of it was already spent.
    """
    lots = PointsEntry.objects.filter(
        account=account, remaining__gt=0, status=EntryStatus.CONFIRMED, expires_at__lte=now
    ).order_by("expires_at", "id")
    total = 0
    for lot in lots:
        entry = _write_debit(
            account,
            [(lot, lot.remaining)],
            kind=Kind.EXPIRE,
            reason=_("Points expired on %(date)s") % {"date": lot.expires_at.date().isoformat()},  # type: ignore[union-attr]
            idempotency_key=f"expire:{lot.pk}:{lot.amount - lot.remaining}",
            user_id=lot.user_id,
            challenge_id=lot.challenge_id,
        )
        total += -entry.amount if entry else 0
    return total


@transaction.atomic
def points_adjust(
    *, brand: Brand, partner: PartnerCompany, amount: int, reason: str, idempotency_key: str, created_by: User
) -> PointsEntry:
    """A manual correction by the brand, positive or negative, always with a reason."""
    if not reason.strip():
        raise ApplicationError(_("An adjustment needs a reason."))
    if amount > 0:
        entry = points_credit(
            brand=brand,
            partner=partner,
            amount=amount,
            kind=Kind.ADJUST,
            reason=reason,
            idempotency_key=idempotency_key,
            created_by=created_by,
            expires_at=timezone.now() + timedelta(days=365),
        )
        assert entry is not None  # no challenge, so no budget cut
        return entry
    return points_debit(
        brand=brand,
        partner=partner,
        amount=-amount,
        kind=Kind.ADJUST,
        reason=reason,
        idempotency_key=idempotency_key,
        created_by=created_by,
    )


# --------------------------------------------------------------------------------------------------------------
# Challenges and rules


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
        _check_segments(brand, segments)
        challenge.segments.set(segments)
    return challenge


def _check_segments(brand: Brand, segments: list[Segment]) -> None:
    if any(segment.brand_id != brand.pk for segment in segments):
        raise ApplicationError(_("Unknown segment."))


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
    _check_segments(challenge.brand, segments)
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
        shares = {**scoring.QUALITY_SHARES_DEFAULT, **(params.get("shares") or {})}
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


# --------------------------------------------------------------------------------------------------------------
# Scoring


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


@job_handler("incentives_score")
def _incentives_score_job(job: Job) -> dict[str, Any]:
    """Background scoring: payload ``{"declaration_id": n}``."""
    declaration = Declaration.objects.get(pk=job.payload["declaration_id"], brand_id=job.brand_id)
    results = challenge_score_declaration(declaration=declaration)
    return {"challenges": {str(k): v for k, v in results.items()}}


@job_handler("incentives_expire")
def _incentives_expire_job(job: Job) -> dict[str, Any]:
    """Background expiry of one brand's lots (``brand`` set on the job)."""
    brand = Brand.objects.get(pk=job.brand_id)
    return {"expired": points_expire(brand=brand)}


def _line_values(declaration: Declaration, challenge: Challenge) -> QuerySet[Any, Any]:
    """What scoring reads of the declaration's lines in the challenge period, in id order."""
    return (
        DeclarationLine.objects.filter(
            declaration=declaration,
            sale_date__gte=challenge.period_start,
            sale_date__lte=challenge.period_end,
        )
        .order_by("id")
        .values("id", "status", "quantity", "amount", "channel", "gtin", "customer_type", "feedback")
        .annotate(family=F("product__family"))
    )


def _line_rows(declaration: Declaration, challenge: Challenge) -> list[dict[str, Any]]:
    return [dict(row) for row in _line_values(declaration, challenge)]


SCORE_CHUNK = 5000


def _line_chunks(declaration: Declaration, challenge: Challenge) -> Iterator[list[dict[str, Any]]]:
    """The declaration's lines in the challenge period, as dicts, ``SCORE_CHUNK`` at a time (keyset paging)."""
    rows = _line_values(declaration, challenge)
    last = 0
    while True:
        chunk: list[dict[str, Any]] = [dict(row) for row in rows.filter(id__gt=last)[:SCORE_CHUNK]]
        if not chunk:
            return
        yield chunk
        last = int(chunk[-1]["id"])


class _QualityTally:
    """What the declaration-quality bonus looks at, counted over the chunks of lines."""

    def __init__(self) -> None:
        self.has_online = self.has_in_store = False
        self.kept = self.with_customer_type = self.with_feedback = self.rejected = 0

    def add(self, lines: list[dict[str, Any]]) -> None:
        for line in lines:
            if line["status"] == DeclarationLine.Status.REJECTED:
                self.rejected += 1
                continue
            self.kept += 1
            self.has_online = self.has_online or line["channel"] == "online"
            self.has_in_store = self.has_in_store or line["channel"] == "in_store"
            self.with_customer_type += bool(line["customer_type"])
            self.with_feedback += bool((line["feedback"] or "").strip())

    def facts(self, declaration: Declaration) -> scoring.QualityFacts:
        return scoring.QualityFacts(
            submitted_on=timezone.localdate(declaration.submitted_at) if declaration.submitted_at else None,
            period_end=declaration.period_end,
            has_online=self.has_online,
            has_in_store=self.has_in_store,
            lines=self.kept,
            lines_with_customer_type=self.with_customer_type,
            lines_with_feedback=self.with_feedback,
            rejected_or_duplicate=declaration.lines_rejected + declaration.lines_duplicate + self.rejected,
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
        for award in scoring.score_line(rules, line):
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
        _challenge_move(challenge, declaration.partner_id, total, cut=cut)
    elif cut:
        _challenge_move(challenge, declaration.partner_id, 0, cut=cut)
    result["cut"] += cut

    if reviewed:
        # 3. Accepted lines can no longer be rejected: their points are confirmed.
        accepted_ids = [line["id"] for line in lines if line["status"] == DeclarationLine.Status.ACCEPTED]
        result["confirmed"] += _confirm_locked(
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
        from relais.accounts.models import Role, User

        seller = User.objects.filter(pk=declaration.created_by_id, partner_id=declaration.partner_id).first()
        if seller is not None and seller.role == Role.PARTNER_SELLER:
            seller_id = seller.pk
    account = locks.lock_account(
        brand_id=declaration.brand_id, partner_id=declaration.partner_id, user_id=seller_id
    )
    reviewed = declaration.status in REVIEWED
    rules = list(challenge.rules.filter(is_current=True))
    expires_at = timezone.now() + timedelta(days=challenge.points_validity_days)
    tally = _QualityTally()
    # Lines are scored a chunk at a time, so a declaration of a million lines holds a few thousand in memory.
    for lines in _line_chunks(declaration, challenge):
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
            points, met = scoring.quality_points(rule, facts)
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


def _quality_facts(declaration: Declaration, lines: list[dict[str, Any]]) -> scoring.QualityFacts:
    tally = _QualityTally()
    tally.add(lines)
    return tally.facts(declaration)


def challenge_close(*, challenge: Challenge) -> dict[str, int]:
    """Close a running challenge: post the objective attainment bonuses (tiers) and confirm the points of
    reviewed declarations. Lines of declarations still under review stay provisional until their review.
    """
    from relais.incentives.selectors import objective_progress

    with transaction.atomic():
        challenge = locks.lock_challenge(challenge.pk)
        if challenge.status != Challenge.Status.RUNNING:
            raise ApplicationError(_("Only a running challenge can be closed."))
        result = {"bonus_points": 0, "bonuses": 0, "confirmed": 0}
        bonus_rules = list(challenge.rules.filter(is_current=True, kind=RuleKind.OBJECTIVE_BONUS))
        objectives = Objective.objects.filter(
            brand_id=challenge.brand_id, period_start=challenge.period_start, period_end=challenge.period_end
        ).select_related("partner")
        expires_at = timezone.now() + timedelta(days=challenge.points_validity_days)
        for objective in objectives:
            if not challenge_is_partner_eligible(challenge=challenge, partner_id=objective.partner_id):
                continue
            progress = objective_progress(objective=objective)
            attainment = progress["attainment_percent"]
            for rule in bonus_rules:
                points, tier = scoring.objective_tier_points(rule, attainment)
                if points <= 0:
                    continue
                entry = points_credit(
                    brand=challenge.brand,
                    partner=objective.partner,
                    amount=points,
                    kind=Kind.EARN,
                    reason=_("Objective %(metric)s reached at %(pct)s%% (tier %(tier)s%%)")
                    % {"metric": objective.get_metric_display(), "pct": attainment, "tier": tier},
                    idempotency_key=f"objective:c{challenge.pk}:r{rule.key}:o{objective.pk}",
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
            result["confirmed"] += _confirm_locked(
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


# --------------------------------------------------------------------------------------------------------------
# Objectives


@transaction.atomic
def objective_set(
    *,
    brand: Brand,
    partner: PartnerCompany,
    period_start: date,
    period_end: date,
    metric: str,
    target: Decimal,
    source: str = Objective.Source.ENTERED,
    note: str = "",
) -> Objective:
    """Create or replace a partner's objective for a period and metric."""
    if partner.brand_id != brand.pk:
        raise ApplicationError(_("Unknown partner."))
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    if target <= 0:
        raise ApplicationError(_("The target must be positive."))
    if metric not in Objective.Metric.values:
        raise ApplicationError(_("Unknown metric."))
    objective, _created = Objective.objects.update_or_create(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        metric=metric,
        defaults={"brand": brand, "target": target, "source": source, "note": note[:300]},
    )
    return objective


def _parse_date(value: str) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(value)


def objectives_import_csv(*, brand: Brand, content: str) -> dict[str, Any]:
    """Import objectives from CSV (``partner_code,period_start,period_end,metric,target``; ``,`` or ``;``).

    Valid rows are saved, invalid ones reported with their row number; nothing is saved twice.
    """
    sample = content[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(content), delimiter=delimiter)
    required = {"partner_code", "period_start", "period_end", "metric", "target"}
    headers = {h.strip().lower() for h in (reader.fieldnames or [])}
    if not required <= headers:
        raise ApplicationError(
            _("Missing columns: %(columns)s.") % {"columns": ", ".join(sorted(required - headers))}
        )
    partners = {p.code: p for p in PartnerCompany.objects.filter(brand=brand)}
    saved, errors = 0, []
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        partner = partners.get(row["partner_code"])
        try:
            if partner is None:
                raise ApplicationError(_("unknown partner code %(code)s") % {"code": row["partner_code"]})
            try:
                start, end = _parse_date(row["period_start"]), _parse_date(row["period_end"])
            except ValueError as exc:
                raise ApplicationError(_("invalid date %(value)s") % {"value": exc}) from exc
            try:
                target = Decimal(row["target"].replace(",", ".").replace(" ", ""))
            except InvalidOperation as exc:
                raise ApplicationError(_("invalid target %(value)s") % {"value": row["target"]}) from exc
            objective_set(
                brand=brand,
                partner=partner,
                period_start=start,
                period_end=end,
                metric=row["metric"].lower(),
                target=target,
                source=Objective.Source.IMPORTED,
            )
            saved += 1
        except ApplicationError as exc:
            errors.append({"row": number, "message": exc.message})
    return {"saved": saved, "errors": errors}


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def objectives_propose(
    *,
    brand: Brand,
    period_start: date,
    period_end: date,
    metric: str = Objective.Metric.AMOUNT,
    segment: Segment | None = None,
    save: bool = True,
) -> list[dict[str, Any]]:
    """Propose an objective per partner: its sales in the same period last year × its segment's trend.

    The trend is the segment's sales over the 12 months before the period start divided by the 12 months
    before those (clamped to 0.5–2; 1 without history). Partners without sales last year get no proposal.
    With ``save`` the proposals are stored (source "proposed"), replacing objectives of the same period.
    """
    from relais.incentives.selectors import sellout_totals_by_partner

    last_start, last_end = _shift_year(period_start, -1), _shift_year(period_end, -1)
    partners = PartnerCompany.objects.filter(brand=brand, is_active=True)
    if segment is not None:
        if segment.brand_id != brand.pk:
            raise ApplicationError(_("Unknown segment."))
        partners = partners.filter(
            segment_memberships__segment=segment, segment_memberships__valid_to__isnull=True
        )
    partner_ids = list(partners.values_list("pk", flat=True))
    last_year = sellout_totals_by_partner(
        brand=brand, partner_ids=partner_ids, start=last_start, end=last_end, metric=metric
    )
    # Segment trend per partner: the partner's segments (or the whole network) over two 12-month windows.
    recent_end = period_start - timedelta(days=1)
    recent_start = _shift_year(period_start, -1)
    before_start = _shift_year(period_start, -2)
    before_end = recent_start - timedelta(days=1)
    memberships: dict[int, list[int]] = defaultdict(list)
    for member_id, member_segment_id in SegmentMembership.objects.filter(
        partner_id__in=partner_ids, valid_to__isnull=True, segment__brand=brand
    ).values_list("partner_id", "segment_id"):
        memberships[member_id].append(member_segment_id)
    trend_cache: dict[int | None, Decimal] = {}

    def trend_of(segment_id: int | None) -> Decimal:
        if segment_id not in trend_cache:
            members = None
            if segment_id is not None:
                members = list(
                    SegmentMembership.objects.filter(
                        segment_id=segment_id, valid_to__isnull=True
                    ).values_list("partner_id", flat=True)
                )
            recent = sum(
                sellout_totals_by_partner(
                    brand=brand, partner_ids=members, start=recent_start, end=recent_end, metric=metric
                ).values()
            )
            before = sum(
                sellout_totals_by_partner(
                    brand=brand, partner_ids=members, start=before_start, end=before_end, metric=metric
                ).values()
            )
            trend = Decimal(1) if not before or not recent else Decimal(recent) / Decimal(before)
            trend_cache[segment_id] = min(Decimal(2), max(Decimal("0.5"), trend))
        return trend_cache[segment_id]

    proposals = []
    partners_by_id = {p.pk: p for p in PartnerCompany.objects.filter(pk__in=partner_ids)}
    for partner_id, base in sorted(last_year.items()):
        if base <= 0:
            continue
        segment_id: int | None = (
            segment.pk
            if segment is not None
            else (min(memberships[partner_id]) if memberships[partner_id] else None)
        )
        trend = trend_of(segment_id)
        target = (Decimal(base) * trend).quantize(
            Decimal(1) if metric == Objective.Metric.UNITS else Decimal("0.01")
        )
        if target <= 0:
            continue
        proposal = {
            "partner": partners_by_id[partner_id],
            "last_year": base,
            "trend": trend.quantize(Decimal("0.001")),
            "target": target,
        }
        proposals.append(proposal)
        if save:
            objective_set(
                brand=brand,
                partner=partners_by_id[partner_id],
                period_start=period_start,
                period_end=period_end,
                metric=metric,
                target=target,
                source=Objective.Source.PROPOSED,
                note=_("Last year %(base)s × trend %(trend)s") % {"base": base, "trend": proposal["trend"]},
            )
    return proposals


# --------------------------------------------------------------------------------------------------------------
# Rewards and redemption


@transaction.atomic
def reward_save(
    *,
    brand: Brand,
    name: str,
    points_price: int,
    description: str = "",
    stock: int | None = None,
    segments: list[Segment] | None = None,
    is_active: bool = True,
    image_url: str = "",
    reward: Reward | None = None,
) -> Reward:
    """Create a reward, or edit ``reward`` (its stock is replaced under the reward's lock)."""
    if points_price <= 0:
        raise ApplicationError(_("The price must be a positive number of points."))
    if stock is not None and stock < 0:
        raise ApplicationError(_("The stock cannot be negative."))
    if reward is None:
        reward = Reward(brand=brand)
    else:
        reward = locks.lock_reward(reward.pk)
        if reward.brand_id != brand.pk:
            raise ApplicationError(_("Unknown reward."))
    reward.name = name
    reward.description = description
    reward.points_price = points_price
    reward.stock = stock
    reward.is_active = is_active
    reward.image_url = image_url
    reward.save()
    if segments is not None:
        _check_segments(brand, segments)
        reward.segments.set(segments)
    return reward


def reward_is_eligible(*, reward: Reward, partner: PartnerCompany) -> bool:
    segment_ids = list(reward.segments.values_list("pk", flat=True))
    if not segment_ids:
        return True
    return SegmentMembership.objects.filter(
        partner=partner, segment_id__in=segment_ids, valid_to__isnull=True
    ).exists()


class IdempotencyConflict(ApplicationError):
    """The idempotency key was already used for a different redemption."""


def reward_redeem(
    *, partner: PartnerCompany, reward: Reward, quantity: int, user: User | None, idempotency_key: str
) -> RedemptionOrder:
    """Order ``quantity`` of a reward with the partner's points (a seller's own points for a seller).

    Atomic: the account, then the reward, are locked; balance and stock are checked; the order and its
    ``redeem`` entry are written together. Replaying the same key returns the same order (one debit); the
    same key with another reward or quantity raises ``IdempotencyConflict``.
    """
    if not idempotency_key or len(idempotency_key) > 100:
        raise ApplicationError(_("An idempotency key of 1 to 100 characters is required."))
    try:
        return _reward_redeem(
            partner=partner, reward=reward, quantity=quantity, user=user, idempotency_key=idempotency_key
        )
    except IntegrityError:
        # A concurrent request with the same key won the race (another account lock): return its order.
        order = RedemptionOrder.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
        if order is None:
            raise
        return _same_order(order, reward=reward, quantity=quantity)


def _same_order(order: RedemptionOrder, *, reward: Reward, quantity: int) -> RedemptionOrder:
    if order.reward_id != reward.pk or order.quantity != quantity:
        raise IdempotencyConflict(
            _("This idempotency key was already used for another order."),
            extra={"code": "idempotency_conflict"},
        )
    return order


@transaction.atomic
def _reward_redeem(
    *, partner: PartnerCompany, reward: Reward, quantity: int, user: User | None, idempotency_key: str
) -> RedemptionOrder:
    if reward.brand_id != partner.brand_id:
        raise ApplicationError(_("Unknown reward."))
    if quantity <= 0 or quantity > 1000:
        raise ApplicationError(_("The quantity must be between 1 and 1000."))
    account = locks.lock_account(
        brand_id=partner.brand_id, partner_id=partner.pk, user_id=_account_user_id(partner=partner, user=user)
    )
    existing = RedemptionOrder.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_order(existing, reward=reward, quantity=quantity)
    reward = locks.lock_reward(reward.pk)
    if not reward.is_active or not reward_is_eligible(reward=reward, partner=partner):
        raise ApplicationError(_("This reward is not available to you."))
    if reward.stock is not None and reward.stock < quantity:
        raise ApplicationError(
            _("Not enough stock: %(stock)s left.") % {"stock": reward.stock}, extra={"code": "out_of_stock"}
        )
    total = reward.points_price * quantity
    if account.available < total:
        raise ApplicationError(
            _("Not enough points: %(available)s available, %(asked)s needed.")
            % {"available": account.available, "asked": total},
            extra={"code": "insufficient_points"},
        )
    order = RedemptionOrder.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        account=account,
        user=user,
        reward=reward,
        quantity=quantity,
        points_total=total,
        idempotency_key=idempotency_key,
    )
    _debit_locked(
        account,
        amount=total,
        kind=Kind.REDEEM,
        reason=_("%(quantity)s × %(reward)s") % {"quantity": quantity, "reward": reward.name},
        idempotency_key=f"redeem:{order.pk}",
        user=user,
        order=order,
    )
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - quantity)
    return order


_ORDER_NEXT = {
    RedemptionOrder.Status.REQUESTED: {RedemptionOrder.Status.APPROVED, RedemptionOrder.Status.CANCELLED},
    RedemptionOrder.Status.APPROVED: {RedemptionOrder.Status.SHIPPED, RedemptionOrder.Status.CANCELLED},
    RedemptionOrder.Status.SHIPPED: set(),
    RedemptionOrder.Status.CANCELLED: set(),
}


def _order_check(order: RedemptionOrder, status: str) -> None:
    if status not in _ORDER_NEXT[RedemptionOrder.Status(order.status)]:
        raise ApplicationError(
            _("A %(current)s order cannot become %(next)s.")
            % {"current": order.get_status_display(), "next": RedemptionOrder.Status(status).label}
        )


@transaction.atomic
def order_approve(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """The brand accepts an order."""
    order = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    _order_check(order, RedemptionOrder.Status.APPROVED)
    order.status = RedemptionOrder.Status.APPROVED
    order.decided_by = user
    order.decided_at = timezone.now()
    order.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return order


@transaction.atomic
def order_ship(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """The reward left the warehouse (or the training day is booked)."""
    order = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    _order_check(order, RedemptionOrder.Status.SHIPPED)
    order.status = RedemptionOrder.Status.SHIPPED
    order.shipped_at = timezone.now()
    order.save(update_fields=["status", "shipped_at", "updated_at"])
    return order


@transaction.atomic
def order_cancel(*, order: RedemptionOrder, user: User, reason: str = "") -> RedemptionOrder:
    """Cancel an order not shipped yet: its points come back by a new ``refund`` entry and the stock is
    restored. The refund lot expires with the latest of the lots the order had consumed."""
    account = locks.lock_account_by_id(order.account_id)
    order = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    _order_check(order, RedemptionOrder.Status.CANCELLED)
    reward = locks.lock_reward(order.reward_id)
    debit = order.entries.get(kind=Kind.REDEEM)
    expiries = [a.lot.expires_at for a in debit.allocations.select_related("lot")]
    expires_at = None if not expiries or any(e is None for e in expiries) else max(e for e in expiries if e)
    key = f"refund:{order.pk}"
    if _existing(order.brand_id, key) is None:
        refund = PointsEntry.objects.create(
            brand_id=order.brand_id,
            account=account,
            partner_id=order.partner_id,
            user_id=order.user_id,
            order=order,
            amount=order.points_total,
            remaining=order.points_total,
            kind=Kind.REFUND,
            reason=(
                _("Order cancelled: %(reason)s") % {"reason": reason} if reason else _("Order cancelled")
            )[:300],
            idempotency_key=key,
            expires_at=expires_at,
            created_by=user,
        )
        account.balance += refund.amount
        account.save(update_fields=["balance", "updated_at"])
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") + order.quantity)
    order.status = RedemptionOrder.Status.CANCELLED
    order.cancel_reason = reason[:300]
    order.decided_by = user
    order.decided_at = timezone.now()
    order.save(update_fields=["status", "cancel_reason", "decided_by", "decided_at", "updated_at"])
    return order


def ledger_totals(*, account: PointsAccount) -> dict[str, int]:
    """The sums an account must agree with (used by tests and the ledger explorer's check)."""
    entries = PointsEntry.objects.filter(account=account)
    agg = entries.aggregate(total=Sum("amount"), lots=Sum("remaining"))
    provisional = entries.filter(status=EntryStatus.PROVISIONAL).aggregate(p=Sum("remaining"))["p"]
    return {"sum": agg["total"] or 0, "lots": agg["lots"] or 0, "provisional": provisional or 0}
