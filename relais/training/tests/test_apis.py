"""HTTP-level tests of /api/v1/trainings: one per endpoint, and per auth case."""

import datetime as dt

import pytest
from django.test import Client

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.api.services import api_key_create
from relais.training import services
from relais.training.tests.factories import TrainingModuleFactory, published_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(partner, partner_admin):
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_my_trainings_are_the_published_modules_assigned_to_my_company(api, brand, other_brand):
    module = published_module(
        brand, assign=False, title="Atlas", points=50, product_family="Lampes de chantier"
    )
    services.assignment_add(
        module=module, target="role", role=Role.PARTNER_SELLER, due_on=dt.date(2027, 1, 31)
    )
    published_module(brand, assign=False, title="Nobody's")
    TrainingModuleFactory(brand=brand, title="Draft")
    published_module(other_brand, title="Other brand's")

    response = api.get("/api/v1/trainings")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": module.pk,
            "title": "Atlas",
            "summary": module.summary,
            "language": "",
            "product_family": "Lampes de chantier",
            "points": 50,
            "pass_mark": 50,
            "due_on": "2027-01-31",
        }
    ]


def test_my_completions_are_those_of_my_company_only(api, brand, partner, other_partner):
    module = published_module(brand, title="Atlas")
    seller = partner_user(partner, role=Role.PARTNER_SELLER, email="vendeur@martin.test")
    services.attempt_submit(module=module, user=seller, answers=module.half)
    services.attempt_submit(module=module, user=seller, answers=module.right)
    stranger = partner_user(other_partner, role=Role.PARTNER_SELLER)
    services.attempt_submit(module=module, user=stranger, answers=module.right)

    response = api.get("/api/v1/trainings/completions")

    assert response.status_code == 200
    [row] = response.json()
    assert (row["module_id"], row["module"], row["user"], row["score"]) == (
        module.pk,
        "Atlas",
        "vendeur@martin.test",
        100,
    )


def test_without_a_key_the_training_api_refuses(client):
    assert client.get("/api/v1/trainings").status_code == 401
    assert client.get("/api/v1/trainings/completions").status_code == 401
