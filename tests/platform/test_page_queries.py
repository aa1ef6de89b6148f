"""Every brand page and every partner-portal page runs the same number of queries with 5 and with 50
partners and lines: no query per row (N+1). The page-time suite at scale is bench/pages.py.

Given a brand whose network has N partners, each with a submitted declaration of one line, and a logged-in
partner whose own declaration holds N lines (rollups built); when the page is read at N = 5 and again at
N = 50; then it runs the same number of queries (a page may cache per session, so each count is taken on a
second read).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login_client
from relais.catalog.models import Product
from relais.insights.services import rollup_refresh
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db

BRAND_PAGES = [
    "network:brand_home",
    "network:partner_list",
    "network:segment_list",
    "network:segment_create",
    "catalog:product_list",
    "sellout:brand_declaration_list",
    "sellout:brand_review_queue",
    "sellout:brand_reconciliation",
    "incentives:challenges",
    "incentives:ledger",
    "incentives:objectives",
    "incentives:rewards",
    "incentives:orders",
    "insights:dashboard",
    "insights:dashboard_charts",
    "insights:top_partners",
    "insights:programme",
    "insights:feedback",
    "insights:undeclared",
    "comms:campaigns",
    "comms:brand_library",
]
# Pages of one object whose rows grow with the data: (url name, which object's id).
BRAND_DETAIL_PAGES = [
    ("network:partner_detail", "partner"),
    ("sellout:brand_declaration_detail", "declaration"),
    ("insights:partner_detail", "partner"),
]
PORTAL_PAGES = [
    "network:portal_home",
    "sellout:my_declarations",
    "stock:portal_stock",
    "incentives:my_challenges",
    "incentives:my_objectives",
    "incentives:my_points",
    "incentives:my_rewards",
    "incentives:my_orders",
    "insights:portal_insights",
    "comms:inbox",
    "comms:library",
    "apikeys:list",
]
PORTAL_DETAIL_PAGES = [("sellout:declaration_edit", "declaration")]


def _line(declaration: Declaration, product: Product, n: int) -> DeclarationLine:
    return DeclarationLine(
        brand=declaration.brand,
        partner=declaration.partner,
        declaration=declaration,
        product=product,
        gtin=product.gtin,
        quantity=1 + n % 3,
        amount=Decimal("20.00") * (1 + n % 3),
        currency="EUR",
        sale_date=dt.date(2026, 10, 1 + n % 28),
        feedback="Livraison rapide" if n % 4 == 0 else "",
        dedup_key=f"q-{declaration.pk}-{n}",
    )


class Network:
    """A brand's network that grows: partners with one declared line each, and ``partner``'s own lines."""

    def __init__(self, brand: Any, partner: PartnerCompany) -> None:
        self.brand = brand
        self.partner = partner
        self.products = catalogue(brand, count=3)
        self.own = Declaration.objects.create(
            brand=brand,
            partner=partner,
            period_start=dt.date(2026, 10, 1),
            period_end=dt.date(2026, 10, 31),
            source=Source.FORM,
            status=Declaration.Status.SUBMITTED,
        )
        self.partners = 1
        self.own_lines = 0

    def grow(self, n: int) -> None:
        others = PartnerCompany.objects.bulk_create(
            PartnerCompany(brand=self.brand, code=f"Q{i:04d}", name=f"Partenaire {i}")
            for i in range(self.partners, n)
        )
        declarations = Declaration.objects.bulk_create(
            Declaration(
                brand=self.brand,
                partner=p,
                period_start=dt.date(2026, 10, 1),
                period_end=dt.date(2026, 10, 31),
                source=Source.FORM,
                status=Declaration.Status.SUBMITTED,
            )
            for p in others
        )
        lines = [_line(d, self.products[i % 3], i) for i, d in enumerate(declarations)]
        lines += [_line(self.own, self.products[i % 3], i) for i in range(self.own_lines, n)]
        DeclarationLine.objects.bulk_create(lines)
        self.partners, self.own_lines = n, n
        rollup_refresh(brand=self.brand)


def _queries(client: Any, url: str) -> tuple[int, list[str]]:
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def _url(name: str, network: Network, kind: str | None) -> str:
    if kind == "partner":
        return reverse(name, args=[network.partner.pk])
    if kind == "declaration":
        return reverse(name, args=[network.own.pk])
    return reverse(name)


def _assert_flat(client: Any, network: Network, name: str, kind: str | None = None) -> None:
    network.grow(5)
    small, _ = _queries(client, _url(name, network, kind))
    network.grow(50)
    large, sql = _queries(client, _url(name, network, kind))
    assert large == small, f"{name}: {small} queries with 5 partners/lines, {large} with 50:\n" + "\n".join(
        sql
    )


@pytest.fixture
def network(brand, partner) -> Network:
    return Network(brand, partner)


@pytest.mark.parametrize("name", BRAND_PAGES)
def test_a_brand_page_runs_as_many_queries_with_50_partners_as_with_5(channel_manager, network, name):
    _assert_flat(login_client(channel_manager), network, name)


@pytest.mark.parametrize(("name", "kind"), BRAND_DETAIL_PAGES)
def test_a_brand_detail_page_runs_as_many_queries_with_50_lines_as_with_5(
    channel_manager, network, name, kind
):
    _assert_flat(login_client(channel_manager), network, name, kind)


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_a_portal_page_runs_as_many_queries_with_50_lines_as_with_5(partner_admin, network, name):
    _assert_flat(login_client(partner_admin), network, name)


@pytest.mark.parametrize(("name", "kind"), PORTAL_DETAIL_PAGES)
def test_a_portal_detail_page_runs_as_many_queries_with_50_lines_as_with_5(
    partner_admin, network, name, kind
):
    network.own.status = Declaration.Status.DRAFT
    network.own.save(update_fields=["status"])
    _assert_flat(login_client(partner_admin), network, name, kind)


def test_the_check_would_see_a_query_per_row(channel_manager, network):
    # The measure itself: a loop that queries once per partner is caught.
    network.grow(5)
    with CaptureQueriesContext(connection) as small:
        [p.brand.name for p in PartnerCompany.objects.filter(brand=network.brand)]
    network.grow(50)
    with CaptureQueriesContext(connection) as large:
        [p.brand.name for p in PartnerCompany.objects.filter(brand=network.brand)]
    assert len(large.captured_queries) > len(small.captured_queries)
