"""The partner picker's suggestions: the brand's own partners matching the search, ten at most, and the
points explorer filters on the partner chosen there instead of listing every partner in a drop-down."""

import pytest
from django.urls import reverse

from conftest import login_client
from relais.incentives.models import PointsEntry
from relais.incentives.tests.factories import credit
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_suggestions_are_the_brands_partners_matching_the_search(brand_admin, brand, other_brand):
    for index in range(14):
        PartnerFactory(brand=brand, name=f"Quincaillerie {index:02d}", city="Lyon")
    PartnerFactory(brand=brand, name="Brico Nord", code="BN1")
    PartnerFactory(brand=other_brand, name="Quincaillerie étrangère")
    client = login_client(brand_admin)
    url = reverse("network:partner_search")
    many = client.get(url, {"q": "quinc"})
    assert len(many.context["partners"]) == 10
    assert "étrangère" not in many.content.decode()
    one = client.get(url, {"q": "bn1"}).content.decode()
    assert 'data-pick-label="Brico Nord (BN1)"' in one
    assert "No partner matches." in client.get(url, {"q": "zzz"}).content.decode()
    assert client.get(url, {"q": ""}).content.decode().strip() == ""


def test_partners_cannot_search_the_registry(partner_admin):
    assert login_client(partner_admin).get(reverse("network:partner_search"), {"q": "a"}).status_code == 403


def test_the_points_explorer_has_a_partner_search_not_a_drop_down(brand_admin, brand, partner, other_partner):
    for _ in range(30):
        PartnerFactory(brand=brand)
    credit(partner, 40)
    credit(other_partner, 70)
    client = login_client(brand_admin)
    html = client.get(reverse("incentives:ledger")).content.decode()
    filters = html[
        html.index('data-testid="ledger-filters"') : html.index(
            "</form>", html.index('data-testid="ledger-filters"')
        )
    ]
    assert 'select name="partner"' not in filters
    assert "data-partner-picker" in filters and reverse("network:partner_search") in filters
    chosen = client.get(reverse("incentives:ledger"), {"partner": partner.pk})
    assert {e.partner_id for e in chosen.context["page"]} == {partner.pk}
    assert f'value="{partner.name} ({partner.code})"' in chosen.content.decode()


def test_the_manual_adjustment_picks_its_partner_by_search_too(brand_admin, brand, partner):
    for _ in range(30):
        PartnerFactory(brand=brand)
    client = login_client(brand_admin)
    html = client.get(reverse("incentives:ledger")).content.decode()
    adjust = html[
        html.index('data-testid="adjust"') : html.index("</form>", html.index('data-testid="adjust"'))
    ]
    assert "<select" not in adjust.split('name="amount"')[0]  # no drop-down of every partner
    client.post(
        reverse("incentives:ledger"),
        {"partner": partner.pk, "amount": "5", "reason": "geste", "idempotency_key": "k1", "q": "x"},
    )
    assert [e.amount for e in PointsEntry.objects.filter(partner=partner, kind="adjust")] == [5]
