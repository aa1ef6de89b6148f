"""Reads of the funds domain, brand- and partner-scoped: ``*_get`` raises Http404, ``*_find`` returns None."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404

from relais.core.models import Brand
from relais.funds import ledger
from relais.funds.models import (
    ActivityType,
    AllocationKind,
    ClaimProof,
    FundAllocation,
    FundBudget,
    FundClaim,
    FundEntry,
    FundRequest,
)
from relais.network.models import PartnerCompany
from relais.programs.models import TierMove
from relais.programs.selectors import REVIEWED, program_effective_content
from relais.sellout.models import DeclarationLine

ZERO = ledger.ZERO


# --- brand side -------------------------------------------------------------------------------------------


def activity_types(*, brand: Brand, active_only: bool = False) -> QuerySet[ActivityType]:
    qs = ActivityType.objects.filter(brand=brand)
    return qs.filter(is_active=True) if active_only else qs


def budget_list(*, brand: Brand) -> QuerySet[FundBudget]:
    return FundBudget.objects.filter(brand=brand).select_related("program")


def budget_get(*, brand: Brand, budget_id: int) -> FundBudget:
    budget = FundBudget.objects.filter(brand=brand, pk=budget_id).select_related("program").first()
    if budget is None:
        raise Http404
    return budget


def budget_allocations(*, budget: FundBudget) -> list[dict[str, Any]]:
    """Each allocation of a budget with its partner and balances (three queries whatever their number)."""
    allocations = list(
        FundAllocation.objects.filter(budget=budget).select_related("partner").order_by("partner__name")
    )
    balances = ledger.balances_of(a.pk for a in allocations)
    return [{"allocation": a, "partner": a.partner, "balance": balances[a.pk]} for a in allocations]


def budget_summary(*, budget: FundBudget) -> dict[str, Decimal]:
    """The budget's total, what its allocations were granted, and what is left to grant."""
    granted = ledger.budget_granted(budget.pk)
    return {"total": budget.total, "granted": granted, "left": budget.total - granted}


def request_queue(*, brand: Brand, status: str | None = None) -> QuerySet[FundRequest]:
    qs = FundRequest.objects.filter(brand=brand).select_related(
        "partner", "activity_type", "allocation__budget"
    )
    return qs.filter(status=status) if status else qs


def request_get(*, brand: Brand, request_id: int) -> FundRequest:
    found = request_queue(brand=brand).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def claim_list(*, brand: Brand, status: str | None = None) -> QuerySet[FundClaim]:
    qs = FundClaim.objects.filter(brand=brand).select_related("partner", "request__activity_type")
    return qs.filter(status=status) if status else qs


def claim_get(*, brand: Brand, claim_id: int) -> FundClaim:
    found = claim_list(brand=brand).filter(pk=claim_id).first()
    if found is None:
        raise Http404
    return found


def ledger_rows(*, brand: Brand, budget: FundBudget | None = None) -> QuerySet[FundEntry]:
    qs = FundEntry.objects.filter(brand=brand).select_related("partner", "allocation__budget")
    return qs.filter(allocation__budget=budget) if budget is not None else qs


# --- partner side -----------------------------------------------------------------------------------------


def partner_allocations(*, partner: PartnerCompany) -> list[dict[str, Any]]:
    """The partner's allocations, newest budget first, with their balances."""
    allocations = list(
        FundAllocation.objects.filter(brand_id=partner.brand_id, partner=partner)
        .select_related("budget")
        .order_by("-budget__period_start", "pk")
    )
    balances = ledger.balances_of(a.pk for a in allocations)
    return [{"allocation": a, "budget": a.budget, "balance": balances[a.pk]} for a in allocations]


def partner_allocation_get(*, partner: PartnerCompany, allocation_id: int) -> FundAllocation:
    found = (
        FundAllocation.objects.filter(brand_id=partner.brand_id, partner=partner, pk=allocation_id)
        .select_related("budget")
        .first()
    )
    if found is None:
        raise Http404
    return found


def partner_requests(*, partner: PartnerCompany) -> QuerySet[FundRequest]:
    return FundRequest.objects.filter(brand_id=partner.brand_id, partner=partner).select_related(
        "activity_type", "allocation__budget"
    )


def partner_request_get(*, partner: PartnerCompany, request_id: int) -> FundRequest:
    found = partner_requests(partner=partner).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def partner_claims(*, partner: PartnerCompany) -> QuerySet[FundClaim]:
    return FundClaim.objects.filter(brand_id=partner.brand_id, partner=partner).select_related("request")


def request_claims(*, request: FundRequest) -> QuerySet[FundClaim]:
    return FundClaim.objects.filter(request=request).prefetch_related("proofs")


def proof_find_for(*, user_brand_id: int, partner_id: int | None, proof_id: int) -> ClaimProof | None:
    """A proof as a user may see it: the brand's staff (``partner_id`` None) any of their brand's, a partner
    user only its own company's."""
    qs = ClaimProof.objects.filter(pk=proof_id, claim__brand_id=user_brand_id)
    if partner_id is not None:
        qs = qs.filter(claim__partner_id=partner_id)
    return qs.select_related("claim").first()


# --- accrual ----------------------------------------------------------------------------------------------


def validated_sellout_by_partner(*, budget: FundBudget, partner_ids: list[int]) -> dict[int, Decimal]:
    """The validated sell-out of each partner over the budget's period, in its currency: lines accepted
    (never flagged nor rejected) of reviewed declarations. One grouped SQL aggregate."""
    rows = (
        DeclarationLine.objects.filter(
            brand_id=budget.brand_id,
            partner_id__in=partner_ids,
            status=DeclarationLine.Status.ACCEPTED,
            declaration__status__in=REVIEWED,
            sale_date__gte=budget.period_start,
            sale_date__lte=budget.period_end,
            currency=budget.currency,
        )
        .values("partner_id")
        .annotate(total=Sum("amount"))
        .values_list("partner_id", "total")
    )
    return {partner_id: total or ZERO for partner_id, total in rows}


def partner_mdf_shares(*, budget: FundBudget, partner_ids: list[int]) -> dict[int, Decimal]:
    """The extra accrual percentage each partner's tier gives (its tier benefit ``mdf_share``), read from
    the latest tier it reached in the budget's program up to the budget's end. Brand-wide budgets: none."""
    if budget.program_id is None or budget.program is None:
        return {}
    tiers = program_effective_content(program=budget.program).get("tiers") or []
    shares = {
        tier["code"]: Decimal(str((tier.get("benefits") or {}).get("mdf_share") or 0))
        for tier in tiers
        if tier.get("code")
    }
    latest: dict[int, str] = {}
    moves = (
        TierMove.objects.filter(
            program_id=budget.program_id, partner_id__in=partner_ids, period_start__lte=budget.period_end
        )
        .order_by("partner_id", "-period_start", "-id")
        .values_list("partner_id", "tier")
    )
    for partner_id, tier in moves:
        latest.setdefault(partner_id, tier)
    return {pid: shares.get(tier, ZERO) for pid, tier in latest.items() if shares.get(tier)}


def accrued_allocations(
    *, budget: FundBudget, partner_ids: Sequence[int] | None = None
) -> list[FundAllocation]:
    """The budget's accrued allocations (of ``partner_ids`` only, when given), in id order."""
    allocations = FundAllocation.objects.filter(budget=budget, kind=AllocationKind.ACCRUED)
    if partner_ids is not None:
        allocations = allocations.filter(partner_id__in=partner_ids)
    return list(allocations.order_by("pk"))


def partner_accrues(*, partner: PartnerCompany) -> bool:
    """Whether the partner has an accrued allocation in any budget (its sell-out funds its marketing)."""
    return FundAllocation.objects.filter(
        brand_id=partner.brand_id, partner=partner, kind=AllocationKind.ACCRUED
    ).exists()


def period_is_over(*, budget: FundBudget, today: dt.date) -> bool:
    return today > budget.period_end
