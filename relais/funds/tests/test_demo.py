"""The funds demo: budgets on the base program and a segment program, fixed and accrued allocations, requests
in every state, claims with a PDF invoice made by fpdf2 and a PNG photo, payments; the ledger consistent."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.funds import demo, ledger
from relais.funds.models import ClaimProof, FundAllocation, FundBudget, FundClaim, FundRequest
from relais.network.tests.factories import PartnerFactory
from relais.programs.tests.factories import ProgramFactory, sell
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db


def test_the_demo_writes_every_state_with_proof_files(brand):
    today = timezone.localdate()
    UserFactory(brand=brand, role=Role.BRAND_ADMIN)
    year = {"period_start": dt.date(today.year, 1, 1), "period_end": dt.date(today.year, 12, 31)}
    base = ProgramFactory(brand=brand, name="Programme réseau", **year)
    ProgramFactory(brand=brand, name="Programme pros", base=base, **year)
    product = catalogue(brand, count=1)[0]
    for i in range(6):
        partner = PartnerFactory(brand=brand, code=f"P{i:02d}")
        partner_user(partner, role=Role.PARTNER_ADMIN)
        sell(partner, product, day=dt.date(today.year, 3, 10), amount="90000.00")

    counts = demo.load(brand=brand, rng=random.Random(1))

    assert counts["fund budgets"] == FundBudget.objects.filter(brand=brand).count() == 2
    assert {b.program.name for b in FundBudget.objects.filter(brand=brand) if b.program} == {
        "Programme réseau",
        "Programme pros",
    }
    assert set(FundAllocation.objects.values_list("kind", flat=True)) == {"fixed", "accrued"}
    assert set(FundRequest.objects.values_list("status", flat=True)) == {
        "submitted",
        "approved",
        "partial",
        "refused",
        "cancelled",
        "closed",
    }
    assert set(FundClaim.objects.values_list("status", flat=True)) == {"submitted", "approved", "paid"}
    assert counts["payments"] == 2
    pdf = ClaimProof.objects.filter(kind="invoice").first()
    assert pdf is not None and pdf.file.open("rb").read(5) == b"%PDF-"
    for allocation in FundAllocation.objects.all():
        balance = ledger.balance_of(allocation.pk)
        assert balance.available >= 0
        assert balance.granted == balance.available + balance.reserved + balance.paid + balance.expired
