"""The catalogue file uploaded from the web: the command's importer, a preview, then the import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login_client
from relais.audit.models import AuditEntry
from relais.catalog.models import Product

pytestmark = pytest.mark.django_db

CSV = "gtin;désignation;famille;prix\n4006381333931;Perceuse 18V;Outillage;129,90\n4006381333932;Mauvais;Outillage;1\n".encode()


def test_the_catalogue_is_previewed_then_imported(brand, brand_admin):
    client = login_client(brand_admin)
    assert client.get("/catalog/upload/").status_code == 200
    preview = client.post("/catalog/upload/", {"file": SimpleUploadedFile("catalogue.csv", CSV)})
    assert preview.context["report"].created == 1
    assert [(e.row, e.field) for e in preview.context["errors"]] == [(3, "gtin")]
    assert not Product.objects.exists()
    client.post("/catalog/upload/", {"token": preview.context["token"]})
    product = Product.objects.get(brand=brand)
    assert (product.gtin, product.name, str(product.list_price)) == (
        "04006381333931",
        "Perceuse 18V",
        "129.90",
    )
    assert AuditEntry.objects.get(brand=brand, action="catalog.imported").details["created"] == 1


def test_a_channel_manager_cannot_upload_the_catalogue(channel_manager):
    client = login_client(channel_manager)
    assert client.get("/catalog/upload/").status_code == 403
    client.post("/catalog/upload/", {"file": SimpleUploadedFile("catalogue.csv", CSV)})
    assert not Product.objects.exists()
