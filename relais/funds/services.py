"""Writes of the funds domain: activity types, budgets, allocations, accrual, requests, claims, payments,
expiry. Every movement of money is a ledger entry (``relais.funds.ledger``) posted under the locks of
``relais.funds.locks``, budget before allocation; requests and claims carry the partner's idempotency key.

Decisions return the object; the follow-ups (``relais.followups.funds``) tell the partner.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.funds import ledger, locks, selectors
from relais.funds.models import (
    ActivityType,
    AllocationKind,
    ClaimProof,
    EntryKind,
    FundAllocation,
    FundBudget,
    FundClaim,
    FundEntry,
    FundRequest,
    ProofKind,
)
from relais.funds.proofs import ProofFile, proofs_check
from relais.network.models import PartnerCompany
from relais.programs.models import Program

ZERO = ledger.ZERO
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # the columns hold 12 digits before the point
OPEN_CLAIM = (
    FundClaim.Status.SUBMITTED,
    FundClaim.Status.APPROVED,
    FundClaim.Status.PARTIAL,
    FundClaim.Status.PAID,
)
RESERVED_STATUSES = (FundRequest.Status.APPROVED, FundRequest.Status.PARTIAL)


def _money(value: Decimal | int | str, *, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except ArithmeticError as exc:
        raise ApplicationError(_("Enter an amount."), extra={"field": field}) from exc
    if amount < 0:
        raise ApplicationError(_("The amount cannot be negative."), extra={"field": field})
    if amount >= MAX_AMOUNT:
        raise ApplicationError(_("The amount is too large."), extra={"field": field})
    return amount


def _text_check(**texts: str) -> None:
    """Text a database cannot store (a NUL character) is refused with its field named."""
    for field, text in texts.items():
        if "\x00" in text:
            raise ApplicationError(
                _("This text holds a character that is not allowed."), extra={"field": field}
            )


# --- set-up -----------------------------------------------------------------------------------------------


@transaction.atomic
def activity_type_save(*, brand: Brand, code: str, name: str, required_proofs: Sequence[str]) -> ActivityType:
    """Create or rename an activity type of the brand, with the proof kinds its claims need."""
    unknown = [kind for kind in required_proofs if kind not in ProofKind.values]
    if unknown:
        raise ApplicationError(
            _("Unknown proof kind: %(kind)s.") % {"kind": unknown[0]}, extra={"field": "proofs"}
        )
    activity, _created = ActivityType.objects.update_or_create(
        brand=brand,
        code=code,
        defaults={"name": name, "required_proofs": list(dict.fromkeys(required_proofs))},
    )
    return activity


@transaction.atomic
def budget_create(
    *,
    brand: Brand,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    total: Decimal,
    program: Program | None = None,
) -> FundBudget:
    """A budget of the brand for a program (None: brand-wide) and a period, in the brand's currency."""
    if program is not None and program.brand_id != brand.pk:
        raise ApplicationError(_("Choose one of your programs."), extra={"field": "program"})
    if period_end < period_start:
        raise ApplicationError(_("The period ends before it starts."), extra={"field": "period_end"})
    return FundBudget.objects.create(
        brand=brand,
        program=program,
        name=name,
        period_start=period_start,
        period_end=period_end,
        total=_money(total, field="total"),
        currency=brand.currency,
    )


def _budget_room(budget: FundBudget) -> Decimal:
    return budget.total - ledger.budget_granted(budget.pk)


@transaction.atomic
def allocation_set(
    *,
    budget: FundBudget,
    partner: PartnerCompany,
    kind: str,
    amount: Decimal = ZERO,
    percent: Decimal = ZERO,
    cap: Decimal | None = None,
    by: User | None = None,
) -> FundAllocation:
    """Give a partner its share of a budget: a fixed amount (granted now, within what the budget has left;
    raising it grants the difference, lowering it below what was granted is refused) or a percentage of its
    validated sell-out up to ``cap`` (granted by ``allocation_accrue``)."""
    if partner.brand_id != budget.brand_id:
        raise ApplicationError(_("Choose one of your partners."), extra={"field": "partner"})
    if kind not in AllocationKind.values:
        raise ApplicationError(_("Choose fixed or accrued."), extra={"field": "kind"})
    amount = _money(amount, field="amount")
    percent = Decimal(str(percent))
    if not ZERO <= percent <= 100:
        raise ApplicationError(_("The percentage is between 0 and 100."), extra={"field": "percent"})
    budget = locks.lock_budget(budget.pk)
    allocation, _created = FundAllocation.objects.get_or_create(
        budget=budget, partner=partner, defaults={"brand_id": budget.brand_id, "kind": kind}
    )
    allocation = locks.lock_allocation(allocation.pk)
    allocation.kind = kind
    allocation.amount = amount if kind == AllocationKind.FIXED else ZERO
    allocation.percent = percent if kind == AllocationKind.ACCRUED else ZERO
    allocation.cap = _money(cap, field="cap") if cap is not None and kind == AllocationKind.ACCRUED else None
    allocation.save()
    if kind == AllocationKind.FIXED:
        granted = ledger.balance_of(allocation.pk).allocated
        extra = amount - granted
        if extra < 0:
            raise ApplicationError(
                _("%(granted)s was already granted: the amount cannot go below it.") % {"granted": granted},
                extra={"field": "amount"},
            )
        if extra > _budget_room(budget):
            raise ApplicationError(
                _("The budget has only %(left)s left to allocate.") % {"left": _budget_room(budget)},
                extra={"field": "amount", "code": "budget_exceeded"},
            )
        if extra > 0:
            ledger.entry_post(
                allocation=allocation,
                kind=EntryKind.ALLOCATION,
                amount=extra,
                key=f"allocate:{allocation.pk}:{int(amount * 100)}",
                by=by,
            )
    return allocation


@transaction.atomic
def allocation_accrue(*, budget: FundBudget, partner_ids: Sequence[int] | None = None) -> list[FundEntry]:
    """Bring every accrued allocation of a budget (or of ``partner_ids`` only) to its share of the partner's
    validated sell-out: a recomputation, so any number of runs in any order end on the same ledger.

    The target of an allocation is ``(percent + tier mdf_share) % × validated sell-out of the period``,
    capped. Below the target, the difference is accrued, within what the budget has left; above it (a line
    that counted is no longer validated, the percentage was lowered), the difference is taken back by a
    ``reversal`` entry, never by editing an accrual, and only from what is still available: money already
    reserved or paid funds an activity, and is reversed once a release frees it. Flagged and rejected lines
    count nothing; once approved, the next run accrues them. Keys are the cumulative sums of the accruals,
    and of the reversals, each entry brings the allocation to (both only grow), so a rerun posts nothing.
    One grouped query for the sell-out, one for the balances, one insert.
    """
    budget = locks.lock_budget(budget.pk)
    allocations = selectors.accrued_allocations(budget=budget, partner_ids=partner_ids)
    if not allocations:
        return []
    allocations = locks.lock_allocations([a.pk for a in allocations])
    partner_ids = [a.partner_id for a in allocations]
    sellout = selectors.validated_sellout_by_partner(budget=budget, partner_ids=partner_ids)
    shares = selectors.partner_mdf_shares(budget=budget, partner_ids=partner_ids)
    balances = ledger.balances_of(a.pk for a in allocations)
    room = _budget_room(budget)
    new: list[FundEntry] = []
    for allocation in allocations:
        basis = sellout.get(allocation.partner_id, ZERO)
        rate = allocation.percent + shares.get(allocation.partner_id, ZERO)
        target = (basis * rate / 100).quantize(CENT, rounding=ROUND_DOWN)
        if allocation.cap is not None:
            target = min(target, allocation.cap)
        balance = balances[allocation.pk]
        if target >= balance.net_accrued:
            kind, amount = EntryKind.ACCRUAL, min(target - balance.net_accrued, room)
            key = f"accrual:{allocation.pk}:{int((balance.accrued + amount) * 100)}"
        else:
            kind, amount = EntryKind.REVERSAL, min(balance.net_accrued - target, balance.available)
            key = f"reversal:{allocation.pk}:{int((balance.reversed + amount) * 100)}"
        if amount <= 0:
            continue
        room += amount if kind == EntryKind.REVERSAL else -amount
        new.append(
            FundEntry(
                brand_id=budget.brand_id,
                allocation=allocation,
                partner_id=allocation.partner_id,
                kind=kind,
                amount=amount,
                basis=basis,
                note=f"{rate}%",
                idempotency_key=key,
            )
        )
    FundEntry.objects.bulk_create(new)
    return new


@transaction.atomic
def budget_expire(*, budget: FundBudget, today: dt.date | None = None) -> list[FundEntry]:
    """After the budget's period, what is still available in each allocation expires (reservations stay
    until their claims are paid or released; rerun after those releases, it expires what they freed)."""
    today = today or timezone.localdate()
    if not selectors.period_is_over(budget=budget, today=today):
        return []
    budget = locks.lock_budget(budget.pk)
    allocations = locks.lock_budget_allocations(budget.pk)
    balances = ledger.balances_of(a.pk for a in allocations)
    new = [
        FundEntry(
            brand_id=budget.brand_id,
            allocation=a,
            partner_id=a.partner_id,
            kind=EntryKind.EXPIRY,
            amount=balances[a.pk].available,
            idempotency_key=f"expiry:{a.pk}:{int((balances[a.pk].expired + balances[a.pk].available) * 100)}",
        )
        for a in allocations
        if balances[a.pk].available > 0
    ]
    FundEntry.objects.bulk_create(new)
    return new


# --- requests ---------------------------------------------------------------------------------------------


def _request_by_key(*, partner: PartnerCompany, key: str) -> FundRequest | None:
    return FundRequest.objects.filter(partner=partner, idempotency_key=key).first()


def _claim_by_key(*, partner: PartnerCompany, key: str) -> FundClaim | None:
    return FundClaim.objects.filter(partner=partner, idempotency_key=key).first()


@transaction.atomic
def fund_request_submit(
    *,
    allocation: FundAllocation,
    activity_type: ActivityType,
    title: str,
    planned_cost: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    idempotency_key: str,
    description: str = "",
    expected_results: str = "",
    by: User | None = None,
) -> FundRequest:
    """A partner asks for funding of one activity from its allocation. The same key returns the request it
    first made (a repeated form post or API call makes one request)."""
    partner = allocation.partner
    existing = _request_by_key(partner=partner, key=idempotency_key)
    if existing is not None:
        return existing
    if activity_type.brand_id != allocation.brand_id or not activity_type.is_active:
        raise ApplicationError(
            _("Choose one of the brand's activity types."), extra={"field": "activity_type"}
        )
    cost = _money(planned_cost, field="planned_cost")
    if cost <= 0:
        raise ApplicationError(_("The planned cost must be above zero."), extra={"field": "planned_cost"})
    if ends_on < starts_on:
        raise ApplicationError(_("The activity ends before it starts."), extra={"field": "ends_on"})
    _text_check(title=title, description=description, expected_results=expected_results, key=idempotency_key)
    try:
        with transaction.atomic():
            return FundRequest.objects.create(
                brand_id=allocation.brand_id,
                allocation=allocation,
                partner=partner,
                activity_type=activity_type,
                title=title,
                description=description,
                expected_results=expected_results,
                planned_cost=cost,
                starts_on=starts_on,
                ends_on=ends_on,
                created_by=by,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        found = _request_by_key(partner=partner, key=idempotency_key)
        if found is None:
            raise
        return found


def _decision_amount(*, decision: str, amount: Decimal | None, asked: Decimal, reason: str) -> Decimal:
    if decision == "full":
        return asked
    if decision == "partial":
        value = _money(amount if amount is not None else 0, field="amount")
        if not ZERO < value < asked:
            raise ApplicationError(
                _("A partial approval is above zero and below %(asked)s.") % {"asked": asked},
                extra={"field": "amount"},
            )
        return value
    if decision == "refused":
        if not reason.strip():
            raise ApplicationError(_("Say why it is refused."), extra={"field": "reason"})
        return ZERO
    raise ApplicationError(_("Choose full, partial or refused."), extra={"field": "decision"})


@transaction.atomic
def fund_request_decide(
    *,
    request: FundRequest,
    decision: str,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
    today: dt.date | None = None,
) -> FundRequest:
    """The brand's decision on a request: full, partial (``amount``) or refused (``reason``). An approval
    reserves the amount from the allocation's available money, under its lock; never more than available."""
    allocation = locks.lock_allocation(request.allocation_id)
    request = locks.lock_request(request.pk)
    if request.status != FundRequest.Status.SUBMITTED:
        raise ApplicationError(_("This request was already decided."), extra={"code": "already_decided"})
    approved = _decision_amount(decision=decision, amount=amount, asked=request.planned_cost, reason=reason)
    if approved > 0:
        budget = allocation.budget
        if selectors.period_is_over(budget=budget, today=today or timezone.localdate()):
            raise ApplicationError(_("The budget's period is over."), extra={"code": "period_over"})
        available = ledger.balance_of(allocation.pk).available
        if approved > available:
            raise ApplicationError(
                _("Only %(available)s is available in this allocation.") % {"available": available},
                extra={"code": "insufficient_funds", "field": "amount"},
            )
        ledger.entry_post(
            allocation=allocation,
            kind=EntryKind.RESERVATION,
            amount=approved,
            key=f"reserve:{request.pk}",
            request=request,
            by=by,
        )
    request.status = {
        "full": FundRequest.Status.APPROVED,
        "partial": FundRequest.Status.PARTIAL,
        "refused": FundRequest.Status.REFUSED,
    }[decision]
    request.approved_amount = approved
    request.decision_reason = reason
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save()
    return request


def _release_rest(*, allocation: FundAllocation, request: FundRequest, by: User | None, why: str) -> None:
    rest = ledger.request_reserved(request.pk)
    if rest > 0:
        ledger.entry_post(
            allocation=allocation,
            kind=EntryKind.RELEASE,
            amount=rest,
            key=f"release:{request.pk}:{why}",
            request=request,
            by=by,
        )


@transaction.atomic
def fund_request_cancel(*, request: FundRequest, by: User | None = None) -> FundRequest:
    """The partner (or the brand) cancels a request not yet claimed; its reservation is released."""
    allocation = locks.lock_allocation(request.allocation_id)
    request = locks.lock_request(request.pk)
    if request.status not in (FundRequest.Status.SUBMITTED, *RESERVED_STATUSES):
        raise ApplicationError(
            _("This request can no longer be cancelled."), extra={"code": "not_cancellable"}
        )
    if request.claims.filter(status__in=OPEN_CLAIM).exists():
        raise ApplicationError(_("A claim was made for this request."), extra={"code": "claimed"})
    _release_rest(allocation=allocation, request=request, by=by, why="cancelled")
    request.status = FundRequest.Status.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    return request


# --- claims -----------------------------------------------------------------------------------------------


@transaction.atomic
def fund_claim_submit(
    *,
    request: FundRequest,
    actual_cost: Decimal,
    files: Sequence[ProofFile],
    idempotency_key: str,
    note: str = "",
    by: User | None = None,
) -> FundClaim:
    """The partner claims the reimbursement of an approved activity with its proofs (checked by content,
    size and count, and against the activity type's rules). The same key returns the first claim."""
    existing = _claim_by_key(partner=request.partner, key=idempotency_key)
    if existing is not None:
        return existing
    request = locks.lock_request(request.pk)
    if request.status not in RESERVED_STATUSES:
        raise ApplicationError(_("Only an approved request can be claimed."), extra={"code": "not_approved"})
    if request.claims.filter(status__in=OPEN_CLAIM).exists():
        raise ApplicationError(_("This request is already claimed."), extra={"code": "claimed"})
    cost = _money(actual_cost, field="actual_cost")
    if cost <= 0:
        raise ApplicationError(_("The actual cost must be above zero."), extra={"field": "actual_cost"})
    _text_check(note=note, key=idempotency_key)
    checked = proofs_check(files=files, required=request.activity_type.required_proofs)
    try:
        with transaction.atomic():
            claim = FundClaim.objects.create(
                brand_id=request.brand_id,
                request=request,
                partner_id=request.partner_id,
                actual_cost=cost,
                note=note,
                created_by=by,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        found = _claim_by_key(partner=request.partner, key=idempotency_key)
        if found is None:
            raise
        return found
    for proof in checked:
        row = ClaimProof(
            claim=claim,
            kind=proof.kind,
            original_name=proof.name,
            content_type=proof.content_type,
            size=len(proof.content),
            sha256=proof.sha256,
        )
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[proof.content_type]
        row.file.save(f"{proof.sha256[:32]}.{extension}", ContentFile(proof.content), save=False)
        row.save()
    return claim


@transaction.atomic
def fund_claim_decide(
    *,
    claim: FundClaim,
    decision: str,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
) -> FundClaim:
    """The brand's decision on a claim: full (the actual cost, up to what the request reserved), partial
    (``amount``) or refused (``reason``: the reservation is released and the request closed)."""
    allocation = locks.lock_allocation(claim.request.allocation_id)
    request = locks.lock_request(claim.request_id)
    claim = locks.lock_claim(claim.pk)
    if claim.status != FundClaim.Status.SUBMITTED:
        raise ApplicationError(_("This claim was already decided."), extra={"code": "already_decided"})
    reserved = ledger.request_reserved(request.pk)
    payable = min(claim.actual_cost, reserved)
    if decision == "full":
        approved = payable
    else:
        approved = _decision_amount(decision=decision, amount=amount, asked=payable + CENT, reason=reason)
    if decision == "refused":
        _release_rest(allocation=allocation, request=request, by=by, why=f"claim-{claim.pk}-refused")
        request.status = FundRequest.Status.CLOSED
        request.save(update_fields=["status", "updated_at"])
    claim.status = {
        "full": FundClaim.Status.APPROVED,
        "partial": FundClaim.Status.PARTIAL,
        "refused": FundClaim.Status.REFUSED,
    }[decision]
    claim.approved_amount = approved
    claim.decision_reason = reason
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.save()
    return claim


@transaction.atomic
def fund_claim_pay(
    *, claim: FundClaim, reference: str, paid_on: dt.date, by: User | None = None
) -> FundClaim:
    """Record the reimbursement of an approved claim (the brand's payment reference and date): the payment
    comes out of the request's reservation, the rest of it is released, the request is closed."""
    allocation = locks.lock_allocation(claim.request.allocation_id)
    request = locks.lock_request(claim.request_id)
    claim = locks.lock_claim(claim.pk)
    if claim.status == FundClaim.Status.PAID:
        return claim
    if claim.status not in (FundClaim.Status.APPROVED, FundClaim.Status.PARTIAL):
        raise ApplicationError(_("Only an approved claim can be paid."), extra={"code": "not_approved"})
    if not reference.strip():
        raise ApplicationError(_("Enter the payment reference."), extra={"field": "reference"})
    amount = min(claim.approved_amount, ledger.request_reserved(request.pk))
    if amount > 0:
        ledger.entry_post(
            allocation=allocation,
            kind=EntryKind.PAYMENT,
            amount=amount,
            key=f"pay:{claim.pk}",
            request=request,
            claim=claim,
            note=reference,
            by=by,
        )
    _release_rest(allocation=allocation, request=request, by=by, why=f"claim-{claim.pk}-paid")
    claim.status = FundClaim.Status.PAID
    claim.payment_reference = reference.strip()[:100]
    claim.paid_on = paid_on
    claim.save()
    request.status = FundRequest.Status.CLOSED
    request.save(update_fields=["status", "updated_at"])
    return claim
