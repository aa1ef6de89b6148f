"""Merchandising's writes: POS orders (stock, limit, points through the ledger) and store visits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.tests.factories import credit
from relais.merchandising import services
from relais.merchandising.models import PosItem, PosOrder, StoreVisit, VisitAnswer
from relais.merchandising.photos import MAX_PHOTO_BYTES
from relais.merchandising.tests.factories import PosItemFactory, checklist_with_items, png_upload

pytestmark = pytest.mark.django_db


def order(partner, item, quantity=1, key="k1", user=None):
    return services.pos_order_request(
        partner=partner, item=item, quantity=quantity, user=user, idempotency_key=key
    )


def test_a_free_order_takes_its_stock_and_a_refusal_gives_it_back(brand, partner, brand_admin):
    item = PosItemFactory(brand=brand, stock=5)

    placed = order(partner, item, 3)
    assert PosItem.objects.get(pk=item.pk).stock == 2
    assert not PointsEntry.objects.exists()
    services.pos_order_refuse(order=placed, user=brand_admin, reason="Hors saison")

    assert PosItem.objects.get(pk=item.pk).stock == 5
    assert PosOrder.objects.get(pk=placed.pk).status == PosOrder.Status.REFUSED


def test_the_stock_and_the_per_partner_limit_are_checked(brand, partner):
    item = PosItemFactory(brand=brand, stock=3, per_partner_limit=2)

    with pytest.raises(ApplicationError) as error:
        order(partner, item, 4, key="a")
    assert error.value.extra["code"] == "out_of_stock"
    order(partner, item, 2, key="b")
    with pytest.raises(ApplicationError) as error:
        order(partner, item, 1, key="c")
    assert error.value.extra["code"] == "over_limit"


def test_a_replayed_key_returns_the_same_order(brand, partner):
    item = PosItemFactory(brand=brand, stock=5)

    first = order(partner, item, 1, key="same")
    again = order(partner, item, 1, key="same")

    assert first.pk == again.pk and PosItem.objects.get(pk=item.pk).stock == 4


def test_a_paid_item_is_debited_through_the_ledger_and_refunded_when_refused(brand, partner, brand_admin):
    credit(partner, 500)
    item = PosItemFactory(brand=brand, stock=5, points_price=120)

    placed = order(partner, item, 2)
    debit = PointsEntry.objects.get(kind="redeem")
    assert debit.amount == -240 and debit.reason_code == "pos_order"
    assert PointsAccount.objects.get(partner=partner).balance == 260
    services.pos_order_refuse(order=placed, user=brand_admin)

    refund = PointsEntry.objects.get(kind="refund")
    assert refund.amount == 240 and refund.reason_code == "pos_order_refunded"
    assert PointsAccount.objects.get(partner=partner).balance == 500


def test_a_paid_item_without_enough_points_is_refused_and_takes_no_stock(brand, partner):
    credit(partner, 50)
    item = PosItemFactory(brand=brand, stock=5, points_price=120)

    with pytest.raises(ApplicationError):
        order(partner, item)

    assert PosItem.objects.get(pk=item.pk).stock == 5 and not PosOrder.objects.exists()


def test_an_order_is_approved_then_shipped_and_not_refused_after(brand, partner, brand_admin):
    placed = order(partner, PosItemFactory(brand=brand))

    services.pos_order_approve(order=placed, user=brand_admin)
    shipped = services.pos_order_ship(order=placed, user=brand_admin)

    assert shipped.status == PosOrder.Status.SHIPPED and shipped.shipped_at is not None
    with pytest.raises(ApplicationError):
        services.pos_order_refuse(order=placed, user=brand_admin)


def submit(partner, checklist, *, answers=None, photos=None, user=None):
    items = list(checklist.items.all())
    return services.visit_submit(
        partner=partner,
        checklist=checklist,
        visited_on=timezone.localdate(),
        answers=answers if answers is not None else {items[0].pk: "oui", items[1].pk: "12"},
        photos=photos if photos is not None else {items[2].pk: png_upload()},
        user=user,
    )


def test_a_visit_stores_its_answers_and_its_photo(brand, partner, partner_seller):
    checklist = checklist_with_items(brand)

    visit = submit(partner, checklist, user=partner_seller)

    answers = list(visit.answers.order_by("item__position"))
    assert answers[0].value_bool is True and answers[1].value_number == 12
    assert answers[2].photo_type == "image/png" and answers[2].photo.name.endswith(".png")
    assert "vitrine" not in answers[2].photo.name  # a random name, never the partner's
    assert answers[2].photo.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a photo", "JPEG or PNG"),
        (b"<html><script>alert(1)</script>", "JPEG or PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (MAX_PHOTO_BYTES + 1), "too large"),
    ],
)
def test_a_visit_photo_is_checked_by_its_bytes_and_size(brand, partner, content, message):
    checklist = checklist_with_items(brand)
    photo_item = checklist.items.get(kind="photo")
    fake = SimpleUploadedFile("photo.png", content, content_type="image/png")

    with pytest.raises(ApplicationError) as error:
        submit(partner, checklist, photos={photo_item.pk: fake})

    assert message in error.value.message and "Photo de la vitrine" in error.value.message
    assert error.value.extra["field"] == f"item_{photo_item.pk}"
    assert not StoreVisit.objects.exists()


def test_a_visit_names_the_item_of_a_bad_or_missing_answer(brand, partner):
    checklist = checklist_with_items(brand)
    items = list(checklist.items.all())

    with pytest.raises(ApplicationError) as error:
        submit(partner, checklist, answers={items[0].pk: "oui", items[1].pk: "beaucoup"})
    assert "Facings en rayon" in error.value.message
    with pytest.raises(ApplicationError) as error:
        submit(partner, checklist, photos={})
    assert "Photo de la vitrine" in error.value.message
    with pytest.raises(ApplicationError):
        services.visit_submit(
            partner=partner,
            checklist=checklist,
            visited_on=timezone.localdate() + timedelta(days=1),
            answers={},
            photos={},
            user=None,
        )


def test_the_brand_reviews_each_answer_and_a_rejection_needs_a_comment(brand, partner, brand_admin):
    visit = submit(partner, checklist_with_items(brand))
    answers = list(visit.answers.order_by("item__position"))

    with pytest.raises(ApplicationError):
        services.visit_review(visit=visit, decisions={answers[0].pk: (False, " ")}, user=brand_admin)
    services.visit_review(visit=visit, decisions={answers[0].pk: (True, "")}, user=brand_admin)
    assert StoreVisit.objects.get(pk=visit.pk).status == StoreVisit.Status.SUBMITTED
    services.visit_review(
        visit=visit,
        decisions={answers[1].pk: (True, ""), answers[2].pk: (False, "Vitrine non montée")},
        user=brand_admin,
    )

    assert StoreVisit.objects.get(pk=visit.pk).status == StoreVisit.Status.REVIEWED
    assert VisitAnswer.objects.get(pk=answers[2].pk).comment == "Vitrine non montée"


def test_a_checklist_names_its_bad_item(brand):
    with pytest.raises(ApplicationError) as error:
        services.checklist_save(
            brand=brand, name="Relevé", items=[("yes_no", "Présentoir"), ("video", "Film")]
        )

    assert "Item 2" in error.value.message
