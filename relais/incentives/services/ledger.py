"""The points ledger: accounts, entries, lots, expiry, credits, debits, reversals; and the leaderboard scores
every challenge posting moves.

Ledger rules (see docs/incentives.md):
- entries are appended, never updated in amount nor deleted; a correction is a new entry;
- every entry is posted under the account's row lock, and the account balance moves in the same transaction;
- the idempotency key is unique per brand: posting the same key again returns the first entry;
- positive entries are lots; negative entries consume lots soonest-expiring first (``LotAllocation``);
- locks are taken challenge → account → reward (``relais.incentives.locks``);
- earned lots are held by the brand's holding period (``points_hold``): a debit spends only confirmed lots
  whose holding is over (``lot_available_q``), read at spending time, so no job has to free them on their
  date; lots held until reconciliation wait for ``points_release``.

The ``*_locked`` helpers are for the other incentives services: their caller holds the account lock (and the
challenge lock first when a challenge is involved).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives import leaderboard, locks
from relais.incentives.models import (
    Challenge,
    ChallengeRule,
    IncentiveSettings,
    LeaderboardScore,
    LotAllocation,
    PointsAccount,
    PointsEntry,
    RedemptionOrder,
    lot_available_q,
)
from relais.incentives.reasons import Reason, reason_fields, reason_of
from relais.incentives.rules import challenge_partner_segment_ids, points_account_user_id
from relais.incentives.selectors import incentive_settings_of, points_entry_find, points_spendable
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration

Kind = PointsEntry.Kind
EntryStatus = PointsEntry.Status

# --------------------------------------------------------------------------------------------------------------
# Ledger core (callers hold the account lock, and the challenge lock first when a challenge is involved)


@dataclass(frozen=True)
class Hold:
    """How an earned lot is held: not spendable before ``available_at`` (None: at once), or until its sales
    period is reconciled."""

    available_at: datetime | None = None
    awaits_reconciliation: bool = False


def points_hold(*, brand_id: int, now: datetime) -> Hold:
    """The holding the brand's settings put on the points earned at ``now``."""
    settings = incentive_settings_of(brand_id=brand_id)
    if settings.hold_until_reconciled:
        return Hold(awaits_reconciliation=True)
    if settings.holding_days:
        return Hold(available_at=now + timedelta(days=settings.holding_days))
    return Hold()


def _lots_by_expiry(account: PointsAccount, *, include_provisional: bool) -> QuerySet[PointsEntry]:
    """The lots a negative entry may take from, soonest-expiring first. A spend (``include_provisional``
    false) takes only confirmed lots whose holding is over; a reversal takes back from any lot."""
    qs = PointsEntry.objects.filter(account=account, remaining__gt=0)
    if not include_provisional:
        qs = qs.filter(lot_available_q(timezone.now()), status=EntryStatus.CONFIRMED)
    return qs.order_by(F("expires_at").asc(nulls_last=True), "id")


def _consume(
    account: PointsAccount,
    *,
    amount: int,
    first_lot: PointsEntry | None = None,
    include_provisional: bool = False,
) -> list[tuple[PointsEntry, int]]:
    """Plan which lots pay ``amount`` (or as much of it as the lots hold): ``first_lot`` first, then the lots
    soonest-expiring first."""
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
        qs = _lots_by_expiry(account, include_provisional=include_provisional)
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
        **{**fields, **reason_fields(fields["reason"])},
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


def leaderboard_score_add(*, challenge: Challenge, partner_id: int, delta: int) -> None:
    """Move the partner's score overall and in each of its eligible segments (challenge lock held)."""
    if not delta:
        return
    segment_ids: list[int | None] = [
        None,
        *challenge_partner_segment_ids(challenge=challenge, partner_id=partner_id),
    ]
    mine = LeaderboardScore.objects.filter(challenge=challenge, partner_id=partner_id)
    for segment_id in segment_ids:
        board = (
            mine.filter(segment_id=segment_id)
            if segment_id is not None
            else mine.filter(segment__isnull=True)
        )
        row = board.first()
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


def challenge_points_move(challenge: Challenge, partner_id: int, delta: int, *, cut: int = 0) -> None:
    """``delta`` points posted (and ``cut`` refused by the budget) move the challenge's counters and the
    partner's leaderboard scores (challenge lock held)."""
    Challenge.objects.filter(pk=challenge.pk).update(
        points_posted=F("points_posted") + delta, points_cut=F("points_cut") + cut
    )
    challenge.points_posted += delta
    challenge.points_cut += cut
    leaderboard_score_add(challenge=challenge, partner_id=partner_id, delta=delta)


@transaction.atomic
def points_credit(
    *,
    brand: Brand,
    partner: PartnerCompany,
    amount: int,
    kind: str,
    reason: str | Reason,
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
    when nothing is left, nothing is posted (None) and the cut is counted on the challenge. An earn is held
    by the brand's holding period (``points_hold``); a refund or an adjustment is the brand's own decision
    and is not.
    """
    if amount <= 0:
        raise ApplicationError(_("A credit must be a positive number of points."))
    if kind not in {Kind.EARN, Kind.REFUND, Kind.ADJUST}:
        raise ApplicationError(_("This kind of entry cannot credit points."))
    if challenge is not None:
        challenge = locks.lock_challenge(challenge.pk)
    account = locks.lock_account(
        brand_id=brand.pk, partner_id=partner.pk, user_id=points_account_user_id(partner=partner, user=user)
    )
    existing = points_entry_find(brand_id=brand.pk, idempotency_key=idempotency_key)
    if existing is not None:
        return existing
    cut = 0
    if challenge is not None and challenge.budget_left is not None and amount > challenge.budget_left:
        cut = amount - challenge.budget_left
        reason = reason_of(reason).adding(cut=cut, asked=amount)
        amount = challenge.budget_left
        if amount <= 0:
            Challenge.objects.filter(pk=challenge.pk).update(points_cut=F("points_cut") + cut)
            return None
    hold = points_hold(brand_id=brand.pk, now=timezone.now()) if kind == Kind.EARN else Hold()
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
        **reason_fields(reason),
        idempotency_key=idempotency_key,
        status=status,
        expires_at=expires_at,
        available_at=hold.available_at,
        awaits_reconciliation=hold.awaits_reconciliation,
        created_by=created_by,
    )
    account.balance += amount
    if status == EntryStatus.PROVISIONAL:
        account.provisional += amount
    account.save(update_fields=["balance", "provisional", "updated_at"])
    if challenge is not None:
        challenge_points_move(challenge, partner.pk, amount, cut=cut)
    return entry


@transaction.atomic
def points_debit(
    *,
    brand: Brand,
    partner: PartnerCompany,
    amount: int,
    kind: str,
    reason: str | Reason,
    idempotency_key: str,
    user: User | None = None,
    created_by: User | None = None,
    order: RedemptionOrder | None = None,
) -> PointsEntry:
    """Append a negative entry (a redemption or a negative adjustment) paid from confirmed lots whose
    holding is over, soonest expiring first. Refused when those do not cover it. Idempotent on the key.
    """
    if amount <= 0:
        raise ApplicationError(_("A debit must be a positive number of points."))
    if kind not in {Kind.REDEEM, Kind.ADJUST}:
        raise ApplicationError(_("This kind of entry cannot debit points."))
    account = locks.lock_account(
        brand_id=brand.pk, partner_id=partner.pk, user_id=points_account_user_id(partner=partner, user=user)
    )
    existing = points_entry_find(brand_id=brand.pk, idempotency_key=idempotency_key)
    if existing is not None:
        return existing
    return points_debit_locked(
        account,
        amount=amount,
        kind=kind,
        reason=reason,
        idempotency_key=idempotency_key,
        user=user,
        created_by=created_by,
        order=order,
    )


def points_debit_locked(account: PointsAccount, *, amount: int, **fields: Any) -> PointsEntry:
    """Spend ``amount`` of the account's confirmed lots whose holding is over, soonest-expiring first, once
    what is past its date has expired; refused when those do not cover it (the caller holds the account lock).
    Held and provisional points are never spent."""
    now = timezone.now()
    _expire_locked(account, now=now)  # moves ``account`` in memory too
    available = points_spendable(account=account, now=now)
    if available < amount:
        raise ApplicationError(
            _("Not enough points: %(available)s available, %(asked)s asked.")
            % {"available": available, "asked": amount},
            extra={"code": "insufficient_points"},
        )
    plan = _consume(account, amount=amount)
    if sum(take for _lot, take in plan) != amount:  # the account and its lots disagree: never spend blind
        raise ApplicationError(_("The points account is inconsistent; nothing was spent."))
    entry = _write_debit(account, plan, **fields)
    assert entry is not None
    return entry


@transaction.atomic
def points_reverse(
    *, entry: PointsEntry, reason: str | Reason, created_by: User | None = None
) -> PointsEntry | None:
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
    existing = points_entry_find(brand_id=entry.brand_id, idempotency_key=key)
    if existing is not None:
        return existing
    plan = _consume(account, amount=entry.amount, first_lot=entry, include_provisional=True)
    taken = sum(take for _lot, take in plan)
    if taken < entry.amount:
        reason = reason_of(reason).adding(taken=taken, amount=entry.amount)
    reversal = _write_debit(
        account,
        plan,
        kind=Kind.REVERSE,
        reason=reason,
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
        challenge_points_move(challenge, entry.partner_id, -taken)
    return reversal


def points_confirm_locked(account: PointsAccount, entries: QuerySet[PointsEntry]) -> int:
    """Confirm the provisional lots of ``entries`` held by the account (the caller holds its lock)."""
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
    return points_confirm_locked(account, entries)


@transaction.atomic
def points_release(
    *,
    brand: Brand,
    partner: PartnerCompany,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
) -> int:
    """The sales period of ``partner`` from ``period_start`` to ``period_end`` is reconciled: the lots held
    until then become available (``available_at`` = now). Returns the points released.

    The hook the reconciliation calls once a partner's period reconciles (brands that hold points until
    reconciliation). A lot belongs to the period its declaration's period ends in (a lot without declaration,
    such as an objective bonus: its challenge's). Repeatable: a second call releases only what was held since.
    Takes the partner's account locks, in id order.
    """
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."))
    now = now or timezone.now()
    in_period = Q(declaration__period_end__gte=period_start, declaration__period_end__lte=period_end) | Q(
        declaration__isnull=True,
        challenge__period_end__gte=period_start,
        challenge__period_end__lte=period_end,
    )
    held = PointsEntry.objects.filter(
        in_period, brand=brand, partner=partner, awaits_reconciliation=True, amount__gt=0
    )
    released = 0
    for account_id in sorted(set(held.values_list("account_id", flat=True))):
        locks.lock_account_by_id(account_id)
        lots = held.filter(account_id=account_id)
        released += sum(lots.values_list("remaining", flat=True))
        PointsEntry.objects.filter(pk__in=list(lots.values_list("pk", flat=True))).update(
            awaits_reconciliation=False, available_at=now
        )
    return released


@transaction.atomic
def incentive_settings_save(
    *, brand: Brand, holding_days: int, hold_until_reconciled: bool
) -> IncentiveSettings:
    """Set how long the points earned from now on are held; lots already posted keep their holding."""
    if holding_days < 0 or holding_days > 365:
        raise ApplicationError(_("The holding period must be between 0 and 365 days."))
    settings, _created = IncentiveSettings.objects.update_or_create(
        brand=brand, defaults={"holding_days": holding_days, "hold_until_reconciled": hold_until_reconciled}
    )
    return settings


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
        assert lot.expires_at is not None  # filtered on it
        entry = _write_debit(
            account,
            [(lot, lot.remaining)],
            kind=Kind.EXPIRE,
            reason=Reason("expired", {"date": lot.expires_at.date().isoformat()}),
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
