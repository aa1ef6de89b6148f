"""The anomaly checks on a simulated network with seasonality and growth: anomalies of each kind injected
into one month's files are flagged (≥ 90 %), clean lines are not (≤ 2 %)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from relais.core.tests.factories import BrandFactory
from relais.sellout.ingest.engine import Engine
from relais.sellout.models import Declaration, DeclarationLine, SalesHistory, Source
from relais.sellout.tests.anomalies.network import MONTH, days_in, file_frame, inject, network_build

pytestmark = pytest.mark.django_db


def declare_month(network, lines):
    """Each partner's lines of the month as one file through the engine; (kind, status, anomaly codes)."""
    outcome = []
    end = MONTH + dt.timedelta(days=days_in(MONTH) - 1)
    for p, partner in enumerate(network.partners):
        mine = [line for line in lines if line["partner"] == p]
        declaration = Declaration.objects.create(
            brand=network.brand, partner=partner, period_start=MONTH, period_end=end, source=Source.FILE
        )
        engine = Engine(
            declaration=declaration,
            default_decimal=".",
            options={"decimal": ".", "date_order": "dmy"},
            period=(MONTH, end),
            staged=True,
        )
        engine.run_batch(file_frame(mine), raw_columns=None)
        engine.finish()
        stored = {line.source_row: line for line in DeclarationLine.objects.filter(declaration=declaration)}
        for row, line in enumerate(mine, start=2):
            found = stored[row]
            outcome.append((line["kind"], found.status, {a["code"] for a in found.anomalies}))
    return outcome


def test_injected_anomalies_are_flagged_and_clean_lines_are_not():
    brand = BrandFactory()
    network = network_build(brand)
    clean = [line for p in range(len(network.partners)) for line in network.month_lines(p, MONTH)]
    outcome = declare_month(network, inject(network, clean))

    flagged = Counter(kind for kind, status, _codes in outcome if status == DeclarationLine.Status.FLAGGED)
    total = Counter(kind for kind, _status, _codes in outcome)
    rates = {kind: flagged[kind] / total[kind] for kind in total}
    injected = sum(total.values()) - total["clean"]
    caught = sum(flagged[k] for k in total if k != "clean")
    print(f"\nflagged by kind: {dict(flagged)} of {dict(total)}; rates {rates}")
    assert total["clean"] > 5000
    assert caught / injected >= 0.9
    for kind in ("big", "duplicate", "price", "surge"):
        assert rates[kind] >= 0.9, (kind, rates)
    assert rates["clean"] <= 0.02
    codes = {kind: set().union(*(c for k, s, c in outcome if k == kind)) for kind in total}
    assert "quantity_high" in codes["big"]
    assert codes["duplicate"] == {"duplicate_in_file"}
    assert "week_volume" in codes["surge"]


def test_clean_month_flags_almost_nothing_and_feeds_the_history():
    brand = BrandFactory()
    network = network_build(brand, partners=12, seed=11)
    lines = [line for p in range(len(network.partners)) for line in network.month_lines(p, MONTH)]
    outcome = declare_month(network, lines)

    flagged = sum(1 for _kind, status, _codes in outcome if status == DeclarationLine.Status.FLAGGED)
    assert flagged / len(outcome) <= 0.02
    declared = SalesHistory.objects.filter(brand=brand, month=MONTH)
    units = sum(h.units for h in declared)
    accepted = DeclarationLine.objects.filter(brand=brand, status=DeclarationLine.Status.ACCEPTED)
    assert units == sum(line.quantity for line in accepted)
