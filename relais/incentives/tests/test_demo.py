import pytest

from relais.demo import demo_load
from relais.incentives.models import Challenge, PointsAccount, RedemptionOrder, Reward
from relais.incentives.tests.conftest import assert_ledger_consistent


@pytest.mark.django_db
def test_demo_loads_challenges_catalogue_orders_and_a_consistent_ledger():
    result = demo_load()

    brand = result.brand
    assert "relais.incentives.demo" in result.extensions
    statuses = dict(Challenge.objects.filter(brand=brand).values_list("name", "status"))
    assert statuses["Rentrée chantier 2026"] == "closed"
    assert statuses["Défi fin d'année 2026"] == "running"
    assert Reward.objects.filter(brand=brand).count() == 12
    assert RedemptionOrder.objects.filter(brand=brand).count() >= 2
    for account in PointsAccount.objects.filter(brand=brand):
        assert_ledger_consistent(account)
