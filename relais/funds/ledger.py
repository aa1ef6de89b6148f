"""The fund ledger's arithmetic: which balances each entry kind moves, and the balances of allocations read as
sums of their entries (one grouped query for any number of allocations).

Entries are positive amounts; the kind says where the money goes:

    accrual, allocation   → granted   (credits: the allocation's money)
    reversal              → out of granted (an accrual taken back: its sell-out no longer validated)
    reservation           → available to reserved   (a request approved)
    release               → reserved to available   (a request cancelled, the rest of a claim)
    payment               → reserved to paid        (a claim paid)
    expiry                → available to expired    (the budget's period is over)

so that ``available = granted − reserved − paid − expired`` with ``reserved = reservation − release − payment``
and ``granted = accrual + allocation − reversal``. An accrual is never edited: taking it back is a reversal.
Nothing is stored besides the entries: a balance cannot drift from its ledger. Posting goes through
``entry_post`` under the allocation's row lock (``relais.funds.locks``), which checks nothing goes negative.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from relais.accounts.models import User
from relais.funds.models import EntryKind, FundAllocation, FundClaim, FundEntry, FundRequest

ZERO = Decimal("0.00")
CREDIT_KINDS = (EntryKind.ACCRUAL, EntryKind.ALLOCATION)


@dataclass(frozen=True)
class Balance:
    """An allocation's balances, each a sum of its entries."""

    accrued: Decimal = ZERO  # sum of accruals (gross: reversals are apart)
    allocated: Decimal = ZERO
    reversed: Decimal = ZERO  # sum of accrual reversals
    reserved_in: Decimal = ZERO  # sum of reservations
    released: Decimal = ZERO
    paid: Decimal = ZERO
    expired: Decimal = ZERO

    @property
    def granted(self) -> Decimal:
        return self.accrued - self.reversed + self.allocated

    @property
    def net_accrued(self) -> Decimal:
        """What the accruals still grant: accrued less reversed."""
        return self.accrued - self.reversed

    @property
    def reserved(self) -> Decimal:
        return self.reserved_in - self.released - self.paid

    @property
    def available(self) -> Decimal:
        return self.granted - self.reserved - self.paid - self.expired

    @property
    def signed_sum(self) -> Decimal:
        """The ledger read as signed movements of the available money: credits and releases in,
        reversals, reservations and expiries out (payments leave the reservation, not the available money)."""
        return self.granted + self.released - self.reserved_in - self.expired


def _sums() -> dict[str, Sum]:
    return {kind.value: Sum("amount", filter=Q(kind=kind.value)) for kind in EntryKind}


def balances_of(allocation_ids: Iterable[int]) -> dict[int, Balance]:
    """The balances of each allocation (those without entries have zero balances), in one query."""
    ids = list(allocation_ids)
    out = {pk: Balance() for pk in ids}
    sums = _sums()
    rows = (
        FundEntry.objects.filter(allocation_id__in=ids)
        .values("allocation_id")
        .annotate(**sums)
        .values_list("allocation_id", *sums)
    )
    for allocation_id, *amounts in rows:
        by_kind = dict(zip(sums, amounts, strict=True))
        out[allocation_id] = Balance(
            accrued=by_kind["accrual"] or ZERO,
            allocated=by_kind["allocation"] or ZERO,
            reversed=by_kind["reversal"] or ZERO,
            reserved_in=by_kind["reservation"] or ZERO,
            released=by_kind["release"] or ZERO,
            paid=by_kind["payment"] or ZERO,
            expired=by_kind["expiry"] or ZERO,
        )
    return out


def balance_of(allocation_id: int) -> Balance:
    return balances_of([allocation_id])[allocation_id]


def total_of(entries: Iterable[FundEntry]) -> Balance:
    """The balance of entries already read (the hypothesis test's model, a page's rows)."""
    sums = {kind.value: ZERO for kind in EntryKind}
    for entry in entries:
        sums[entry.kind] += entry.amount
    return Balance(
        accrued=sums["accrual"],
        allocated=sums["allocation"],
        reversed=sums["reversal"],
        reserved_in=sums["reservation"],
        released=sums["release"],
        paid=sums["payment"],
        expired=sums["expiry"],
    )


def request_reserved(request_id: int) -> Decimal:
    """What is still reserved for a request: its reservations less its releases and payments."""
    row = FundEntry.objects.filter(request_id=request_id).aggregate(**_sums())
    return (row["reservation"] or ZERO) - (row["release"] or ZERO) - (row["payment"] or ZERO)


def budget_granted(budget_id: int) -> Decimal:
    """What a budget gave its allocations so far (accruals and fixed allocations, less accruals reversed)."""
    row = FundEntry.objects.filter(allocation__budget_id=budget_id).aggregate(
        credits=Sum("amount", filter=Q(kind__in=CREDIT_KINDS)),
        reversed=Sum("amount", filter=Q(kind=EntryKind.REVERSAL)),
    )
    return (row["credits"] or ZERO) - (row["reversed"] or ZERO)


def entry_find(*, brand_id: int, key: str) -> FundEntry | None:
    return FundEntry.objects.filter(brand_id=brand_id, idempotency_key=key).first()


def entry_post(
    *,
    allocation: FundAllocation,
    kind: str,
    amount: Decimal,
    key: str,
    request: FundRequest | None = None,
    claim: FundClaim | None = None,
    basis: Decimal | None = None,
    note: str = "",
    by: User | None = None,
) -> FundEntry:
    """Append one entry (the caller holds the allocation's lock, and checked the balance it moves).
    Posting a key again returns the first entry."""
    existing = entry_find(brand_id=allocation.brand_id, key=key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return FundEntry.objects.create(
                brand_id=allocation.brand_id,
                allocation=allocation,
                partner_id=allocation.partner_id,
                kind=kind,
                amount=amount,
                request=request,
                claim=claim,
                basis=basis,
                note=note[:200],
                idempotency_key=key,
                created_by=by,
            )
    except IntegrityError:
        found = entry_find(brand_id=allocation.brand_id, key=key)
        if found is None:
            raise
        return found
