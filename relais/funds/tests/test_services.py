"""The funds services: allocation, accrual from validated sell-out only, requests, claims, payment, expiry,
idempotency and the proof checks."""

import datetime as dt
from decimal import Decimal

import pytest

from relais.core.errors import ApplicationError
from relais.funds import ledger, services
from relais.funds.models import ClaimProof, EntryKind, FundEntry, FundRequest
from relais.funds.proofs import MAX_PROOF_BYTES, ProofFile
from relais.funds.tests.factories import (
    JPEG,
    PDF,
    activity,
    approved_request,
    budget,
    fixed_allocation,
    fund_request,
    invoice,
    photo,
)
from relais.programs.models import TierMove
from relais.programs.tests.factories import ProgramFactory, sell
from relais.sellout.models import Declaration, DeclarationLine
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db
D = Decimal


def balance(allocation):
    return ledger.balance_of(allocation.pk)


def test_fixed_allocation_grants_within_the_budget(brand, partner, other_partner):
    pot = budget(brand, total="1500")
    allocation = fixed_allocation(partner, amount="1000", in_budget=pot)
    assert balance(allocation).available == D("1000")
    with pytest.raises(ApplicationError) as exc:
        fixed_allocation(other_partner, amount="600", in_budget=pot)
    assert exc.value.extra["code"] == "budget_exceeded"
    # Raising the amount grants the difference only; setting it again changes nothing.
    services.allocation_set(budget=pot, partner=partner, kind="fixed", amount=D("1200"))
    services.allocation_set(budget=pot, partner=partner, kind="fixed", amount=D("1200"))
    assert balance(allocation).granted == D("1200")
    assert FundEntry.objects.filter(allocation=allocation, kind=EntryKind.ALLOCATION).count() == 2


def test_request_approval_reserves_and_payment_releases_the_rest(brand, partner, brand_admin):
    activity(brand)
    allocation = fixed_allocation(partner, amount="1000")
    request = fund_request(allocation, cost="400")
    assert balance(allocation).available == D("1000")  # asking reserves nothing
    services.fund_request_decide(request=request, decision="partial", amount=D("300"), by=brand_admin)
    assert (balance(allocation).available, balance(allocation).reserved) == (D("700"), D("300"))
    claim = services.fund_claim_submit(
        request=request, actual_cost=D("250"), files=[invoice(), photo()], idempotency_key="c1"
    )
    claim = services.fund_claim_decide(claim=claim, decision="full", by=brand_admin)
    assert claim.approved_amount == D("250")
    services.fund_claim_pay(
        claim=claim, reference="VIR-2026-118", paid_on=dt.date(2026, 12, 1), by=brand_admin
    )
    after = balance(allocation)
    assert (after.available, after.reserved, after.paid) == (D("750"), D("0"), D("250"))
    request.refresh_from_db()
    assert request.status == FundRequest.Status.CLOSED
    assert after.signed_sum == after.available


def test_refused_request_needs_a_reason_and_reserves_nothing(brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner)
    request = fund_request(allocation)
    with pytest.raises(ApplicationError):
        services.fund_request_decide(request=request, decision="refused")
    services.fund_request_decide(request=request, decision="refused", reason="Hors charte")
    assert balance(allocation).reserved == 0


def test_approval_never_exceeds_what_is_available(brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner, amount="500")
    approved_request(allocation, cost="400")
    with pytest.raises(ApplicationError) as exc:
        approved_request(allocation, cost="200")
    assert exc.value.extra["code"] == "insufficient_funds"
    assert balance(allocation).available == D("100")


def test_cancel_releases_the_reservation(brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner, amount="500")
    request = approved_request(allocation, cost="400")
    services.fund_request_cancel(request=request)
    assert balance(allocation).available == D("500")


def test_refused_claim_releases_and_closes(brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner, amount="500")
    request = approved_request(allocation, cost="400")
    claim = services.fund_claim_submit(
        request=request, actual_cost=D("400"), files=[invoice(), photo()], idempotency_key="c"
    )
    services.fund_claim_decide(claim=claim, decision="refused", reason="Facture illisible")
    assert balance(allocation).available == D("500")


def test_requests_and_claims_are_idempotent_per_key(brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner)
    first = fund_request(allocation, key="same")
    again = fund_request(allocation, key="same", cost="999")
    assert first.pk == again.pk and FundRequest.objects.count() == 1
    services.fund_request_decide(request=first, decision="full")
    c1 = services.fund_claim_submit(
        request=first, actual_cost=D("10"), files=[invoice(), photo()], idempotency_key="k"
    )
    c2 = services.fund_claim_submit(
        request=first, actual_cost=D("10"), files=[invoice(), photo()], idempotency_key="k"
    )
    assert c1.pk == c2.pk and ClaimProof.objects.count() == 2


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "at least one proof"),
        ([ProofFile("virus.exe", b"MZ\x90\x00")], "virus.exe is not a PDF"),
        ([ProofFile("fake.pdf", b"<html>")], "fake.pdf is not a PDF"),
        ([ProofFile("big.pdf", PDF + b"0" * MAX_PROOF_BYTES)], "big.pdf is larger than"),
        ([ProofFile(f"p{i}.jpg", JPEG) for i in range(9)], "At most"),
        ([ProofFile("photo.jpg", JPEG)], "needs these proofs too: Invoice"),
    ],
)
def test_proofs_are_checked_by_content_size_count_and_rules(brand, partner, files, message):
    activity(brand, proofs=("invoice", "photo"))
    request = approved_request(fixed_allocation(partner))
    with pytest.raises(ApplicationError) as exc:
        services.fund_claim_submit(request=request, actual_cost=D("100"), files=files, idempotency_key="x")
    assert message in exc.value.message
    assert not ClaimProof.objects.exists()


def test_proofs_are_stored_outside_media_root(brand, partner, settings):
    activity(brand)
    request = approved_request(fixed_allocation(partner))
    claim = services.fund_claim_submit(
        request=request, actual_cost=D("100"), files=[invoice(), photo()], idempotency_key="x"
    )
    path = claim.proofs.order_by("pk")[0].file.path
    assert not path.startswith(str(settings.MEDIA_ROOT) + "/")
    assert {p.content_type for p in claim.proofs.all()} == {"application/pdf", "image/png"}


def test_accrual_counts_validated_lines_only_and_reruns_change_nothing(brand, partner):
    products = catalogue(brand, count=1)
    pot = budget(brand)
    allocation = services.allocation_set(
        budget=pot, partner=partner, kind="accrued", percent=D("5"), cap=D("80")
    )
    sell(partner, products[0], day=dt.date(2026, 10, 5), amount="1000.00")
    flagged = sell(partner, products[0], day=dt.date(2026, 10, 6), amount="400.00")
    DeclarationLine.objects.filter(pk=flagged.pk).update(status=DeclarationLine.Status.FLAGGED)
    rejected = sell(partner, products[0], day=dt.date(2026, 10, 7), amount="300.00")
    DeclarationLine.objects.filter(pk=rejected.pk).update(status=DeclarationLine.Status.REJECTED)
    sell(partner, products[0], day=dt.date(2026, 11, 3), amount="200.00", status=Declaration.Status.SUBMITTED)
    sell(partner, products[0], day=dt.date(2026, 9, 30), amount="5000.00")  # before the period

    services.allocation_accrue(budget=pot)
    assert balance(allocation).accrued == D("50.00")  # 5 % of the one validated 1000
    services.allocation_accrue(budget=pot)
    assert FundEntry.objects.filter(kind=EntryKind.ACCRUAL).count() == 1

    # The brand approves the flagged line: the next run accrues it, up to the cap.
    DeclarationLine.objects.filter(pk=flagged.pk).update(status=DeclarationLine.Status.ACCEPTED)
    services.allocation_accrue(budget=pot)
    assert balance(allocation).accrued == D("70.00")
    sell(partner, products[0], day=dt.date(2026, 10, 20), amount="1000.00")
    services.allocation_accrue(budget=pot)
    assert balance(allocation).accrued == D("80.00")  # capped
    services.allocation_accrue(budget=pot)
    assert FundEntry.objects.filter(kind=EntryKind.ACCRUAL).count() == 3


def test_tier_mdf_share_raises_the_accrual_rate(brand, partner):
    products = catalogue(brand, count=1)
    program = ProgramFactory(
        brand=brand,
        content={"tiers": [{"code": "gold", "name": "Gold", "min_amount": 0, "benefits": {"mdf_share": 2}}]},
    )
    TierMove.objects.create(
        brand=brand,
        program=program,
        partner=partner,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        tier="gold",
    )
    pot = budget(brand, program=program)
    allocation = services.allocation_set(budget=pot, partner=partner, kind="accrued", percent=D("3"))
    sell(partner, products[0], day=dt.date(2026, 10, 5), amount="1000.00")
    services.allocation_accrue(budget=pot)
    assert balance(allocation).accrued == D("50.00")  # (3 + 2) %


def test_expiry_after_the_period_takes_what_is_available(brand, partner):
    activity(brand)
    allocation = fixed_allocation(partner, amount="1000")
    approved_request(allocation, cost="300")
    assert services.budget_expire(budget=allocation.budget, today=dt.date(2026, 12, 31)) == []
    services.budget_expire(budget=allocation.budget, today=dt.date(2027, 1, 1))
    services.budget_expire(budget=allocation.budget, today=dt.date(2027, 1, 2))
    after = balance(allocation)
    assert (after.available, after.reserved, after.expired) == (D("0"), D("300"), D("700"))
