import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from relais.core.models import Job
from relais.insights.models import (
    CubeDimension,
    FeedbackThemeRollup,
    ProductRollup,
    SelloutCube,
    SelloutRollup,
)
from relais.insights.selectors import dashboard_breakdown, dashboard_totals, period_clean
from relais.insights.services import (
    cube_refresh_enqueue,
    rollup_after_declaration,
    rollup_enqueue,
    rollup_refresh,
)
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db

JAN, FEB = dt.date(2026, 1, 10), dt.date(2026, 2, 3)


def counted_lines(brand):
    """What the figures must equal: the brand's accepted lines, summed directly (flagged ones wait for the
    brand's review, rejected ones never count)."""
    qs = DeclarationLine.objects.filter(brand=brand, status=DeclarationLine.Status.ACCEPTED)
    sums = qs.aggregate(u=Sum("quantity"), a=Sum("amount"))
    return int(sums["u"] or 0), Decimal(sums["a"] or 0).quantize(Decimal("0.01"))


def whole_period(brand):
    return period_clean(brand=brand, start="2025-12", end="2026-03")


def snapshot(brand):
    return {
        "rollup": sorted(
            SelloutRollup.objects.filter(brand=brand).values_list(
                "month", "partner_id", "family", "channel", "currency", "units", "amount_cents", "lines"
            )
        ),
        "product": sorted(
            ProductRollup.objects.filter(brand=brand).values_list(
                "month", "partner_id", "product_id", "units"
            )
        ),
        "cube": sorted(
            (m, seg or 0, *rest)
            for m, seg, *rest in SelloutCube.objects.filter(brand=brand).values_list(
                "month", "segment_id", "dimension", "key", "units", "amount_cents", "lines"
            )
        ),
        "themes": sorted(
            FeedbackThemeRollup.objects.filter(brand=brand).values_list(
                "month", "partner_id", "theme", "lines"
            )
        ),
    }


def test_dashboard_totals_equal_counted_lines_after_imports_approvals_and_returns(
    brand, partner, other_partner
):
    drill, saw = product(brand, "Drills"), product(brand, "Saws")
    first = declaration_with_lines(
        partner=partner,
        lines=[
            {"product": drill, "quantity": 3, "amount": "59.97", "sale_date": JAN},
            {"product": saw, "quantity": 1, "amount": "120.10", "sale_date": FEB, "channel": "online"},
            {"product": saw, "quantity": 2, "amount": "10.01", "sale_date": FEB, "status": "flagged"},
        ],
    )
    second = declaration_with_lines(
        partner=other_partner,
        lines=[
            {"product": drill, "quantity": 5, "amount": "99.95", "sale_date": JAN},
            # a return: negative quantity and amount
            {"product": drill, "quantity": -2, "amount": "-39.98", "sale_date": FEB},
        ],
    )
    rollup_after_declaration(declaration=first)
    rollup_after_declaration(declaration=second)
    period = whole_period(brand)
    # The flagged line waits for the brand's review: it counts nowhere yet.
    units, amount = counted_lines(brand)
    assert (units, amount) == (7, Decimal("240.04"))
    assert dashboard_totals(brand=brand, period=period) == {"units": 7, "amount": amount, "lines": 4}

    # The brand's review approves it: it counts once the rollups are refreshed.
    DeclarationLine.objects.filter(brand=brand, status="flagged").update(status="accepted")
    rollup_after_declaration(declaration=first)
    units, amount = counted_lines(brand)
    totals = dashboard_totals(brand=brand, period=period)
    assert (totals["units"], totals["amount"]) == (units, amount) == (9, Decimal("250.05"))

    # Every breakdown adds up to the same totals.
    for dimension in ("month", "family", "channel", "country", "region", "kind"):
        rows = dashboard_breakdown(brand=brand, dimension=dimension, period=period)
        assert sum(r["units"] for r in rows) == units, dimension
        assert sum(r["amount"] for r in rows) == amount, dimension
    by_family = {
        r["key"]: r["units"] for r in dashboard_breakdown(brand=brand, dimension="family", period=period)
    }
    assert by_family == {"Drills": 6, "Saws": 3}
    by_channel = {
        r["key"]: r["units"] for r in dashboard_breakdown(brand=brand, dimension="channel", period=period)
    }
    assert by_channel == {"in_store": 8, "online": 1}
    by_month = [r["units"] for r in dashboard_breakdown(brand=brand, dimension="month", period=period)]
    assert by_month == [0, 8, 1, 0]


def test_refresh_is_idempotent(brand, partner, other_partner):
    drill = product(brand)
    declaration_with_lines(
        partner=partner,
        lines=[
            {
                "product": drill,
                "quantity": 2,
                "amount": "20.00",
                "sale_date": JAN,
                "feedback": "Livraison lente",
            },
            {
                "product": drill,
                "quantity": 1,
                "amount": "10.00",
                "sale_date": FEB,
                "feedback": "too expensive",
            },
        ],
    )
    declaration_with_lines(
        partner=other_partner, lines=[{"product": drill, "quantity": 4, "amount": "40.00", "sale_date": FEB}]
    )
    segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    first = rollup_refresh(brand=brand)
    before = snapshot(brand)
    assert before["rollup"] and before["cube"] and before["themes"]
    second = rollup_refresh(brand=brand)
    assert snapshot(brand) == before
    assert first == second
    # A partner-scoped refresh of one month leaves the same rows too.
    rollup_refresh(brand=brand, partner=partner, months=[FEB])
    assert snapshot(brand) == before


def test_partner_refresh_only_rebuilds_that_partner(brand, partner, other_partner):
    drill = product(brand)
    declaration_with_lines(
        partner=partner, lines=[{"product": drill, "quantity": 2, "amount": "2", "sale_date": JAN}]
    )
    other = declaration_with_lines(
        partner=other_partner, lines=[{"product": drill, "quantity": 4, "amount": "4", "sale_date": JAN}]
    )
    rollup_refresh(brand=brand)
    # Lines change behind the rollups' back for both partners; only one partner is refreshed.
    DeclarationLine.objects.filter(brand=brand).update(quantity=10)
    rollup_after_declaration(declaration=other)
    units = dict(SelloutRollup.objects.filter(brand=brand).values_list("partner_id", "units"))
    assert units == {partner.pk: 2, other_partner.pk: 10}
    # The cube (which mixes partners) is rebuilt for the month from the partner-grain rollups.
    assert dashboard_totals(brand=brand, period=whole_period(brand))["units"] == 12


def test_refresh_without_months_clears_months_whose_lines_are_gone(brand, partner):
    drill = product(brand)
    declaration = declaration_with_lines(
        partner=partner, lines=[{"product": drill, "quantity": 2, "amount": "2", "sale_date": JAN}]
    )
    rollup_refresh(brand=brand)
    declaration.delete()
    rollup_refresh(brand=brand)
    assert not SelloutRollup.objects.filter(brand=brand).exists()
    assert not SelloutCube.objects.filter(brand=brand).exists()


def test_segment_figures_follow_current_memberships(brand):
    drill = product(brand)
    north = PartnerFactory(brand=brand, region="Hauts-de-France", kind="distributor")
    south = PartnerFactory(brand=brand, region="Occitanie", kind="reseller")
    for p, qty in ((north, 3), (south, 5)):
        declaration_with_lines(
            partner=p, lines=[{"product": drill, "quantity": qty, "amount": qty, "sale_date": JAN}]
        )
    segment = segment_create(brand=brand, name="Distributors", rules={"kind": ["distributor"]})
    rollup_refresh(brand=brand)
    period = whole_period(brand)
    assert dashboard_totals(brand=brand, period=period, segment=segment)["units"] == 3
    by_segment = dashboard_breakdown(brand=brand, dimension="segment", period=period)
    assert [(r["label"], r["units"]) for r in by_segment] == [("Distributors", 3)]
    by_region = dashboard_breakdown(brand=brand, dimension="region", period=period, segment=segment)
    assert [(r["key"], r["units"]) for r in by_region] == [("FR|Hauts-de-France", 3)]


def test_amounts_in_another_currency_count_units_but_not_amount(brand, partner):
    drill = product(brand)
    declaration_with_lines(
        partner=partner,
        lines=[
            {"product": drill, "quantity": 1, "amount": "10.00", "sale_date": JAN},
            {"product": drill, "quantity": 1, "amount": "99.00", "sale_date": JAN, "currency": "CHF"},
        ],
    )
    rollup_refresh(brand=brand)
    totals = dashboard_totals(brand=brand, period=whole_period(brand))
    assert (totals["units"], totals["amount"]) == (2, Decimal("10.00"))


def test_rollup_job_runs_after_commit(brand, partner, django_capture_on_commit_callbacks):
    drill = product(brand)
    declaration = declaration_with_lines(
        partner=partner, lines=[{"product": drill, "quantity": 7, "amount": "70", "sale_date": FEB}]
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = rollup_enqueue(brand=brand, declaration=declaration)
    job.refresh_from_db()
    assert job.kind == "insights_rollup" and job.status == Job.Status.SUCCEEDED, job.error
    assert job.payload["months"] == ["2026-02-01"]
    assert dashboard_totals(brand=brand, period=whole_period(brand))["units"] == 7


def test_cube_refresh_job_regroups_the_rollups_without_reading_the_lines(
    brand, partner, django_capture_on_commit_callbacks
):
    drill = product(brand)
    declaration_with_lines(
        partner=partner, lines=[{"product": drill, "quantity": 4, "amount": "40", "sale_date": JAN}]
    )
    rollup_refresh(brand=brand)
    # A segment created after the refresh: the cube does not know it yet.
    segment = segment_create(brand=brand, name="Everyone", rules={})
    in_segment = SelloutCube.objects.filter(brand=brand, segment=segment, dimension=CubeDimension.TOTAL)
    assert not in_segment.exists()
    rollup_rows = snapshot(brand)["rollup"]

    with django_capture_on_commit_callbacks(execute=True):
        job = cube_refresh_enqueue(brand=brand)

    job.refresh_from_db()
    assert job.kind == "insights_rollup" and job.status == Job.Status.SUCCEEDED, job.error
    assert job.payload == {"brand_id": brand.pk, "cube_only": True}
    assert [row.units for row in in_segment] == [4]
    assert snapshot(brand)["rollup"] == rollup_rows


def test_brands_never_mix(brand, other_brand, partner):
    drill = product(brand)
    theirs = PartnerFactory(brand=other_brand)
    declaration_with_lines(
        partner=partner, lines=[{"product": drill, "quantity": 1, "amount": 1, "sale_date": JAN}]
    )
    declaration_with_lines(
        partner=theirs,
        lines=[{"product": product(other_brand), "quantity": 50, "amount": 500, "sale_date": JAN}],
    )
    rollup_refresh(brand=brand)
    rollup_refresh(brand=other_brand)
    assert dashboard_totals(brand=brand, period=whole_period(brand))["units"] == 1
    assert dashboard_totals(brand=other_brand, period=whole_period(other_brand))["units"] == 50
    with pytest.raises(ValueError):
        rollup_refresh(brand=brand, partner=theirs)
