"""Factories for merchandising tests."""

from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from relais.merchandising.models import Checklist, ChecklistItem, PosItem
from relais.merchandising.photos import png_image


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
