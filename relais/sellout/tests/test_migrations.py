"""Data migrations of sell-out, run against a real database."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from relais.sellout.ingest.dedup import dedup_key
from relais.sellout.models import DeclarationLine
from relais.sellout.tests.factories import DeclarationFactory, catalogue

date_led = importlib.import_module("relais.sellout.migrations.0004_dedup_key_leads_with_the_sale_date")


@pytest.mark.django_db
def test_keys_before_0004_become_the_keys_computed_now(partner):
    declaration = DeclarationFactory(partner=partner)
    day = dt.date(2026, 10, 3)
    product = catalogue(partner.brand, count=1)[0]
    text = f"v1|{declaration.partner_id}|FA12|{product.gtin}|{day.isoformat()}|2|0"
    old_key = hashlib.sha256(text.encode()).hexdigest()[:32]  # the format up to migration 0003
    common = {
        "brand": declaration.brand,
        "partner": declaration.partner,
        "declaration": declaration,
        "product": product,
        "gtin": product.gtin,
        "amount": 10,
        "currency": "EUR",
        "sale_date": day,
    }
    line = DeclarationLine.objects.create(**common, quantity=2, invoice_ref="FA-12", dedup_key=old_key)
    rejected = DeclarationLine.objects.create(**common, quantity=1, dedup_key="rejected:77")

    date_led.date_led_keys(None, SimpleNamespace(connection=connection))

    line.refresh_from_db()
    rejected.refresh_from_db()
    assert line.dedup_key == dedup_key(
        partner_id=declaration.partner_id, gtin=product.gtin, sale_date=day, quantity=2, invoice_ref="FA-12"
    )
    assert line.dedup_key == "20261003" + old_key[:24]
    assert rejected.dedup_key == "rejected:77"
