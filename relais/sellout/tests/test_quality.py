"""Data quality per partner: clean, timely and reconciled shares on known declarations and stock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.sellout.models import Declaration, Source
from relais.sellout.quality import partner_data_quality
from relais.stock.tests.factories import SellInLineFactory, StockSnapshotFactory, products

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)  # window: January to March 2026


def declared(partner, period_end: dt.date, *, submitted: dt.date | None, accepted=0, flagged=0, rejected=0):
    return Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=period_end.replace(day=1),
        period_end=period_end,
        source=Source.FORM,
        status=Declaration.Status.SUBMITTED,
        submitted_at=timezone.make_aware(dt.datetime.combine(submitted, dt.time(12))) if submitted else None,
        lines_accepted=accepted,
        lines_flagged=flagged,
        lines_rejected=rejected,
    )


@pytest.fixture
def history(brand, partner):
    declared(partner, dt.date(2026, 1, 31), submitted=dt.date(2026, 2, 5), accepted=8, flagged=1, rejected=1)
    declared(partner, dt.date(2026, 2, 28), submitted=dt.date(2026, 3, 20), accepted=10)  # late
    declared(partner, dt.date(2026, 3, 31), submitted=dt.date(2026, 4, 10), accepted=2)
    declared(partner, dt.date(2025, 12, 31), submitted=dt.date(2026, 3, 30), rejected=50)  # before the window
    first, second = products(brand, 2)
    # March: product 1 reconciles (10 + 5 − 0 − 15 = 0), product 2 does not (0 + 20 − 0 − 2 = 18).
    for product, opening, shipped, closing in ((first, 10, 5, 15), (second, 0, 20, 2)):
        StockSnapshotFactory(
            partner=partner, product=product, stock_date=dt.date(2026, 2, 28), quantity=opening
        )
        SellInLineFactory(partner=partner, product=product, ship_date=dt.date(2026, 3, 3), quantity=shipped)
        StockSnapshotFactory(
            partner=partner, product=product, stock_date=dt.date(2026, 3, 31), quantity=closing
        )


def test_shares_and_score_on_known_history(brand, partner, history):
    quality = partner_data_quality(brand=brand, partner=partner, today=TODAY)
    assert (quality.window_start, quality.window_end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert quality.clean_share == Decimal("0.91")  # 20 accepted of 22 lines (1 flagged, 1 rejected)
    assert quality.timely_share == Decimal("0.67")  # 2 of 3 on time
    assert quality.reconciled_share == Decimal("0.50")  # 1 of 2 rows with a known gap
    assert quality.score == Decimal("0.69")  # (0.91 + 0.67 + 0.50) / 3


def test_nothing_to_measure_gives_no_score(brand, other_partner):
    quality = partner_data_quality(brand=brand, partner=other_partner, today=TODAY)
    assert (quality.clean_share, quality.timely_share, quality.reconciled_share, quality.score) == (None,) * 4


def test_another_brands_partner_is_refused(other_brand, partner):
    with pytest.raises(partner.DoesNotExist):
        partner_data_quality(brand=other_brand, partner=partner, today=TODAY)


def test_the_fragment_for_brand_staff_and_for_the_partner_itself(
    brand_admin, partner_admin, partner, history
):
    url = reverse("sellout:partner_quality", args=[partner.pk])
    for user in (brand_admin, partner_admin):
        response = login_client(user).get(url)
        assert response.status_code == 200
        assert 'data-testid="quality-score"' in response.content.decode()


def test_the_fragment_is_closed_to_other_partners_and_brands(other_brand, partner, other_partner, history):
    url = reverse("sellout:partner_quality", args=[partner.pk])
    from_other_partner = partner_user(other_partner, email="x@dupont.test")
    from_other_brand = UserFactory(email="y@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)
    for user in (from_other_partner, from_other_brand):
        assert login_client(user).get(url).status_code == 404


def test_the_partner_page_and_the_portal_load_the_fragment(brand_admin, partner_admin, partner):
    fragment = reverse("sellout:partner_quality", args=[partner.pk])
    pages = (
        (brand_admin, reverse("network:partner_detail", args=[partner.pk])),
        (partner_admin, reverse("network:portal_home")),
    )
    for user, url in pages:
        body = login_client(user).get(url).content.decode()
        assert f'hx-get="{fragment}"' in body
