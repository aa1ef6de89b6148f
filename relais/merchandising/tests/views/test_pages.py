"""Merchandising pages: the partner orders and fills a visit with a photo; the brand approves, ships,
exports, reviews and reads compliance; a photo reaches only its partner and its brand."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.merchandising.models import PosOrder, StoreVisit, VisitAnswer
from relais.merchandising.photos import png_image
from relais.merchandising.tests.factories import PosItemFactory, checklist_with_items, png_upload
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_partner_orders_and_the_brand_approves_ships_and_exports(
    brand, partner, partner_admin, brand_admin
):
    item = PosItemFactory(brand=brand, name="Kit vitrine automne", stock=4)
    partner_client = login_client(partner_admin)
    page = partner_client.get(reverse("merchandising:my_items"))
    assert "Kit vitrine automne" in page.content.decode()

    partner_client.post(
        reverse("merchandising:my_order", args=[item.pk]), {"quantity": "2", "idempotency_key": "k"}
    )
    order = PosOrder.objects.get(partner=partner)
    brand_client = login_client(brand_admin)
    brand_client.post(reverse("merchandising:order_action", args=[order.pk]), {"action": "approve"})
    brand_client.post(reverse("merchandising:order_action", args=[order.pk]), {"action": "ship"})
    export = brand_client.get(reverse("merchandising:orders_export"))

    assert PosOrder.objects.get(pk=order.pk).status == PosOrder.Status.SHIPPED
    text = export.content.decode()
    assert (
        export["Content-Type"].startswith("text/csv") and "Kit vitrine automne" in text and "Shipped" in text
    )


def test_a_visit_with_a_photo_is_sent_reviewed_and_counted_in_compliance(
    brand, partner, partner_seller, brand_admin
):
    checklist = checklist_with_items(brand)
    items = list(checklist.items.all())
    client = login_client(partner_seller)

    response = client.post(
        reverse("merchandising:visit_new", args=[checklist.pk]),
        {
            "visited_on": "2026-12-01",
            f"item_{items[0].pk}": "yes",
            f"item_{items[1].pk}": "8",
            f"photo_{items[2].pk}": png_upload(),
        },
    )
    visit = StoreVisit.objects.get(partner=partner)
    assert response.status_code == 302
    photo = VisitAnswer.objects.get(visit=visit, item=items[2])
    served = client.get(reverse("merchandising:answer_photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.getvalue().startswith(b"\x89PNG")

    brand_client = login_client(brand_admin)
    assert brand_client.get(reverse("merchandising:answer_photo", args=[photo.pk])).status_code == 200
    answers = list(visit.answers.order_by("item__position"))
    brand_client.post(
        reverse("merchandising:visit_detail", args=[visit.pk]),
        {
            f"decision_{answers[0].pk}": "accept",
            f"decision_{answers[1].pk}": "accept",
            f"decision_{answers[2].pk}": "reject",
            f"comment_{answers[2].pk}": "Photo floue",
        },
    )
    assert StoreVisit.objects.get(pk=visit.pk).status == StoreVisit.Status.REVIEWED
    page = brand_client.get(reverse("merchandising:compliance"))
    assert page.context["compliance"]["partners"][0]["share"] == pytest.approx(2 / 3)


def test_a_fake_photo_is_refused_with_the_item_named(brand, partner, partner_admin):

    checklist = checklist_with_items(brand)
    items = list(checklist.items.all())

    response = login_client(partner_admin).post(
        reverse("merchandising:visit_new", args=[checklist.pk]),
        {
            f"item_{items[0].pk}": "yes",
            f"item_{items[1].pk}": "8",
            f"photo_{items[2].pk}": SimpleUploadedFile("x.png", b"%PDF-1.4 not an image"),
        },
    )

    assert response.status_code == 400
    assert "Photo de la vitrine" in response.context["error"] and not StoreVisit.objects.exists()


def test_a_photo_is_not_served_to_another_partner_nor_another_brand(
    brand, partner, other_brand, partner_admin
):
    checklist = checklist_with_items(brand)
    items = list(checklist.items.all())
    login_client(partner_admin).post(
        reverse("merchandising:visit_new", args=[checklist.pk]),
        {f"item_{items[0].pk}": "no", f"item_{items[1].pk}": "0", f"photo_{items[2].pk}": png_upload()},
    )
    photo = VisitAnswer.objects.exclude(photo="").get()
    url = reverse("merchandising:answer_photo", args=[photo.pk])
    neighbour = partner_user(PartnerFactory(brand=brand), role=Role.PARTNER_ADMIN)
    stranger = partner_user(PartnerFactory(brand=other_brand), role=Role.PARTNER_ADMIN)

    assert login_client(neighbour).get(url).status_code == 404
    assert login_client(stranger).get(url).status_code == 404
    assert png_image().startswith(b"\x89PNG")
