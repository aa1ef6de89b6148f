"""Tenant isolation of promotions and merchandising: every object URL is opened by a user of another brand
(404), by a partner user of another company of the same brand and of another brand (404, for the partner's
own objects), and — the control — by the owner, who must reach it. After each foreign attempt nothing changed.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.merchandising import services as merchandising
from relais.merchandising.models import PosItem, PosOrder, StoreVisit
from relais.merchandising.tests.factories import (
    PosItemFactory,
    checklist_with_items,
    png_upload,
    submitted_visit,
)
from relais.network.tests.factories import PartnerFactory
from relais.promotions.models import Promotion
from relais.promotions.tests.factories import PromotionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(brand, partner, other_brand, brand_admin, partner_admin):
    item = PosItemFactory(brand=brand, stock=5)
    merchandising.pos_item_save(brand=brand, name=item.name, stock=5, photo=png_upload(), item=item)
    order = merchandising.pos_order_request(
        partner=partner, item=item, quantity=1, user=partner_admin, idempotency_key="o"
    )
    checklist = checklist_with_items(brand)
    items = list(checklist.items.all())
    visit = merchandising.visit_submit(
        partner=partner,
        checklist=checklist,
        visited_on=timezone.localdate(),
        answers={items[0].pk: "yes", items[1].pk: "3"},
        photos={items[2].pk: png_upload()},
        user=partner_admin,
    )
    return SimpleNamespace(
        promotion=PromotionFactory(brand=brand),
        item=item,
        order=order,
        checklist=checklist,
        visit=visit,
        photo=visit.answers.exclude(photo="").get(),
        owner_staff=brand_admin,
        owner_partner=partner_admin,
        other_staff=UserFactory(brand=other_brand, role=Role.BRAND_ADMIN),
        neighbour=partner_user(PartnerFactory(brand=brand), role=Role.PARTNER_ADMIN),
        stranger=partner_user(PartnerFactory(brand=other_brand), role=Role.PARTNER_ADMIN),
    )


def brand_urls(w) -> list[str]:
    return [
        reverse("promotions:detail", args=[w.promotion.pk]),
        reverse("merchandising:item_edit", args=[w.item.pk]),
        reverse("merchandising:item_photo", args=[w.item.pk]),
        reverse("merchandising:visit_detail", args=[w.visit.pk]),
        reverse("merchandising:answer_photo", args=[w.photo.pk]),
    ]


def partner_urls(w) -> list[str]:
    return [
        reverse("merchandising:my_visit", args=[w.visit.pk]),
        reverse("merchandising:answer_photo", args=[w.photo.pk]),
    ]


def snapshot() -> tuple:
    return (
        list(Promotion.objects.values_list("pk", "status", "name")),
        list(PosItem.objects.values_list("pk", "stock")),
        list(PosOrder.objects.values_list("pk", "status")),
        list(StoreVisit.objects.values_list("pk", "status")),
    )


def test_another_brand_reaches_none_of_the_brand_objects_and_the_owner_reaches_each(world):
    foreign = login_client(world.other_staff)
    owner = login_client(world.owner_staff)
    before = snapshot()

    for url in brand_urls(world):
        assert foreign.get(url).status_code == 404, url
        assert owner.get(url).status_code == 200, url
    assert (
        foreign.post(reverse("promotions:status", args=[world.promotion.pk]), {"action": "close"}).status_code
        == 404
    )
    assert (
        foreign.post(
            reverse("merchandising:order_action", args=[world.order.pk]), {"action": "refuse"}
        ).status_code
        == 404
    )
    assert foreign.post(reverse("merchandising:visit_detail", args=[world.visit.pk]), {}).status_code == 404

    assert snapshot() == before


@pytest.mark.parametrize("who", ["neighbour", "stranger"])
def test_another_partner_reaches_none_of_the_partner_objects_and_the_owner_reaches_each(world, who):
    foreign = login_client(getattr(world, who))
    owner = login_client(world.owner_partner)
    before = snapshot()

    for url in partner_urls(world):
        assert foreign.get(url).status_code == 404, url
        assert owner.get(url).status_code == 200, url
    if who == "stranger":
        assert foreign.get(reverse("merchandising:visit_new", args=[world.checklist.pk])).status_code == 404
        order = reverse("merchandising:my_order", args=[world.item.pk])
        assert foreign.post(order, {"quantity": "1", "idempotency_key": "x"}).status_code == 404
    assert owner.get(reverse("merchandising:visit_new", args=[world.checklist.pk])).status_code == 200

    assert snapshot() == before


def promotion_objects(objects: SimpleNamespace) -> SimpleNamespace:
    """A promotion, a POS item, a checklist and a visit of the language test's own partner, made once per site
    (its FILLERS open them)."""
    if not hasattr(objects, "promotions"):
        partner = objects.own.partner
        visit = submitted_visit(partner)
        objects.promotions = SimpleNamespace(
            promotion=PromotionFactory(brand=partner.brand),
            item=PosItemFactory(brand=partner.brand),
            checklist=visit.checklist,
            visit=visit,
        )
    return objects.promotions
