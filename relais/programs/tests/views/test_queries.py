"""The program pages and endpoints read a fixed number of queries, whatever the number of partners and lines."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login_client
from relais.api.services import api_key_create
from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import services
from relais.programs.rollups import program_rollup_refresh as rollup_refresh
from relais.programs.tests.factories import ProgramFactory, member, sell

pytestmark = pytest.mark.django_db


def _program(brand, partner):
    today = timezone.localdate()
    period = {"period_start": today - dt.timedelta(days=30), "period_end": today + dt.timedelta(days=30)}
    segment = SegmentFactory(brand=brand)
    base = ProgramFactory(brand=brand, **period)
    program = ProgramFactory(
        brand=brand,
        base=base,
        segment=segment,
        content={
            "objectives": [{"metric": "amount", "level": "account", "target": 100}],
            "tiers": [{"code": "s", "min_amount": 1}],
        },
        **period,
    )
    services.policy_version_publish(program=program, kind="pricing", title="Remises", body="10 %")
    member(segment, partner)
    return program


def _grow(program, products, *, size):
    for other in PartnerFactory.create_batch(size, brand=program.brand):
        member(program.segment, other)
        for product in products:
            sell(other, product, day=timezone.localdate(), customer=f"C{other.pk}", invoice=f"F{other.pk}")


def _counts(program, partner_admin, brand_admin):
    _key, text = api_key_create(partner=partner_admin.partner, name="ERP", created_by=partner_admin)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    return {
        "mine": _count(login_client(partner_admin), "/portal/program/"),
        "detail": _count(login_client(brand_admin), f"/programs/{program.pk}/"),
        "compare": _count(login_client(brand_admin), "/programs/compare/"),
        "api": _count(api, "/api/v1/program/objectives"),
    }


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_read_as_many_queries_for_15_partners_as_for_5(brand, partner, partner_admin, brand_admin):
    program = _program(brand, partner)
    products = ProductFactory.create_batch(3, brand=brand)
    _grow(program, products, size=5)
    services.program_tiers_compute(program=program)
    small = _counts(program, partner_admin, brand_admin)

    _grow(program, products, size=10)
    large = _counts(program, partner_admin, brand_admin)

    assert large == small
    assert max(small.values()) <= 30, small


def test_the_dashboard_reads_the_rollup_a_page_at_a_time(brand, partner, brand_admin):
    """With the rollup built, the dashboard reads one page of rows and the cached channel figures: the same
    queries at 5 and at 60 partners (the rollup's own refresh is the job's work)."""
    program = _program(brand, partner)
    products = ProductFactory.create_batch(2, brand=brand)
    _grow(program, products, size=5)
    rollup_refresh(program=program)
    client = login_client(brand_admin)
    _count(client, f"/programs/{program.pk}/")  # fills the cache of this rollup
    small = _count(client, f"/programs/{program.pk}/")

    _grow(program, products, size=55)
    rollup_refresh(program=program)
    _count(client, f"/programs/{program.pk}/")
    large = _count(client, f"/programs/{program.pk}/")

    assert large == small
