"""Marketing funds accrued on validated sell-out only, through the real declaration and review follow-ups: a
flagged line accrues nothing until approved, a rejected one never; sell-out that counted and no longer does is
taken back by a reversal entry (accruals are never edited); the follow-up's job and the nightly run, in either
order and any number of times, end on the same ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from relais.core.models import Job
from relais.followups.declarations import declaration_counted, declaration_submit
from relais.followups.review import lines_review
from relais.funds import ledger, services
from relais.funds.models import EntryKind, FundEntry
from relais.funds.tests.factories import activity, budget
from relais.sellout.models import Declaration, DeclarationLine, ReviewReason, Source
from relais.sellout.services import declaration_create, declaration_lines_add
from relais.sellout.tests.factories import catalogue, ean13

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def allocation(brand, partner):
    """10 % of the partner's validated sell-out of the fourth quarter."""
    catalogue(brand, count=3)
    return services.allocation_set(budget=budget(brand), partner=partner, kind="accrued", percent=D("10"))


@pytest.fixture
def submitted(partner, allocation, django_capture_on_commit_callbacks):
    """A submitted declaration: one clean line of 60.00, two flagged (100.00 and 400.00, far above list)."""
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": ean13(1), "quantity": "3", "sale_date": "2026-10-01", "amount": "60.00"},
            {"gtin": ean13(3), "quantity": "1", "sale_date": "2026-10-03", "amount": "100.00"},
            {"gtin": ean13(2), "quantity": "2", "sale_date": "2026-10-04", "amount": "400.00"},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)
    assert declaration.lines_flagged == 2
    return declaration


def flagged(declaration: Declaration) -> list[DeclarationLine]:
    return list(
        DeclarationLine.objects.filter(
            declaration=declaration, status=DeclarationLine.Status.FLAGGED
        ).order_by("amount")
    )


def review(brand, user, lines, *, approve, capture):
    with capture(execute=True):
        lines_review(
            brand=brand,
            line_ids=[line.pk for line in lines],
            approve=approve,
            reason_code=ReviewReason.CHECKED if approve else ReviewReason.OTHER,
            user=user,
        )


def nightly(allocation):
    services.allocation_accrue(budget=allocation.budget)


def entries(allocation) -> list[tuple[str, Decimal]]:
    return list(FundEntry.objects.filter(allocation=allocation).order_by("pk").values_list("kind", "amount"))


def test_a_flagged_line_accrues_nothing_until_approved(
    brand, channel_manager, allocation, submitted, django_capture_on_commit_callbacks
):
    # Submitted with flagged lines, the declaration is not reviewed: none of its lines accrue yet.
    nightly(allocation)
    assert ledger.balance_of(allocation.pk).granted == 0
    assert Job.objects.filter(kind="funds_accrue", partner_id=allocation.partner_id).exists()

    small, large = flagged(submitted)
    review(brand, channel_manager, [small], approve=True, capture=django_capture_on_commit_callbacks)
    assert ledger.balance_of(allocation.pk).granted == 0  # one line still flagged

    review(brand, channel_manager, [large], approve=True, capture=django_capture_on_commit_callbacks)
    assert entries(allocation) == [(EntryKind.ACCRUAL, D("56.00"))]  # 10 % of 60 + 100 + 400, at once


@pytest.mark.parametrize("nightly_first", [True, False], ids=["nightly-then-review", "review-then-nightly"])
def test_a_rejected_line_never_accrues_in_either_order(
    brand, channel_manager, allocation, submitted, nightly_first, django_capture_on_commit_callbacks
):
    small, large = flagged(submitted)
    review(brand, channel_manager, [small], approve=True, capture=django_capture_on_commit_callbacks)
    if nightly_first:
        nightly(allocation)
    review(brand, channel_manager, [large], approve=False, capture=django_capture_on_commit_callbacks)
    nightly(allocation)
    nightly(allocation)

    assert entries(allocation) == [(EntryKind.ACCRUAL, D("16.00"))]  # 10 % of 60 + 100; never the 400


@pytest.mark.parametrize("nightly_first", [True, False], ids=["nightly-then-recount", "recount-then-nightly"])
def test_sell_out_that_no_longer_counts_is_reversed_by_an_entry(
    brand, channel_manager, allocation, submitted, nightly_first, django_capture_on_commit_callbacks
):
    review(
        brand, channel_manager, flagged(submitted), approve=True, capture=django_capture_on_commit_callbacks
    )
    assert ledger.balance_of(allocation.pk).granted == D("56.00")
    large = DeclarationLine.objects.get(declaration=submitted, amount=D("400.00"))

    # The 400.00 line stops counting (no service rejects a counted line today: the ledger must still follow).
    DeclarationLine.objects.filter(pk=large.pk).update(status=DeclarationLine.Status.REJECTED)
    if nightly_first:
        nightly(allocation)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_counted(declaration=submitted)
    nightly(allocation)

    assert entries(allocation) == [(EntryKind.ACCRUAL, D("56.00")), (EntryKind.REVERSAL, D("40.00"))]
    balance = ledger.balance_of(allocation.pk)
    assert (balance.accrued, balance.granted, balance.available) == (D("56.00"), D("16.00"), D("16.00"))
    assert ledger.budget_granted(allocation.budget_id) == D("16.00")

    # Counted again: accrued again, by a new entry (the keys are cumulative sums, which only grow).
    DeclarationLine.objects.filter(pk=large.pk).update(status=DeclarationLine.Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_counted(declaration=submitted)
    nightly(allocation)
    assert entries(allocation)[2:] == [(EntryKind.ACCRUAL, D("40.00"))]
    assert ledger.balance_of(allocation.pk).granted == D("56.00")


def test_a_reversal_takes_only_what_is_available_and_the_rest_once_released(
    brand, channel_manager, allocation, submitted, django_capture_on_commit_callbacks
):
    review(
        brand, channel_manager, flagged(submitted), approve=True, capture=django_capture_on_commit_callbacks
    )
    request = services.fund_request_submit(
        allocation=allocation,
        activity_type=activity(brand),
        title="Annonce presse",
        planned_cost=D("50.00"),
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        idempotency_key="r1",
    )
    services.fund_request_decide(request=request, decision="full")
    DeclarationLine.objects.filter(declaration=submitted, amount=D("400.00")).update(
        status=DeclarationLine.Status.REJECTED
    )

    nightly(allocation)
    # 40.00 should go back, but 50.00 of the 56.00 funds an approved activity: 6.00 is taken now.
    assert entries(allocation)[-1] == (EntryKind.REVERSAL, D("6.00"))
    assert ledger.balance_of(allocation.pk).available == 0

    services.fund_request_cancel(request=request)
    nightly(allocation)
    nightly(allocation)
    assert [e for e in entries(allocation) if e[0] == EntryKind.REVERSAL] == [
        (EntryKind.REVERSAL, D("6.00")),
        (EntryKind.REVERSAL, D("34.00")),
    ]
    balance = ledger.balance_of(allocation.pk)
    assert (balance.granted, balance.available, balance.signed_sum) == (D("16.00"), D("16.00"), D("16.00"))


def test_no_job_for_a_partner_without_an_accrued_allocation(
    partner, other_partner, allocation, django_capture_on_commit_callbacks
):
    declaration = declaration_create(
        partner=other_partner,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        source=Source.FORM,
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[{"gtin": ean13(1), "quantity": "3", "sale_date": "2026-10-01", "amount": "60.00"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)

    assert not Job.objects.filter(kind="funds_accrue").exists()
