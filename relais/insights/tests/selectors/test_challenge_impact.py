"""challenge_impact and intervention_panel: the panel a challenge is measured on (participants, candidates,
months, the brand's currency, the data-sharing flags), and the refusals that claim nothing.

The measure itself is tested on a simulated network in tests/test_effect.py; the pages in
tests/views/test_challenge_impact.py.
"""

import datetime as dt

import pytest

from conftest import login_client
from relais.incentives.models import Challenge
from relais.incentives.tests.factories import ChallengeFactory
from relais.insights.effect import NotMeasurable
from relais.insights.selectors import challenge_impact, intervention_panel
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.models import SegmentMembership
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def sold(partner, item, amount, day, **line):
    return declaration_with_lines(
        partner=partner,
        lines=[{"product": item, "quantity": 1, "amount": amount, "sale_date": day, **line}],
    )


@pytest.fixture
def resellers_challenge(brand):
    """Two resellers that sold, one that sold only after the challenge, two distributors outside it."""
    item = product(brand)
    resellers = [PartnerFactory(brand=brand, kind="reseller", channel="web") for _ in range(2)]
    quiet_reseller = PartnerFactory(brand=brand, kind="reseller")
    others = [PartnerFactory(brand=brand, kind="distributor") for _ in range(2)]
    segment = segment_create(brand=brand, name="Revendeurs", rules={"kind": ["reseller"]})
    # They were resellers before the challenge began.
    SegmentMembership.objects.filter(segment=segment).update(
        valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    challenge = ChallengeFactory(
        brand=brand, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 4, 30), points_posted=300
    )
    challenge.segments.add(segment)
    on_time = dt.datetime(2025, 3, 15, 9, tzinfo=dt.UTC)  # its period ends on the 10th
    for reseller in resellers:
        declaration = sold(reseller, item, 100, dt.date(2025, 3, 10))
        declaration.submitted_at = on_time
        declaration.save()
        sold(reseller, item, 150, dt.date(2026, 4, 10))
        sold(reseller, item, 80, dt.date(2026, 4, 11), currency="USD")  # units count, the amount does not
    for distributor in others:
        sold(distributor, item, 100, dt.date(2025, 4, 2))
        sold(distributor, item, 110, dt.date(2026, 3, 2))
    sold(quiet_reseller, item, 999, dt.date(2026, 5, 2))  # after the challenge: outside the panel
    rollup_refresh(brand=brand)
    return challenge, resellers, quiet_reseller, others


def test_the_panel_holds_every_month_from_the_first_with_figures_missing_ones_at_zero(
    brand, resellers_challenge
):
    # Replaces the old exact figures (growth against the same months a year earlier, lift over the others):
    # that reading credited the participants' own trend to the challenge. The panel is what is measured.
    challenge, resellers, quiet_reseller, others = resellers_challenge

    panel = intervention_panel(
        brand=brand,
        partner_ids={p.pk for p in [*resellers, quiet_reseller]},
        candidates={p.pk for p in others},
        window_start=challenge.period_start,
        window_end=challenge.period_end,
        today=dt.date(2026, 12, 1),
    )

    assert not isinstance(panel, NotMeasurable)
    # 2025-03 (the brand's first month with figures) .. 2026-04: 12 months before the start, 2 in the window.
    assert (panel.window_start, panel.window_end, panel.last_period_share) == (12, 14, 1.0)
    series = {p.partner_id: p for p in panel.partners}
    # The quiet reseller sold only after the window: without figures in the panel's months, it is left out.
    assert set(series) == {p.pk for p in [*resellers, *others]}
    mine = series[resellers[0].pk]
    assert (mine.participant, mine.segment, mine.kind) == (True, "web", "reseller")
    assert mine.amount[0] == 100 and mine.amount[13] == 150 and sum(mine.amount) == 250  # no USD amount
    assert mine.units[13] == 2 and sum(mine.units) == 3
    theirs = series[others[0].pk]
    assert not theirs.participant and theirs.amount[1] == 100 and theirs.amount[12] == 110
    # Shared: the months its declarations cover; on time: submitted within the grace days of their end.
    assert mine.shared is not None and mine.on_time is not None
    assert [i for i, flag in enumerate(mine.shared) if flag] == [0, 13]
    assert [i for i, flag in enumerate(mine.on_time) if flag] == [0]


def test_a_small_challenge_is_not_measured_and_costs_nothing_per_extra(brand, resellers_challenge):
    challenge, *_rest = resellers_challenge

    impact = challenge_impact(challenge=challenge, today=dt.date(2026, 12, 1))

    assert impact.result is None and impact.cost is None
    # Three eligible, two with figures in the panel.
    assert impact.refusal == NotMeasurable("too_few_participants", {"participants": 2, "required": 10})
    assert (impact.participants, impact.candidates, impact.points) == (3, 2, 300)


def test_the_challenge_page_for_every_partner_says_there_is_no_comparable_group(brand, brand_admin):
    # Replaces "+20.0 %" of growth against last year: with every partner in the challenge there is no one to
    # compare with, and the page now claims nothing.
    item = product(brand)
    partner = PartnerFactory(brand=brand)
    challenge = ChallengeFactory(
        brand=brand, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31)
    )
    sold(partner, item, 100, dt.date(2025, 3, 10))
    sold(partner, item, 120, dt.date(2026, 3, 10))
    rollup_refresh(brand=brand)

    html = login_client(brand_admin).get(f"/brand/challenges/{challenge.pk}/").content.decode()

    assert 'data-testid="challenge-impact"' in html
    assert "every active partner takes part (1), so there is no comparable group outside it" in html
    assert (
        'data-testid="impact-participants-growth"' not in html and 'data-testid="impact-effect"' not in html
    )


def test_without_history_before_the_start_nothing_is_claimed(brand, brand_admin, resellers_challenge):
    # Replaces "nothing to compare with yet" (no sell-out a year earlier): the measure needs 12 months of
    # history before the start, and says so.
    challenge = ChallengeFactory(
        brand=brand, period_start=dt.date(2025, 4, 1), period_end=dt.date(2025, 4, 30), points_posted=50
    )
    challenge.segments.add(*resellers_challenge[0].segments.all())

    html = login_client(brand_admin).get(f"/brand/challenges/{challenge.pk}/").content.decode()

    assert "Not measurable: 1 periods of history before the start, 12 needed." in html
    assert 'data-testid="impact-cost"' not in html and "extra" not in html.split("challenge-impact")[1]


def test_partners_of_an_overlapping_challenge_on_segments_are_no_candidates(brand, resellers_challenge):
    challenge, resellers, quiet_reseller, others = resellers_challenge
    distributors = segment_create(brand=brand, name="Distributeurs", rules={"kind": ["distributor"]})
    SegmentMembership.objects.filter(segment=distributors).update(
        valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    overlapping = ChallengeFactory(
        brand=brand, period_start=dt.date(2026, 4, 1), period_end=dt.date(2026, 6, 30)
    )
    overlapping.segments.add(distributors)
    # A challenge for every partner pushes both sides alike; a draft pushes no one.
    ChallengeFactory(brand=brand, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    ChallengeFactory(brand=brand, status=Challenge.Status.DRAFT).segments.add(challenge.segments.get())
    outside = PartnerFactory(brand=brand, kind="agent")

    impact = challenge_impact(challenge=challenge, today=dt.date(2026, 12, 1))

    assert (impact.participants, impact.candidates) == (3, 1)
    assert outside.pk not in {p.pk for p in [*resellers, quiet_reseller, *others]}


def test_a_challenge_not_started_or_still_running_claims_nothing(brand, resellers_challenge):
    challenge, *_rest = resellers_challenge

    before = challenge_impact(challenge=challenge, today=dt.date(2026, 2, 20))
    during = challenge_impact(challenge=challenge, today=dt.date(2026, 4, 16))
    due = challenge_impact(challenge=challenge, today=dt.date(2026, 5, 4))

    assert before.refusal == NotMeasurable("period_incomplete", {"elapsed_percent": 0})
    assert during.refusal == NotMeasurable("period_incomplete", {"elapsed_percent": 50})
    assert due.refusal == NotMeasurable("declarations_due", {"days_left": 7, "grace_days": 10})
