"""``import_sellin`` and ``import_inventory``: files on disk in, a JSON report out."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from relais.stock.models import SellInLine, StockSnapshot
from relais.stock.tests.factories import ean13, products
from relais.stock.tests.test_invrpt import real_shaped

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command(*args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_import_sellin_prints_the_report_as_json(brand, partner, tmp_path):
    products(brand, 2)
    path = tmp_path / "shipments.csv"
    path.write_text(
        f"partner,gtin,quantity,date,reference\nR001,{ean13(1)},5,2026-03-02,BL1\nR001,{ean13(2)},x,2026-03-02,BL2\n"
    )
    result = run("import_sellin", "--brand", "acme", str(path))
    assert result["created"] == 1
    assert result["errors"] == [{"row": 3, "field": "quantity", "message": "“x” is not a quantity."}]
    assert run("import_sellin", "--brand", "acme", str(path))["created"] == 0
    assert SellInLine.objects.count() == 1


def test_import_inventory_reads_csv_and_invrpt(brand, partner, tmp_path):
    products(brand, 2)
    csv_path = tmp_path / "stock.csv"
    csv_path.write_text(f"gtin,quantity,date\n{ean13(1)},9,2026-02-28\n")
    edi_path = tmp_path / "stock.edi"
    edi_path.write_text(real_shaped())
    assert run("import_inventory", "--brand", "acme", "--partner", "R001", str(csv_path))["created"] == 1
    assert run("import_inventory", "--brand", "acme", "--partner", "R001", str(edi_path))["created"] == 3
    assert StockSnapshot.objects.filter(partner=partner).count() == 4


def test_unknown_brand_or_partner_is_a_clear_error(brand, tmp_path):
    path = tmp_path / "stock.csv"
    path.write_text("gtin,quantity,date\n")
    with pytest.raises(CommandError, match="No brand"):
        call_command("import_sellin", "--brand", "nope", str(path))
    with pytest.raises(CommandError, match="No partner"):
        call_command("import_inventory", "--brand", "acme", "--partner", "ZZZ", str(path))
