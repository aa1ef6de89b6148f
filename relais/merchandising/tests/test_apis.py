"""HTTP-level tests of /api/v1/me/merchandising: POS items and orders (once per Idempotency-Key), checklists,
store visits uploaded as multipart with their photos checked like the portal's; another partner's or brand's
object is a 404."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from relais.api.services import api_key_create
from relais.merchandising import photos
from relais.merchandising.models import PosItem, PosOrder, StoreVisit, VisitAnswer
from relais.merchandising.tests.factories import (
    PosItemFactory,
    checklist_with_items,
    png_upload,
    submitted_visit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(partner, partner_admin):
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def _order(api, body, key="o1"):
    return api.post(
        "/api/v1/me/merchandising/orders", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def test_items_are_my_brands_active_ones(api, brand, other_brand):
    item = PosItemFactory(brand=brand, name="Présentoir comptoir", stock=4, per_partner_limit=2)
    PosItemFactory(brand=brand, name="Retiré", is_active=False)
    PosItemFactory(brand=other_brand, name="Autre marque")

    response = api.get("/api/v1/me/merchandising/items")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": item.pk,
            "name": "Présentoir comptoir",
            "description": "",
            "stock": 4,
            "per_partner_limit": 2,
            "points_price": 0,
        }
    ]


def test_an_order_is_made_once_per_key_and_takes_the_stock(api, brand):
    item = PosItemFactory(brand=brand, stock=5)

    first = _order(api, {"item_id": item.pk, "quantity": 2})
    again = _order(api, {"item_id": item.pk, "quantity": 2})

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert (first.json()["status"], first.json()["quantity"]) == ("requested", 2)
    assert PosOrder.objects.count() == 1
    assert PosItem.objects.get(pk=item.pk).stock == 3
    assert _order(api, {"item_id": item.pk, "quantity": 1}).status_code == 409  # same key, another order
    listed = api.get("/api/v1/me/merchandising/orders").json()
    assert [o["id"] for o in listed] == [first.json()["id"]]
    assert api.get(f"/api/v1/me/merchandising/orders/{first.json()['id']}").json()["item_id"] == item.pk


def test_an_order_needs_a_key_and_stock(api, brand):
    item = PosItemFactory(brand=brand, stock=1)

    no_key = api.post(
        "/api/v1/me/merchandising/orders",
        {"item_id": item.pk, "quantity": 1},
        content_type="application/json",
    )
    too_many = _order(api, {"item_id": item.pk, "quantity": 2}, key="o2")

    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["detail"]
    assert too_many.status_code == 400 and too_many.json()["code"] == "out_of_stock"
    assert not PosOrder.objects.exists() and PosItem.objects.get(pk=item.pk).stock == 1


def test_another_brands_item_and_another_partners_order_are_404(api, brand, other_brand, other_partner):
    theirs = PosItemFactory(brand=other_brand)
    inactive = PosItemFactory(brand=brand, is_active=False)
    item = PosItemFactory(brand=brand)
    _key, text = api_key_create(partner=other_partner, name="ERP")
    other_order = _order(Client(HTTP_AUTHORIZATION=f"Bearer {text}"), {"item_id": item.pk, "quantity": 1})
    assert other_order.status_code == 201

    assert _order(api, {"item_id": theirs.pk, "quantity": 1}).status_code == 404
    assert _order(api, {"item_id": inactive.pk, "quantity": 1}, key="o3").status_code == 404
    assert api.get(f"/api/v1/me/merchandising/orders/{other_order.json()['id']}").status_code == 404
    assert api.get("/api/v1/me/merchandising/orders").json() == []


def test_checklists_list_their_items(api, brand, other_brand):
    checklist = checklist_with_items(brand)
    checklist_with_items(other_brand, name="Autre")

    [row] = api.get("/api/v1/me/merchandising/checklists").json()

    assert (row["id"], row["name"], row["program"]) == (checklist.pk, "Relevé vitrine", None)
    assert [i["kind"] for i in row["items"]] == ["yes_no", "number", "photo"]


def _visit(api, checklist, *, photo, answers=None):
    yes_no, number, photo_item = checklist.items.all()
    body = {
        "checklist_id": checklist.pk,
        "visited_on": timezone.localdate().isoformat(),
        "answers": json.dumps(answers or {str(yes_no.pk): True, str(number.pk): 6}),
        "note": "Vitrine refaite",
        "photo_item_ids": [photo_item.pk],
        "photos": [photo],
    }
    return api.post("/api/v1/me/merchandising/visits", body)


def test_a_visit_is_uploaded_with_its_photo_then_listed(api, brand, partner):
    checklist = checklist_with_items(brand)

    response = _visit(api, checklist, photo=png_upload())

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["note"]) == ("submitted", "Vitrine refaite")
    assert [(a["kind"], a["value_bool"], a["value_number"], a["has_photo"]) for a in body["answers"]] == [
        ("yes_no", True, None, False),
        ("number", None, "6.00", False),
        ("photo", None, None, True),
    ]
    answer = VisitAnswer.objects.exclude(photo="").get()
    name = answer.photo.name or ""
    assert answer.photo_type == "image/png" and name.endswith(".png")
    assert not name.endswith("vitrine.png")  # stored under a random name
    assert [v["id"] for v in api.get("/api/v1/me/merchandising/visits").json()] == [body["id"]]
    assert api.get(f"/api/v1/me/merchandising/visits/{body['id']}").json() == body


def test_a_photo_is_checked_by_its_content_and_size(api, brand, monkeypatch):
    checklist = checklist_with_items(brand)

    fake = _visit(api, checklist, photo=SimpleUploadedFile("vitrine.png", b"<svg>not a png</svg>"))
    monkeypatch.setattr(photos, "MAX_PHOTO_BYTES", 10)
    large = _visit(api, checklist, photo=png_upload())

    assert fake.status_code == 400 and "JPEG or PNG" in fake.json()["detail"]
    assert large.status_code == 400 and "too large" in large.json()["detail"]
    assert not StoreVisit.objects.exists() and not VisitAnswer.objects.exists()


def test_a_visit_must_answer_its_own_checklists_items(api, brand):
    checklist = checklist_with_items(brand)
    yes_no = checklist.items.get(kind="yes_no")

    missing = _visit(api, checklist, photo=png_upload(), answers={str(yes_no.pk): "yes"})
    unknown = _visit(api, checklist, photo=png_upload(), answers={"999999": "yes"})
    not_json = api.post(
        "/api/v1/me/merchandising/visits",
        {"checklist_id": checklist.pk, "visited_on": "2026-01-05", "answers": "[1"},
    )

    assert missing.status_code == 400 and missing.json()["field"].startswith("item_")
    assert unknown.status_code == 400 and unknown.json()["field"] == "answers"
    assert not_json.status_code == 400 and not_json.json()["field"] == "answers"
    assert not StoreVisit.objects.exists()


def test_another_brands_checklist_and_another_partners_visit_are_404(api, other_brand, brand, other_partner):
    theirs = checklist_with_items(other_brand)
    other_visit = submitted_visit(other_partner, checklist=checklist_with_items(brand))

    assert _visit(api, theirs, photo=png_upload()).status_code == 404
    assert api.get(f"/api/v1/me/merchandising/visits/{other_visit.pk}").status_code == 404
    assert api.get("/api/v1/me/merchandising/visits").json() == []


def test_without_a_key_the_merchandising_api_refuses(client):
    for path in ("items", "orders", "checklists", "visits"):
        assert client.get(f"/api/v1/me/merchandising/{path}").status_code == 401
