"""Row locks of the funds domain, always taken in the same order: budget, then allocation, then request or
claim.

A credit (an accrual, a fixed allocation) or a reversal moves the budget's total: it locks the budget first. A reservation,
a release, a payment or an expiry moves one allocation's money: it locks that allocation (never its budget
after it). Two transactions can therefore never wait on each other in a cycle. On SQLite
``select_for_update`` is a no-op and the IMMEDIATE transaction mode serialises writers instead.
"""

from __future__ import annotations

from relais.funds.models import FundAllocation, FundBudget, FundClaim, FundRequest


def lock_budget(budget_id: int) -> FundBudget:
    return FundBudget.objects.select_for_update().get(pk=budget_id)


def lock_allocation(allocation_id: int) -> FundAllocation:
    return FundAllocation.objects.select_for_update().get(pk=allocation_id)


def lock_budget_allocations(budget_id: int) -> list[FundAllocation]:
    """Every allocation of a budget, locked in id order (the budget is locked first by the caller)."""
    return list(FundAllocation.objects.select_for_update().filter(budget_id=budget_id).order_by("pk"))


def lock_allocations(allocation_ids: list[int]) -> list[FundAllocation]:
    """These allocations, locked in id order (the caller locked their budget first): an accrual run may
    reverse, which takes available money a reservation could otherwise take at the same time."""
    return list(FundAllocation.objects.select_for_update().filter(pk__in=allocation_ids).order_by("pk"))


def lock_request(request_id: int) -> FundRequest:
    return FundRequest.objects.select_for_update().get(pk=request_id)


def lock_claim(claim_id: int) -> FundClaim:
    return FundClaim.objects.select_for_update().get(pk=claim_id)
