"""Migration 0008: reasons stored as words before the codes become codes and figures."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import translation

from relais.sellout.models import DeclarationLine
from relais.sellout.tests.factories import DeclarationFactory, catalogue

migration = importlib.import_module("relais.sellout.migrations.0008_anomaly_reasons_as_codes")
pytestmark = pytest.mark.django_db


def line(declaration, product, n: int, **fields) -> DeclarationLine:
    return DeclarationLine.objects.create(
        brand=declaration.brand,
        partner=declaration.partner,
        declaration=declaration,
        product=product,
        gtin=product.gtin,
        currency="EUR",
        sale_date=dt.date(2026, 10, 3),
        dedup_key=f"k{n}",
        status=DeclarationLine.Status.FLAGGED,
        **fields,
    )


def test_words_stored_before_become_codes_read_in_the_readers_language(partner):
    declaration = DeclarationFactory(partner=partner)
    product = catalogue(partner.brand, count=1)[0]
    product.list_price = Decimal("218.90")
    product.save()
    priced = line(
        declaration,
        product,
        1,
        quantity=2,
        unit_price=Decimal("32.84"),
        amount=Decimal("65.68"),
        flag_reason="Unit price 32.84 is 15 % of the list price 218.9",
    )
    volume = line(
        declaration,
        product,
        2,
        quantity=40,
        unit_price=Decimal("218.90"),
        amount=Decimal("8756.00"),
        flag_reason="400 units in 10/2026: 4.0× this partner's usual month (100 units)",
        anomalies=[
            {"code": "month_volume", "units": 400, "month": "10/2026", "times": 4.0, "usual": 100},
            {"code": "week_volume", "units": 300, "week": "01/10/2026", "times": 9.0, "usual": 33},
        ],
    )
    untouched = line(
        declaration, product, 3, quantity=1, unit_price=Decimal("218.90"), amount=Decimal("218.90")
    )

    migration.reasons_as_codes(apps, None)

    priced.refresh_from_db()
    volume.refresh_from_db()
    untouched.refresh_from_db()
    assert priced.anomalies == [
        {"code": "price_implausible", "unit_price": 32.84, "percent": 15, "list_price": 218.9}
    ]
    assert [a.get("month") or a.get("week") for a in volume.anomalies] == ["2026-10-01", "2026-10-01"]
    assert volume.flag_reason == ""  # the codes say it in every language
    assert (untouched.anomalies, untouched.flag_reason) == ([], "")
    with translation.override("fr"):
        assert priced.flag_text == "Prix unitaire 32,84 : 15 % du prix catalogue 218,90"
        assert volume.flag_text.startswith("400 unités en octobre 2026 : 4,0× le mois habituel")
        assert "semaine du 01/10/2026" in volume.flag_text
