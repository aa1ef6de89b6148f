"""The defaults on the demo's clean data: fewer than 2 % of its lines flagged (the demo's few deliberate
price outliers included)."""

from __future__ import annotations

import random

import pytest

from relais.catalog.tests.factories import ProductFactory
from relais.network.models import PartnerKind
from relais.network.tests.factories import PartnerFactory
from relais.sellout.demo import load
from relais.sellout.models import DeclarationLine


@pytest.mark.django_db
def test_the_demo_flags_fewer_than_two_percent_of_its_lines(brand):
    for i in range(12):
        ProductFactory(brand=brand, family=["drills", "saws", "lights"][i % 3])
    for index in range(16):
        PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR if index % 4 == 0 else PartnerKind.RESELLER)

    counts = load(brand=brand, rng=random.Random(3))

    lines = DeclarationLine.objects.filter(brand=brand)
    flagged = lines.filter(status=DeclarationLine.Status.FLAGGED)
    by_anomaly = [line for line in flagged if line.anomalies]
    print(
        f"\ndemo: {counts['lines']} lines, {flagged.count()} flagged, {len(by_anomaly)} by the anomaly checks"
    )
    assert counts["lines"] > 2000
    assert flagged.count() / counts["lines"] < 0.02
