"""Partners never read a segment's internal name on their insights page: its public label, or a neutral
one when the brand gave none."""

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.tests.factories import partner_user
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.insights.tests.views.test_views import JAN, PERIOD
from relais.network.services import segment_create, segment_public_label_set

pytestmark = pytest.mark.django_db


def test_the_partner_reads_the_public_label_or_the_neutral_one(brand, partner):
    drill = product(brand, "Drills", name="Perceuse 18V")
    declaration_with_lines(
        partner=partner, lines=[{"product": drill, "quantity": 4, "amount": "400", "sale_date": JAN}]
    )
    named = segment_create(brand=brand, name="Fort potentiel", rules={})
    unnamed = segment_create(brand=brand, name="Mono-marques", rules={})
    segment_public_label_set(segment=named, public_label="Grands comptes")
    rollup_refresh(brand=brand)
    html = (
        login_client(partner_user(partner)).get(reverse("insights:portal_insights"), PERIOD).content.decode()
    )
    assert "Grands comptes" in html
    assert "Comparable partners" in html
    assert named.name not in html
    assert unnamed.name not in html
