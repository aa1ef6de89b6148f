"""The customer number a partner sends never stays in clear in the database: on the lines (pseudonym at
ingest) and in the raw cells kept of a rejected row, for the partner to fix (the same pseudonym there)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from relais.sellout.ingest.store import customer_ref_pseudonym
from relais.sellout.models import DeclarationLine, ImportRowError
from relais.sellout.tests.ingest.helpers import catalogue, ean13, run_file

pytestmark = pytest.mark.django_db
CLEAR = ("CLI-000473", "CLI-009921")


def _table_text(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table}")
        return repr(cursor.fetchall())


def test_a_rejected_rows_cells_hold_the_pseudonym_of_the_customer_number(partner, tmp_path):
    catalogue(partner.brand, count=2, list_price=Decimal("20.00"))
    path = tmp_path / "ventes.csv"
    path.write_text(
        "Date de vente;Code EAN;Quantité;Montant;N° client\n"
        f"05/10/2026;{ean13(1)};1;20,00;{CLEAR[0]}\n"
        f"05/10/2026;{ean13(2)};deux;40,00;{CLEAR[1]}\n",
        encoding="utf-8",
    )

    result, sellout_import = run_file(
        partner, path, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31)
    )

    assert (result.accepted, result.rejected) == (1, 1)
    error = ImportRowError.objects.get(sellout_import=sellout_import)
    secret = partner.brand.customer_ref_secret
    assert error.raw["N° client"] == customer_ref_pseudonym(CLEAR[1], secret=secret)
    assert error.raw["Quantité"] == "deux"  # the other cells stay as sent, for the partner to fix
    for model in (ImportRowError, DeclarationLine):
        table = _table_text(model)
        assert all(clear not in table for clear in CLEAR)
        assert "000473" not in table and "009921" not in table
