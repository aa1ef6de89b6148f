"""The funds pages: the partner asks and claims with proofs, the brand decides and pays; exports; proofs are
served to their partner and brand only."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.funds import ledger, services
from relais.funds.models import FundClaim, FundRequest
from relais.funds.tests.factories import PDF, PNG, activity, approved_request, fixed_allocation, photo

pytestmark = pytest.mark.django_db


def test_partner_requests_brand_approves_partner_claims_brand_pays(
    brand, partner, partner_admin, brand_admin
):
    kind = activity(brand)
    allocation = fixed_allocation(partner, amount="1000")
    partner_client = login_client(partner_admin)
    page = partner_client.get(reverse("funds:mine"))
    assert page.status_code == 200 and "1,000.00" in page.content.decode()
    form = {
        "allocation": allocation.pk,
        "activity_type": kind.pk,
        "title": "Annonce presse",
        "planned_cost": "400",
        "starts_on": "2026-11-01",
        "ends_on": "2026-11-30",
        "expected_results": "Plus de visites",
        "idempotency_key": "form-1",
    }
    response = partner_client.post(reverse("funds:mine"), form)
    partner_client.post(reverse("funds:mine"), form)  # the same form posted twice: one request
    request = FundRequest.objects.get()
    assert response.status_code == 302

    staff = login_client(brand_admin)
    assert "Annonce presse" in staff.get(reverse("funds:requests")).content.decode()
    staff.post(reverse("funds:request_decide", args=[request.pk]), {"decision": "full"})
    assert ledger.balance_of(allocation.pk).reserved == Decimal("400")
    assert staff.get(reverse("funds:request_detail", args=[request.pk])).status_code == 200

    partner_client.post(
        reverse("funds:my_request", args=[request.pk]),
        {
            "actual_cost": "380",
            "idempotency_key": "claim-1",
            "proofs": [
                SimpleUploadedFile("facture.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("annonce.png", PNG, content_type="image/png"),
            ],
        },
    )
    claim = FundClaim.objects.get()
    staff.post(reverse("funds:claim_decide", args=[claim.pk]), {"decision": "full"})
    staff.post(reverse("funds:claim_pay", args=[claim.pk]), {"reference": "VIR-42", "paid_on": "2026-12-01"})
    claim.refresh_from_db()
    assert claim.status == "paid"
    balance = ledger.balance_of(allocation.pk)
    assert (balance.available, balance.paid) == (Decimal("620"), Decimal("380"))
    assert "VIR-42" in partner_client.get(reverse("funds:my_request", args=[request.pk])).content.decode()


def test_a_seller_sees_the_funds_but_cannot_request(brand, partner, partner_seller):
    kind = activity(brand)
    allocation = fixed_allocation(partner)
    client = login_client(partner_seller)
    assert client.get(reverse("funds:mine")).status_code == 200
    response = client.post(
        reverse("funds:mine"),
        {
            "allocation": allocation.pk,
            "activity_type": kind.pk,
            "title": "x",
            "planned_cost": "1",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-02",
            "expected_results": "x",
            "idempotency_key": "k",
        },
    )
    assert response.status_code == 403
    assert not FundRequest.objects.exists()


def test_a_bad_proof_is_refused_with_its_name(brand, partner, partner_admin):
    activity(brand)
    request = approved_request(fixed_allocation(partner))
    response = login_client(partner_admin).post(
        reverse("funds:my_request", args=[request.pk]),
        {
            "actual_cost": "10",
            "idempotency_key": "c",
            "proofs": [SimpleUploadedFile("script.pdf", b"<script>")],
        },
        follow=True,
    )
    assert "script.pdf is not a PDF, JPEG or PNG file." in response.content.decode()
    assert not FundClaim.objects.exists()


def test_proof_is_served_to_its_partner_and_brand_only(
    brand, partner, other_partner, partner_admin, brand_admin
):
    activity(brand, proofs=("photo",))
    request = approved_request(fixed_allocation(partner))
    claim = services.fund_claim_submit(
        request=request, actual_cost=Decimal("10"), files=[photo()], idempotency_key="c"
    )
    url = reverse("funds:proof", args=[claim.proofs.get().pk])
    for owner in (partner_admin, brand_admin):
        response = login_client(owner).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response.getvalue() == PNG
    stranger = partner_user(other_partner, role=Role.PARTNER_ADMIN)
    assert login_client(stranger).get(url).status_code == 404


def test_ledger_exports_in_csv_and_xlsx(brand, partner, admin_client_brand):
    fixed_allocation(partner, amount="1000")
    csv = admin_client_brand.get(reverse("funds:ledger_export") + "?format=csv")
    assert b"Fixed allocation" in csv.getvalue()
    xlsx = admin_client_brand.get(reverse("funds:ledger_export") + "?format=xlsx")
    assert xlsx.getvalue()[:2] == b"PK"


def test_brand_creates_a_budget_and_allocates(brand, partner, admin_client_brand):
    response = admin_client_brand.post(
        reverse("funds:brand_home"),
        {
            "budget-name": "MDF 2027",
            "budget-period_start": "2027-01-01",
            "budget-period_end": "2027-12-31",
            "budget-total": "5000",
        },
    )
    assert response.status_code == 302
    url = response["Location"]
    admin_client_brand.post(url, {"partner": partner.pk, "kind": "accrued", "percent": "2", "cap": "500"})
    page = admin_client_brand.get(url).content.decode()
    assert "Quincaillerie Martin" in page and "cap 500.00" in page
