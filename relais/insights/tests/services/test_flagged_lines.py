"""A flagged line counts nowhere — dashboard, partner benchmarks, exports, customer comments — until the brand
approves it; a rejected one never. Through the real doors: a declaration declared, the brand's review, the
rollup jobs they queue after commit."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import login_client
from relais.followups.declarations import declaration_declare, line_review
from relais.insights.selectors import (
    dashboard_totals,
    feedback_lines,
    feedback_theme_counts,
    partner_benchmarks,
    period_clean,
)
from relais.insights.services import cube_refresh
from relais.insights.tests.services.test_rollup_refresh import snapshot
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import DeclarationLine
from relais.sellout.tests.factories import catalogue, ean13

pytestmark = pytest.mark.django_db

OCT_1, OCT_31 = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
ABSURD = "1000000000.00"  # one unit at a billion: fifty million times the list price


def declare(partner, lines, capture):
    with capture(execute=True):
        declaration, result = declaration_declare(
            partner=partner, lines=lines, source="api", period_start=OCT_1, period_end=OCT_31
        )
    return declaration, result


def sale(amount="20.00", day=3, feedback=""):
    return {
        "gtin": ean13(1),
        "quantity": 1,
        "amount": amount,
        "sale_date": f"2026-10-{day:02d}",
        "feedback": feedback,
    }


def export_amount(client) -> Decimal:
    response = client.get(
        reverse("insights:export", args=["family", "csv"]), {"start": "2026-10", "end": "2026-10"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    return sum((Decimal(row[2]) for row in rows), Decimal(0))


def figures(brand, partner):
    period = period_clean(brand=brand, start="2026-10", end="2026-10")
    [bench] = partner_benchmarks(partner=partner, period=period)
    comments = feedback_theme_counts(brand=brand, period=period)
    return {
        "totals": dashboard_totals(brand=brand, period=period),
        "mine": (bench["amount"]["mine"], bench["units"]["mine"]),
        "comments": feedback_lines(brand=brand, period=period).count(),
        "late": next(t["count"] for t in comments if t["theme"] == "delivery"),
    }


@pytest.fixture
def network(brand, partner, django_capture_on_commit_callbacks):
    """The partner and five others in one segment, each with one accepted sale of 20.00 in October."""
    catalogue(brand, count=1, list_price=Decimal("20.00"))
    for _ in range(5):
        declare(PartnerFactory(brand=brand), [sale()], django_capture_on_commit_callbacks)
    declare(partner, [sale()], django_capture_on_commit_callbacks)
    segment_create(brand=brand, name="Everyone", rules={})
    cube_refresh(brand=brand)  # what the follow-up of a change of segments queues


def test_a_flagged_line_counts_nowhere_until_approved(
    brand, partner, brand_admin, network, django_capture_on_commit_callbacks
):
    # Given a second declaration with one line at an absurd price, flagged for the brand's review
    declaration, result = declare(
        partner, [sale(ABSURD, day=5, feedback="Livraison en retard")], django_capture_on_commit_callbacks
    )
    assert (result.accepted, result.flagged) == (0, 1), result.as_dict()
    client = login_client(brand_admin)

    # Then neither the dashboard, the partner's benchmark, the export nor the comments include it
    assert figures(brand, partner) == {
        "totals": {"units": 6, "amount": Decimal("120.00"), "lines": 6},
        "mine": (Decimal("20.00"), 1),
        "comments": 0,
        "late": 0,
    }
    assert export_amount(client) == Decimal("120.00")

    # When the brand approves it, it counts everywhere
    flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
    with django_capture_on_commit_callbacks(execute=True):
        line_review(line=flagged, approve=True, user=brand_admin)
    assert figures(brand, partner) == {
        "totals": {"units": 7, "amount": Decimal("1000000120.00"), "lines": 7},
        "mine": (Decimal("1000000020.00"), 2),
        "comments": 1,
        "late": 1,
    }
    assert export_amount(client) == Decimal("1000000120.00")

    # And the cube moved by the partner's delta is the one a full rebuild gives
    moved = snapshot(brand)
    cube_refresh(brand=brand)
    assert snapshot(brand) == moved


def test_a_rejected_line_never_counts(
    brand, partner, brand_admin, network, django_capture_on_commit_callbacks
):
    declaration, _ = declare(partner, [sale(ABSURD, day=7)], django_capture_on_commit_callbacks)
    before = figures(brand, partner)
    assert before["totals"] == {"units": 6, "amount": Decimal("120.00"), "lines": 6}
    client = login_client(brand_admin)

    flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
    with django_capture_on_commit_callbacks(execute=True):
        line_review(line=flagged, approve=False, user=brand_admin)

    assert figures(brand, partner) == before
    assert export_amount(client) == Decimal("120.00")
