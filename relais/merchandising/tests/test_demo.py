"""The merchandising demo: POS items with orders in each state, a checklist and visits with photos."""

import random

import pytest

from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.merchandising import demo
from relais.merchandising.models import PosOrder, StoreVisit, VisitAnswer
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_demo_writes_orders_in_each_state_and_visits_with_photos(brand):
    UserFactory(brand=brand, role=Role.BRAND_ADMIN)
    PartnerFactory.create_batch(8, brand=brand)

    counts = demo.load(brand=brand, rng=random.Random(1))

    assert set(PosOrder.objects.values_list("status", flat=True)) == set(PosOrder.Status.values)
    assert StoreVisit.objects.filter(status=StoreVisit.Status.REVIEWED).count() == 4
    assert VisitAnswer.objects.exclude(photo="").count() == counts["store visits"] == 6
    assert VisitAnswer.objects.filter(status=VisitAnswer.Status.REJECTED).exists()
