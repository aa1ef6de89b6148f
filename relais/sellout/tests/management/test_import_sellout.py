from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relais.sellout.models import DeclarationLine
from relais.sellout.tests.factories import catalogue, ean13


@pytest.mark.django_db
def test_json_summary(brand, partner, tmp_path):
    catalogue(brand, count=2)
    path = tmp_path / "v.csv"
    path.write_text(
        f"EAN;Qté;Date de vente;Montant\n{ean13(1)};2;03/10/2026;40,00\n{ean13(2)};x;03/10/2026;20,00\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary == {
        "accepted": 1,
        "rejected": 1,
        "duplicates": 0,
        "flagged": 0,
        "errors": [{"row": 3, "field": "quantity", "message": "Quantity 'x' is not a number"}],
    }
    out = StringIO()
    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), "--json", stdout=out)
    again = json.loads(out.getvalue())
    assert (again["accepted"], again["duplicates"]) == (0, 1)
    assert DeclarationLine.objects.count() == 1


@pytest.mark.django_db
def test_fails_clearly_when_a_required_field_has_no_column(brand, partner, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(f"EAN;Libellé\n{ean13(1)};Marteau\n", encoding="utf-8")
    with pytest.raises(CommandError, match="quantity, sale_date, amount"):
        call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), "--json")
    with pytest.raises(CommandError, match="no partner"):
        call_command("import_sellout", "--brand", "acme", "--partner", "NOPE", str(path))
