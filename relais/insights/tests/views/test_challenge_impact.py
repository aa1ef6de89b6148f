"""What a challenge changed, on its page and in the brand analytics: an effect with its interval, the control
group, the placebo check, the cost and the data-sharing effect, or a refusal that claims nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.incentives.models import Challenge
from relais.incentives.tests.factories import ChallengeFactory
from relais.insights.periods import month_start
from relais.insights.selectors import challenge_impact
from relais.insights.tests.effect_network import WrittenNetwork, network_write
from relais.insights.tests.effect_simulation import simulate_network
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

TRUTH = 15.0  # percent, injected over the window's six months
CLOSED = dt.date(2026, 9, 1)  # the simulated network's last month: over, its declarations in


def _challenge(brand, network: WrittenNetwork, *, segments: bool = True, **kwargs) -> Challenge:
    start, end = network.window
    challenge = ChallengeFactory(
        brand=brand, period_start=start, period_end=end, status=Challenge.Status.CLOSED, **kwargs
    )
    if segments:
        challenge.segments.add(network.segment)
    return challenge


def _page(client: Client, challenge: Challenge) -> str:
    response = client.get(f"/brand/challenges/{challenge.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str) -> str:
    start = html.index('data-testid="challenge-impact"')
    return html[start : html.index("</section>", start)]


def _interval(html: str, testid: str) -> tuple[float, float]:
    match = re.search(rf'data-testid="{testid}">between ([-+\d.]+) % and ([-+\d.]+) %', html)
    assert match, testid
    return float(match.group(1)), float(match.group(2))


def test_a_challenge_with_a_comparable_group_shows_an_effect_interval_holding_the_truth(brand, brand_admin):
    network = network_write(brand=brand, network=simulate_network(seed=0, partners=60), last_month=CLOSED)
    challenge = _challenge(brand, network, points_posted=40_000)

    html = _section(_page(login_client(brand_admin), challenge))

    assert (
        _interval(html, "impact-amount-interval")[0] <= TRUTH <= _interval(html, "impact-amount-interval")[1]
    )
    low, high = _interval(html, "impact-units-interval")
    assert low <= TRUTH <= high
    result = challenge_impact(challenge=challenge).result
    assert result is not None
    assert f"Compared with {result.control.controls} partners outside the challenge" in html
    assert f"chosen among {60 - len(network.participants)}" in html
    assert f"for each of the {len(network.participants)} participants, the 3 closest in size" in html
    assert 'data-testid="impact-placebo"' in html and "6 months earlier" in html
    assert "40,000 points posted." in html
    assert "points per extra unit" in html and "points per 100 EUR of extra sell-out" in html
    assert 'data-testid="impact-sharing"' in html and 'data-testid="impact-not-measurable"' not in html


def test_a_challenge_for_every_partner_claims_nothing_and_says_there_is_no_comparable_group(
    brand, brand_admin
):
    network = network_write(brand=brand, network=simulate_network(seed=0, partners=60), last_month=CLOSED)
    challenge = _challenge(brand, network, segments=False, points_posted=40_000)

    html = _section(_page(login_client(brand_admin), challenge))

    assert 'data-testid="impact-not-measurable"' in html
    assert "every active partner takes part (60), so there is no comparable group outside it" in html
    for claim in ("impact-effect", "impact-cost", "between", "extra", "Compared with"):
        assert claim not in html


def test_a_challenge_whose_period_is_not_over_claims_nothing(brand, brand_admin):
    this_month = month_start(timezone.localdate())
    network = network_write(brand=brand, network=simulate_network(seed=0, partners=60), last_month=this_month)
    challenge = _challenge(brand, network, points_posted=40_000)
    challenge.status = Challenge.Status.RUNNING
    challenge.save()

    html = _section(_page(login_client(brand_admin), challenge))

    assert "Not measurable yet: the last period is still open" in html
    for claim in ("impact-effect", "impact-cost", "between", "extra", "Compared with"):
        assert claim not in html


def test_a_month_just_over_waits_for_its_declarations(brand, brand_admin):
    last_month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
    network = network_write(brand=brand, network=simulate_network(seed=0, partners=60), last_month=last_month)
    challenge = _challenge(brand, network)
    today = last_month.replace(day=28) + dt.timedelta(days=8)  # a few days into the next month

    impact = challenge_impact(challenge=challenge, today=today)

    assert impact.refusal is not None and impact.refusal.reason == "declarations_due"
    assert "declarations for the last month are due within 10 days" in impact.message


def test_the_challenge_page_reads_in_french(brand, brand_admin):
    network = network_write(brand=brand, network=simulate_network(seed=0, partners=60), last_month=CLOSED)
    challenge = _challenge(brand, network, points_posted=40_000)
    client = login_client(brand_admin)

    html = _section(
        client.get(f"/brand/challenges/{challenge.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )

    assert "Comparé à" in html and "points par 100 EUR de ventes supplémentaires" in html
    assert re.search(r'data-testid="impact-amount-interval">entre \+\d+,\d %', html)


@pytest.mark.parametrize("partners", [20, 60])
def test_the_challenge_page_reads_a_bounded_number_of_queries(
    brand, brand_admin, partners, django_assert_max_num_queries
):
    network = network_write(
        brand=brand, network=simulate_network(seed=0, partners=partners), last_month=CLOSED
    )
    challenge = _challenge(brand, network)
    client = login_client(brand_admin)

    # 16 at both sizes (2026-12): the rollups, the declarations and the partners are each one read.
    with django_assert_max_num_queries(20):
        _page(client, challenge)


def test_the_brand_analytics_show_what_each_challenge_changed(
    brand, brand_admin, django_assert_max_num_queries
):
    network = network_write(brand=brand, network=simulate_network(seed=0, partners=60), last_month=CLOSED)
    measured = _challenge(brand, network, name="Segment", points_posted=40_000)
    everyone = _challenge(brand, network, name="Everyone", segments=False)
    start, end = network.window
    client = login_client(brand_admin)
    query = {"start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}

    with django_assert_max_num_queries(20):  # 13 (2026-12)
        html = client.get(reverse("insights:programme"), query).content.decode()

    row = html[html.index(f'data-testid="challenge-effect-{measured.pk}"') :]
    low, high = map(float, re.findall(r"Sell-out effect between ([-+\d.]+) % and ([-+\d.]+) %", row)[0])
    assert low <= TRUTH <= high
    assert "comparable partners outside it" in row.split("</td>")[0]
    refused = html[html.index(f'data-testid="challenge-effect-{everyone.pk}"') :].split("</td>")[0]
    assert "no comparable group outside it" in refused and "between" not in refused


def test_a_draft_challenge_is_not_measured_in_the_brand_analytics(brand, brand_admin):
    PartnerFactory(brand=brand)
    scheduled = ChallengeFactory(brand=brand, status=Challenge.Status.SCHEDULED)

    html = login_client(brand_admin).get(
        reverse("insights:programme"), {"start": "2026-01", "end": "2026-03"}
    )

    cell = html.content.decode().split(f'data-testid="challenge-effect-{scheduled.pk}">')[1].split("</td>")[0]
    assert cell.strip().startswith("–") and "Details" not in cell
