"""HTTP-level tests of /api/v1/program: one per endpoint, and per auth case."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from relais.api.services import api_key_create
from relais.catalog.tests.factories import ProductFactory
from relais.programs import services
from relais.programs.tests.factories import ProgramFactory, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(partner, partner_admin):
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.fixture
def program(brand):
    today = timezone.localdate()
    return ProgramFactory(
        brand=brand,
        name="Programme 2026",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=30),
        content={
            "objectives": [{"metric": "amount", "level": "account", "target": 200}],
            "tiers": [
                {"code": "silver", "name": "Silver", "min_amount": 100},
                {"code": "gold", "name": "Gold", "min_amount": 1000},
            ],
        },
    )


def test_my_program_with_its_policies(api, program):
    services.policy_version_publish(program=program, kind="pricing", title="Remises", body="10 %")

    response = api.get("/api/v1/program")

    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Programme 2026"
    assert data["policies"] == [{"kind": "pricing", "title": "Remises", "version": 1, "acknowledged": False}]


def test_my_objectives_with_my_progress(api, program, partner):
    sell(partner, ProductFactory(brand=partner.brand), day=timezone.localdate(), amount="50.00")

    response = api.get("/api/v1/program/objectives")

    assert response.status_code == 200
    assert response.json() == [
        {"metric": "amount", "level": "account", "target": 200.0, "value": 50.0, "attainment": 25.0}
    ]


def test_my_tier_and_what_the_next_needs(api, program, partner):
    sell(partner, ProductFactory(brand=partner.brand), day=timezone.localdate(), amount="150.00")
    services.program_tiers_compute(program=program)

    response = api.get("/api/v1/program/tier")

    assert response.status_code == 200
    data = response.json()
    assert (data["tier"], data["name"], data["next_tier"], data["missing"]) == (
        "silver",
        "Silver",
        "gold",
        {"amount": 850.0},
    )


def test_no_program_is_a_404_and_no_key_a_401(api, other_brand):
    ProgramFactory(brand=other_brand)  # another brand's program is not mine

    assert api.get("/api/v1/program").status_code == 404
    assert Client().get("/api/v1/program").status_code == 401
