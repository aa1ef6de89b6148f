import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relais.network.models import PartnerCompany


def test_import_partners_json_summary_and_rerun(brand, tmp_path):
    path = tmp_path / "partenaires.csv"
    path.write_bytes(
        "code;nom;type;pays;parent\nR1;Revendeur Lyon;revendeur;France;D1\nD1;Distrib;distributeur;France;\nX;;;;\n".encode(
            "cp1252"
        )
    )
    out = StringIO()
    call_command("import_partners", "--brand", brand.slug, str(path), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert (summary["created"], summary["updated"], summary["unchanged"], summary["rejected"]) == (2, 0, 0, 1)
    assert {(e["row"], e["field"]) for e in summary["errors"]} == {(4, "name"), (4, "kind"), (4, "country")}

    out = StringIO()
    call_command("import_partners", "--brand", brand.slug, str(path), stdout=out)
    assert "created 0, updated 0, unchanged 2, rejected 1" in out.getvalue()
    assert "row 4, country" in out.getvalue()
    parent = PartnerCompany.objects.get(brand=brand, code="R1").parent
    assert parent is not None and parent.code == "D1"


def test_import_partners_refuses_unknown_brand_and_bad_files(brand, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code;name\nA;B\n")
    with pytest.raises(CommandError, match="No brand"):
        call_command("import_partners", "--brand", "nope", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="kind"):
        call_command("import_partners", "--brand", brand.slug, str(path), stdout=StringIO())
