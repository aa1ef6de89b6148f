from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relais.core.models import Job
from relais.incentives.models import PointsEntry
from relais.incentives.tests.factories import running_challenge
from relais.insights.selectors import dashboard_data, period_clean
from relais.sellout.ingest import engine
from relais.sellout.models import Declaration, DeclarationLine, ImportRowError, SelloutImport, Source
from relais.sellout.services import (
    sellout_import_create,
    sellout_import_map,
    sellout_import_propose_mapping,
    sellout_import_retry,
    sellout_import_run,
)
from relais.sellout.tests.factories import catalogue, ean13
from relais.sellout.tests.test_edifact import slsrpt


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
    assert {k: v for k, v in summary.items() if k != "followups"} == {
        "accepted": 1,
        "rejected": 1,
        "duplicates": 0,
        "flagged": 0,
        "errors": [{"row": 3, "field": "quantity", "message": "Quantity 'x' is not a number"}],
        "warnings": [],
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


@pytest.mark.django_db
def test_an_edifact_file_is_declared_as_edifact_not_read_as_csv(brand, partner, tmp_path):
    catalogue(brand, count=2)
    path = tmp_path / "ventes.edi"
    path.write_text(slsrpt(ean13(1), ean13(2)), encoding="utf-8")
    out = StringIO()

    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), stdout=out)

    lines = DeclarationLine.objects.filter(partner=partner)
    assert lines.count() == 3
    assert set(lines.values_list("declaration__source", flat=True)) == {Source.EDI}
    assert re.match(r"\d+ accepted, \d+ flagged, 1 rejected, 0 duplicates \(EDIFACT\)", out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_the_followups_have_run_when_the_command_exits_with_the_in_process_runner(
    brand, partner, tmp_path, settings
):
    settings.RELAIS_TASK_BACKEND = "inprocess"
    catalogue(brand, count=2)
    running_challenge(brand, per_unit=10, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31))
    path = tmp_path / "v.csv"
    path.write_text(f"EAN;Qté;Date de vente;Montant\n{ean13(1)};3;03/10/2026;60,00\n", encoding="utf-8")
    out = StringIO()

    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["followups"] == {"succeeded": 2}
    assert not Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()
    assert PointsEntry.objects.filter(account__partner=partner).exists()
    period = period_clean(brand=brand, start="2026-10", end="2026-10")
    assert dashboard_data(brand=brand, period=period)["totals"]["units"] == 3


@pytest.mark.django_db
def test_with_a_deferred_backend_the_command_says_the_followups_are_queued(
    brand, partner, tmp_path, settings
):
    settings.RELAIS_TASK_BACKEND = "deferred"
    catalogue(brand, count=1)
    path = tmp_path / "v.csv"
    path.write_text(f"EAN;Qté;Date de vente;Montant\n{ean13(1)};3;03/10/2026;60,00\n", encoding="utf-8")
    out = StringIO()

    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), stdout=out)

    assert "2 follow-up job(s) (rollups, points) are queued on the deferred backend" in out.getvalue()
    assert "manage.py run_jobs" in out.getvalue()


@pytest.mark.django_db
def test_a_killed_import_left_running_is_marked_interrupted_by_the_next_run_and_can_run_again(
    brand, partner, tmp_path
):
    catalogue(brand, count=2)
    path = tmp_path / "v.csv"
    path.write_text(f"EAN;Qté;Date de vente;Montant\n{ean13(1)};2;03/10/2026;40,00\n", encoding="utf-8")
    # A command killed mid-way: its import says "running", no process holds it, nothing was kept.
    killed = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=killed)
    sellout_import_map(sellout_import=killed, mapping=proposal.mapping)
    SelloutImport.objects.filter(pk=killed.pk).update(status=SelloutImport.Status.RUNNING)
    other = tmp_path / "w.csv"
    other.write_text(f"EAN;Qté;Date de vente;Montant\n{ean13(2)};1;04/10/2026;20,00\n", encoding="utf-8")

    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(other), stdout=StringIO())

    killed.refresh_from_db()
    assert killed.status == SelloutImport.Status.FAILED
    assert killed.error.startswith("Interrupted: the import stopped before it finished")
    sellout_import_retry(sellout_import=killed)
    result = sellout_import_run(sellout_import=killed)
    killed.refresh_from_db()
    assert (killed.status, result.accepted) == (SelloutImport.Status.DONE, 1)


@pytest.mark.django_db
def test_a_rerun_made_only_of_duplicates_leaves_no_draft_and_stores_few_error_rows(
    brand, partner, tmp_path, monkeypatch
):
    catalogue(brand, count=1)
    path = tmp_path / "v.csv"
    path.write_text(
        "EAN;Qté;Date de vente;Montant\n"
        + "".join(f"{ean13(1)};1;{d:02d}/10/2026;20,00\n" for d in range(1, 21)),
        encoding="utf-8",
    )
    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), stdout=StringIO())
    monkeypatch.setitem(engine.MAX_STORED_ERRORS, ImportRowError.Kind.DUPLICATE.value, 5)
    out = StringIO()

    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), "--json", stdout=out)

    assert json.loads(out.getvalue())["duplicates"] == 20
    assert Declaration.objects.filter(partner=partner).count() == 1
    rerun = SelloutImport.objects.latest("pk")
    assert (rerun.status, rerun.declaration_id, rerun.duplicates) == (SelloutImport.Status.DONE, None, 20)
    assert ImportRowError.objects.filter(sellout_import=rerun).count() == 5


@pytest.mark.django_db
def test_nul_bytes_are_removed_with_a_warning_and_the_lines_stored(brand, partner, tmp_path):
    catalogue(brand, count=1)
    rows = "".join(f"{ean13(1)};1;{1 + n % 28:02d}/10/2026;20,00;avis {n}\n" for n in range(300))
    text = (
        "EAN;Qté;Date de vente;Montant;Avis client\n"
        + rows
        + f"{ean13(1)};1;29/10/2026;20,00;bon\x00produit\n"
    )
    path = tmp_path / "v.csv"
    path.write_bytes(text.encode("utf-8"))
    out = StringIO()

    call_command("import_sellout", "--brand", "acme", "--partner", "R001", str(path), stdout=out)

    assert "warning: NUL bytes were removed from 1 line(s) of the file (first: line 302)." in out.getvalue()
    assert DeclarationLine.objects.filter(partner=partner, feedback="bonproduit").count() == 1


@pytest.mark.django_db
def test_a_killed_import_can_be_run_again_directly(brand, partner, tmp_path):
    catalogue(brand, count=1)
    path = tmp_path / "v.csv"
    path.write_text(f"EAN;Qté;Date de vente;Montant\n{ean13(1)};2;03/10/2026;40,00\n", encoding="utf-8")
    killed = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=killed)
    sellout_import_map(sellout_import=killed, mapping=proposal.mapping)
    SelloutImport.objects.filter(pk=killed.pk).update(status=SelloutImport.Status.RUNNING)

    sellout_import_retry(sellout_import=killed)

    killed.refresh_from_db()
    assert killed.status == SelloutImport.Status.MAPPED
    assert sellout_import_run(sellout_import=killed).accepted == 1
