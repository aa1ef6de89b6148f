"""The brand's objectives: one table row per objective (partner, metric, period, target, attainment),
filterable by partner and metric, paginated, instead of a card per objective."""

from datetime import date
from decimal import Decimal

import pytest

from relais.network.tests.factories import PartnerFactory
from relais.programs.objectives import account_objective_set as objective_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def objectives(brand, other_brand):
    for index in range(55):
        partner = PartnerFactory(brand=brand, name=f"Magasin {index:02d}", code=f"M{index:02d}")
        objective_set(
            brand=brand,
            partner=partner,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            metric="units" if index % 2 else "amount",
            target=Decimal(100 + index),
        )
    foreign = PartnerFactory(brand=other_brand, name="Magasin étranger")
    objective_set(
        brand=other_brand,
        partner=foreign,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        metric="units",
        target=Decimal(1),
    )


def test_objectives_are_a_paginated_table(admin_client_brand, objectives):
    response = admin_client_brand.get("/brand/objectives/")
    html = response.content.decode()
    assert 'data-testid="objective-table"' in html
    assert html.count('data-testid="objective"') == 50
    assert response.context["page"].paginator.count == 55
    assert "Magasin étranger" not in html
    second = admin_client_brand.get("/brand/objectives/", {"page": 2})
    assert second.content.decode().count('data-testid="objective"') == 5


def test_objectives_filter_by_partner_and_metric(admin_client_brand, objectives):
    found = admin_client_brand.get("/brand/objectives/", {"q": "magasin 1", "metric": "units"})
    names = [row["objective"].partner.name for row in found.context["rows"]]
    assert names == [f"Magasin 1{i}" for i in (1, 3, 5, 7, 9)]
    assert "q=magasin+1" in found.context["query"]
    none = admin_client_brand.get("/brand/objectives/", {"q": "zzz"})
    assert "No objective matches these filters." in none.content.decode()
