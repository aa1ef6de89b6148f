"""A scoped channel manager's analytics: the brand dashboard, its charts, exports, top partners, programme
figures, customer feedback and the undeclared list count its partners only.

A channel manager scoped to France (``ChannelScope``) sees the French partner's figures and none of the
Belgian partner's; every total equals the French partner's own. The brand admin sees the sum of both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.scopes import brand_user_scope_set
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SegmentMembershipFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 12)
PERIOD = {"start": "2025-11", "end": "2026-01"}


@pytest.fixture
def figures(brand, brand_admin, channel_manager):
    drill = product(brand, "Drills", name="Perceuse 18V")
    saw = product(brand, "Saws", name="Scie sauteuse")
    french = PartnerFactory(
        brand=brand, code="FR01", name="Quincaillerie Lyonnaise", country="FR", region="Rhône"
    )
    belgian = PartnerFactory(
        brand=brand, code="BE01", name="Brico Bruxelles", country="BE", region="Bruxelles"
    )
    declaration_with_lines(
        partner=french,
        lines=[
            {
                "product": drill,
                "quantity": 4,
                "amount": "400",
                "sale_date": JAN,
                "feedback": "Livraison rapide",
            },
            {"product": saw, "quantity": 1, "amount": "100", "sale_date": JAN, "channel": "online"},
        ],
    )
    declaration_with_lines(
        partner=belgian,
        lines=[{"product": drill, "quantity": 9, "amount": "900", "sale_date": JAN, "feedback": "Trop cher"}],
    )
    rollup_refresh(brand=brand)
    brand_user_scope_set(user=channel_manager, countries=["FR"], segment_ids=[], by=brand_admin)
    return SimpleNamespace(french=french, belgian=belgian)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_dashboard_of_a_scoped_manager_counts_its_partners_only(figures, channel_manager):
    client = login_client(channel_manager)

    for name in ("insights:dashboard", "insights:dashboard_charts"):
        response = client.get(reverse(name), PERIOD)
        assert response.status_code == 200, name
        assert response.context["totals"] == {"units": 5, "amount": 500, "lines": 2}, name
        breakdowns = response.context["breakdowns"]
        assert [r["units"] for r in breakdowns["month"]] == [0, 0, 5]
        assert {r["key"]: r["units"] for r in breakdowns["country"]} == {"FR": 5}
        assert {r["key"]: r["units"] for r in breakdowns["region"]} == {"FR|Rhône": 5}
        assert {r["key"]: r["units"] for r in breakdowns["family"]} == {"Drills": 4, "Saws": 1}
        assert {r["key"]: r["units"] for r in breakdowns["channel"]} == {"in_store": 4, "online": 1}
        assert response.context["coverage"]["active"] == 1
        assert response.context["coverage"]["declared"] == 1


def test_the_brand_admin_dashboard_counts_every_partner(figures, brand_admin):
    response = login_client(brand_admin).get(reverse("insights:dashboard"), PERIOD)

    assert response.context["totals"] == {"units": 14, "amount": 1400, "lines": 3}
    assert {r["key"]: r["units"] for r in response.context["breakdowns"]["country"]} == {"FR": 5, "BE": 9}
    assert response.context["coverage"]["active"] == 2


def test_the_scoped_breakdowns_equal_the_cube_of_the_same_partners(
    figures, brand, brand_admin, channel_manager
):
    """The rollup-based figures of a scope are the cube's when the scope holds every partner."""
    segment = SegmentFactory(brand=brand)
    for company in (figures.french, figures.belgian):
        SegmentMembershipFactory(segment=segment, partner=company)
    rollup_refresh(brand=brand)
    brand_user_scope_set(user=channel_manager, countries=[], segment_ids=[segment.pk], by=brand_admin)

    scoped = login_client(channel_manager).get(reverse("insights:dashboard"), PERIOD).context
    whole = login_client(brand_admin).get(reverse("insights:dashboard"), PERIOD).context

    assert scoped["totals"] == whole["totals"]
    assert scoped["coverage"] == whole["coverage"]
    for dimension, rows in whole["breakdowns"].items():
        assert sorted(
            (r["key"], r["units"], r["amount"], r["lines"]) for r in scoped["breakdowns"][dimension]
        ) == (sorted((r["key"], r["units"], r["amount"], r["lines"]) for r in rows)), dimension


def test_the_exports_of_a_scoped_manager_hold_its_partners_only(figures, channel_manager, brand_admin):
    scoped = csv_rows(
        login_client(channel_manager).get(reverse("insights:export", args=["country", "csv"]), PERIOD)
    )
    whole = csv_rows(
        login_client(brand_admin).get(reverse("insights:export", args=["country", "csv"]), PERIOD)
    )

    assert [row[1] for row in scoped[1:]] == ["5"]
    assert sorted(row[1] for row in whole[1:]) == ["5", "9"]
    month = csv_rows(
        login_client(channel_manager).get(reverse("insights:export", args=["month", "csv"]), PERIOD)
    )
    assert sum(int(row[1]) for row in month[1:]) == 5


def test_top_partners_of_a_scoped_manager(figures, channel_manager, brand_admin):
    scoped = login_client(channel_manager).get(reverse("insights:top_partners"), PERIOD)
    whole = login_client(brand_admin).get(reverse("insights:top_partners"), PERIOD).content.decode()

    html = scoped.content.decode()
    assert "Quincaillerie Lyonnaise" in html and "Brico Bruxelles" not in html
    assert [row["units"] for row in scoped.context["rows"]] == [5]
    assert "Quincaillerie Lyonnaise" in whole and "Brico Bruxelles" in whole


def test_feedback_of_a_scoped_manager(figures, channel_manager, brand_admin):
    response = login_client(channel_manager).get(reverse("insights:feedback"), PERIOD)

    html = response.content.decode()
    assert "Livraison rapide" in html and "Trop cher" not in html
    counts = {t["theme"]: t["count"] for t in response.context["theme_counts"]}
    assert counts["delivery"] == 1 and counts["price"] == 0
    assert response.context["classified"]["total"] == 1
    whole = login_client(brand_admin).get(reverse("insights:feedback"), PERIOD)
    assert whole.context["classified"]["total"] == 2


def test_the_undeclared_list_of_a_scoped_manager(figures, channel_manager, brand_admin):
    # Neither partner declared the month due (the last complete one): both are undeclared.
    scoped = login_client(channel_manager).get(reverse("insights:undeclared")).content.decode()
    whole = login_client(brand_admin).get(reverse("insights:undeclared")).content.decode()

    assert "Quincaillerie Lyonnaise" in scoped and "Brico Bruxelles" not in scoped
    assert "Quincaillerie Lyonnaise" in whole and "Brico Bruxelles" in whole


def test_a_scoped_manager_opens_the_drill_down_of_its_partners_only(figures, channel_manager):
    client = login_client(channel_manager)

    assert client.get(reverse("insights:partner_detail", args=[figures.french.pk])).status_code == 200
    assert client.get(reverse("insights:partner_detail", args=[figures.belgian.pk])).status_code == 404


def test_the_brand_home_of_a_scoped_manager_counts_its_partners_only(figures, channel_manager, brand_admin):
    scoped = login_client(channel_manager).get(reverse("network:brand_home"))
    whole = login_client(brand_admin).get(reverse("network:brand_home"))

    assert scoped.status_code == 200
    assert scoped.context["todo"]["partners_undeclared"] == 1
    assert whole.context["todo"]["partners_undeclared"] == 2
