"""The defaults on the demo's clean data: fewer than 2 % of its lines flagged (the demo's few deliberate
price outliers included), small B2B partners (6 to 12 units a line, a few lines a week) included: the full
demo flagged 2.06 % of its lines before the week check allowed for their lumpiness, 0.85 % after."""

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
    b2b = [PartnerKind.DISTRIBUTOR, PartnerKind.WHOLESALER, PartnerKind.AGENT]
    for index in range(30):
        PartnerFactory(brand=brand, kind=b2b[index % 3] if index % 2 == 0 else PartnerKind.RESELLER)

    counts = load(brand=brand, rng=random.Random(3))

    lines = DeclarationLine.objects.filter(brand=brand)
    flagged = lines.filter(status=DeclarationLine.Status.FLAGGED)
    by_anomaly = [line for line in flagged if line.anomalies]
    print(
        f"\ndemo: {counts['lines']} lines, {flagged.count()} flagged, {len(by_anomaly)} by the anomaly checks"
    )
    weeks = [line for line in by_anomaly if "week_volume" in {a["code"] for a in line.anomalies}]
    assert counts["lines"] > 4000
    assert flagged.count() / counts["lines"] < 0.02
    assert len(weeks) / counts["lines"] < 0.01
