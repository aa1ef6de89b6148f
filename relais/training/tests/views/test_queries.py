"""The training pages run as many queries with many rows as with few: no query per partner, user or module."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.network.tests.factories import PartnerFactory
from relais.training import services
from relais.training.tests.factories import published_module

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # a page may cache per session: count the second read
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(brand, partner_seller, *, partners: int, modules: int) -> None:
    made = [published_module(brand) for _ in range(modules)]
    for module in made:
        services.attempt_submit(module=module, user=partner_seller, answers=module.right)
    certification = services.certification_save(brand=brand, name="Pro", validity_months=12, modules=made[:1])
    services.attempt_submit(module=made[0], user=partner_seller, answers=made[0].right)
    assert certification.awards.exists()
    for _ in range(partners):
        seller = partner_user(PartnerFactory(brand=brand), role=Role.PARTNER_SELLER)
        services.attempt_submit(module=made[0], user=seller, answers=made[0].right)


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("brand_admin", "training:report"),
        ("brand_admin", "training:modules"),
        ("partner_seller", "training:mine"),
    ],
)
def test_a_training_page_runs_as_many_queries_with_many_rows_as_with_few(
    request, brand, partner_seller, role, name
):
    client = login_client(request.getfixturevalue(role))
    url = reverse(name)
    _grow(brand, partner_seller, partners=2, modules=2)
    few = _queries(client, url)
    _grow(brand, partner_seller, partners=15, modules=6)

    assert _queries(client, url) == few


def test_the_module_pages_run_as_many_queries_with_many_questions(brand, brand_admin, partner_seller):
    module = published_module(brand)
    brand_client, seller_client = login_client(brand_admin), login_client(partner_seller)
    editor = reverse("training:module_edit", args=[module.pk])
    page = reverse("training:my_module", args=[module.pk])
    few = (_queries(brand_client, editor), _queries(seller_client, page))
    services.module_publish(module=module, publish=False)
    for n in range(8):
        services.question_add(module=module, text=f"Q{n} ?", choices=[("oui", True), ("non", False)])
        services.assignment_add(module=module, target="everyone")
    services.module_publish(module=module)

    assert (_queries(brand_client, editor), _queries(seller_client, page)) == few
