import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from relais.catalog.models import Product
from relais.catalog.tests.factories import gtin14


def test_import_catalog_prints_a_json_summary_and_is_idempotent(brand, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(f"gtin;name;list_price\n{gtin14(1)};Lampe;12,50\n{gtin14(2)};;3\n".encode("cp1252"))

    out = StringIO()
    call_command("import_catalog", "--brand", brand.slug, str(path), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert {k: summary[k] for k in ("created", "updated", "unchanged", "rejected")} == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert summary["errors"] == [{"row": 3, "field": "name", "message": "The product name is missing."}]

    out = StringIO()
    call_command("import_catalog", "--brand", brand.slug, str(path), "--json", stdout=out)
    assert json.loads(out.getvalue())["unchanged"] == 1
    assert Product.objects.filter(brand=brand).count() == 1


def test_import_catalog_human_output_and_errors(brand, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f"gtin,name\n{gtin14(1)},Lampe\n")
    out = StringIO()
    call_command("import_catalog", "--brand", brand.slug, str(path), stdout=out)
    assert "created 1, updated 0, unchanged 0, rejected 0" in out.getvalue()

    with pytest.raises(CommandError, match="No brand"):
        call_command("import_catalog", "--brand", "nope", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import_catalog", "--brand", brand.slug, str(tmp_path / "missing.csv"), stdout=StringIO()
        )


def test_the_example_files_in_the_docs_import_cleanly(brand):
    examples = Path(settings.BASE_DIR) / "docs" / "examples"
    for command, name, count in (
        ("import_catalog", "catalogue.csv", 6),
        ("import_partners", "partenaires.csv", 6),
    ):
        out = StringIO()
        call_command(command, "--brand", brand.slug, str(examples / name), "--json", stdout=out)
        summary = json.loads(out.getvalue())
        assert (summary["created"], summary["rejected"], summary["errors"]) == (count, 0, []), name
