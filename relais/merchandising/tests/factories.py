"""Factories for merchandising tests."""

from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relais.merchandising.models import Checklist, ChecklistItem, PosItem
from relais.merchandising.photos import png_image
from relais.merchandising.services import visit_submit


class PosItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PosItem

    name = factory.Sequence(lambda n: f"Présentoir {n}")
    stock = 10
    points_price = 0


def checklist_with_items(brand, **kwargs) -> Checklist:
    checklist = Checklist.objects.create(brand=brand, name=kwargs.pop("name", "Relevé vitrine"), **kwargs)
    for position, (kind, label) in enumerate(
        [("yes_no", "Présentoir en place"), ("number", "Facings en rayon"), ("photo", "Photo de la vitrine")]
    ):
        ChecklistItem.objects.create(checklist=checklist, position=position, kind=kind, label=label)
    return checklist


def png_upload(name: str = "vitrine.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_image(), content_type="image/png")


def submitted_visit(partner, *, checklist=None):
    """A visit of ``partner`` answering every item of a (new) checklist, with its photo, awaiting review."""
    checklist = checklist or checklist_with_items(partner.brand)
    items = list(checklist.items.all())
    return visit_submit(
        partner=partner,
        checklist=checklist,
        visited_on=timezone.localdate(),
        answers={items[0].pk: "yes", items[1].pk: "6"},
        photos={items[2].pk: png_upload()},
        user=None,
    )
