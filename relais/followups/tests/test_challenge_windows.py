"""The last days of a running challenge: the follow-ups hand the partner's running challenges to the anomaly
checks, which compare the challenge's last seven days with the partner's usual days at a stricter ratio."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from relais.core.tests.factories import BrandFactory
from relais.followups.declarations import challenge_windows_of, declaration_declare
from relais.incentives.models import Challenge
from relais.incentives.tests.factories import ChallengeFactory
from relais.sellout import services as sellout
from relais.sellout.anomalies.windows import ChallengeWindow
from relais.sellout.models import DeclarationLine, Source
from relais.sellout.tests.anomalies.network import MONTH, days_in, network_build

pytestmark = pytest.mark.django_db
END = MONTH + dt.timedelta(days=days_in(MONTH) - 1)
LAST_DAYS = END - dt.timedelta(days=6)


def month_with_last_week_times(network, p: int, factor: float) -> list[dict]:
    """Partner ``p``'s usual month, its last seven days' lines repeated up to ``factor`` times the volume."""
    lines = network.month_lines(p, MONTH)
    last = [line for line in lines if line["sale_date"] >= LAST_DAYS]
    extra: list[dict] = []
    target, i = (factor - 1) * sum(line["quantity"] for line in last), 0
    while sum(line["quantity"] for line in extra) < target:
        line = last[i % len(last)]
        extra.append({**line, "invoice_ref": f"{line['invoice_ref']}X{i}"})
        i += 1
    return [
        {k: line[k] for k in ("gtin", "quantity", "unit_price", "sale_date", "invoice_ref")}
        for line in lines + extra
    ]


def flagged_codes(declaration) -> dict[bool, set[str]]:
    """Anomaly codes of the lines, split by whether the line is in the challenge's last seven days."""
    out: dict[bool, set[str]] = {True: set(), False: set()}
    for line in DeclarationLine.objects.filter(declaration=declaration):
        out[line.sale_date >= LAST_DAYS] |= {a["code"] for a in line.anomalies}
    return out


@pytest.fixture
def network():
    brand = BrandFactory()
    built = network_build(brand, partners=8, seed=5)
    ChallengeFactory(brand=brand, name="Sprint de novembre", period_start=MONTH, period_end=END)
    ChallengeFactory(
        brand=brand, name="Brouillon", period_start=MONTH, period_end=END, status=Challenge.Status.DRAFT
    )
    return built


def test_the_follow_up_hands_only_the_running_challenges_to_the_checks(network):
    assert challenge_windows_of(network.partners[0]) == [
        ChallengeWindow(name="Sprint de novembre", start=MONTH, end=END)
    ]


@pytest.mark.parametrize("factor", [3.0, 1.8])
def test_a_partner_pushing_its_last_challenge_week_is_flagged(network, factor):
    lines = month_with_last_week_times(network, 3, factor)

    declaration, result = declaration_declare(
        partner=network.partners[3], lines=lines, source=Source.API, period_start=MONTH, period_end=END
    )

    codes = flagged_codes(declaration)
    assert "challenge_end_volume" in codes[True]
    assert "challenge_end_volume" not in codes[False]
    last_week = DeclarationLine.objects.filter(declaration=declaration, sale_date__gte=LAST_DAYS)
    assert last_week.exclude(status=DeclarationLine.Status.FLAGGED).count() == 0
    assert result.flagged >= last_week.count()
    line = last_week.earliest("sale_date")
    with translation.override("fr"):
        assert "derniers jours du challenge « Sprint de novembre »" in line.flag_text


def test_the_same_push_outside_a_follow_up_is_only_held_to_the_usual_week(network):
    """A 1.8× last week is within the ordinary week check (2× the usual week): only the challenge flags it."""
    lines = month_with_last_week_times(network, 4, 1.8)

    declaration, _result = sellout.declaration_declare(
        partner=network.partners[4], lines=lines, source=Source.API, period_start=MONTH, period_end=END
    )

    codes = flagged_codes(declaration)
    assert "challenge_end_volume" not in codes[True] | codes[False]
    assert "week_volume" not in codes[True]


def test_an_ordinary_month_during_a_challenge_is_not_flagged(network):
    lines = month_with_last_week_times(network, 5, 1.0)

    declaration, result = declaration_declare(
        partner=network.partners[5], lines=lines, source=Source.API, period_start=MONTH, period_end=END
    )

    assert "challenge_end_volume" not in flagged_codes(declaration)[True]
    assert result.flagged / result.stored <= 0.02
