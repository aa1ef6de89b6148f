"""File imports end to end: confirm -> job -> lines; atomicity; the concurrent-insert path."""

from __future__ import annotations

import pytest
from django.db import connection

from relais.core.errors import ApplicationError
from relais.core.models import Job
from relais.followups.declarations import sellout_import_confirm
from relais.sellout.ingest import store
from relais.sellout.models import ColumnMapping, Declaration, DeclarationLine, SelloutImport
from relais.sellout.services import (
    sellout_import_create,
    sellout_import_map,
    sellout_import_propose_mapping,
    sellout_import_run,
)
from relais.sellout.tests.factories import catalogue, ean13

MAPPING = {"gtin": "EAN", "quantity": "Qté", "sale_date": "Date", "amount": "Montant"}


def csv_file(tmp_path, rows: int, name: str = "ventes.csv"):
    path = tmp_path / name
    body = "".join(
        f"{ean13(1 + i % 3)};{1 + i % 4};0{1 + i % 9}/10/2026;{20 * (1 + i % 4)},00\n" for i in range(rows)
    )
    path.write_text("EAN;Qté;Date;Montant\n" + body, encoding="utf-8")
    return path


@pytest.fixture
def products(brand):
    return catalogue(brand, count=3)


@pytest.mark.django_db
def test_confirm_saves_the_mapping_and_runs_the_job(
    partner, partner_admin, products, tmp_path, django_capture_on_commit_callbacks
):
    sellout_import = sellout_import_create(
        partner=partner, uploaded_file=csv_file(tmp_path, 6), created_by=partner_admin
    )
    assert sellout_import.sha256 and sellout_import.original_name == "ventes.csv"
    with django_capture_on_commit_callbacks(execute=True):
        job = sellout_import_confirm(sellout_import=sellout_import, mapping=MAPPING, user=partner_admin)

    job.refresh_from_db()
    assert job.kind == "sellout_import" and job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["accepted"] == 6 and job.result["sellout_import_id"] == sellout_import.pk
    assert job.progress_done == 6
    sellout_import.refresh_from_db()
    assert sellout_import.status == SelloutImport.Status.DONE and sellout_import.job_id == job.pk
    assert sellout_import.declaration is not None
    assert sellout_import.declaration.status == Declaration.Status.VALIDATED
    assert ColumnMapping.objects.get(partner=partner).mapping == MAPPING
    with pytest.raises(ApplicationError):
        sellout_import_confirm(sellout_import=sellout_import, mapping=MAPPING)


@pytest.mark.django_db
def test_confirm_refuses_incomplete_or_wrong_mappings(partner, products, tmp_path):
    sellout_import = sellout_import_create(partner=partner, uploaded_file=csv_file(tmp_path, 2))
    with pytest.raises(ApplicationError, match="amount or unit price"):
        sellout_import_confirm(sellout_import=sellout_import, mapping={**MAPPING, "amount": ""})
    with pytest.raises(ApplicationError, match="not in the file"):
        sellout_import_confirm(sellout_import=sellout_import, mapping={**MAPPING, "channel": "Canal"})
    with pytest.raises(ApplicationError, match="only one field"):
        sellout_import_confirm(sellout_import=sellout_import, mapping={**MAPPING, "invoice_ref": "EAN"})
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_unreadable_uploads_are_refused_at_once(partner, tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(ApplicationError, match="empty"):
        sellout_import_create(partner=partner, uploaded_file=empty)
    assert not SelloutImport.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("crash_in", ["third batch", "final write"])
def test_a_crash_mid_way_leaves_nothing_and_the_import_can_run_again(
    partner, products, tmp_path, monkeypatch, crash_in
):
    sellout_import = sellout_import_create(partner=partner, uploaded_file=csv_file(tmp_path, 10))
    sellout_import_map(sellout_import=sellout_import, mapping=MAPPING)
    real_add, real_write = store.Staging.add, store.Staging.write
    calls = []

    def crash_on_third_batch(staging, rows):
        calls.append(rows.height)
        if len(calls) == 3 and crash_in == "third batch":
            raise RuntimeError("worker killed")
        return real_add(staging, rows)

    def crash_in_final_write(staging):
        if crash_in == "final write":
            with connection.cursor() as cursor:  # half of the lines written, then killed
                cursor.execute(
                    f"INSERT INTO {store.TABLE} ({', '.join(store.COLUMNS)}) "
                    f"SELECT {', '.join(store.COLUMNS)} FROM {store.STAGING_TABLE} WHERE source_row < 7"
                )
            raise RuntimeError("worker killed")
        return real_write(staging)

    monkeypatch.setattr(store.Staging, "add", crash_on_third_batch)
    monkeypatch.setattr(store.Staging, "write", crash_in_final_write)
    with pytest.raises(RuntimeError):
        sellout_import_run(sellout_import=sellout_import, batch_rows=4)
    assert calls == [4, 4, 2]
    assert not DeclarationLine.objects.exists()
    assert not Declaration.objects.exists()
    sellout_import.refresh_from_db()
    assert sellout_import.status == SelloutImport.Status.FAILED and "killed" in sellout_import.error

    monkeypatch.setattr(store.Staging, "add", real_add)
    monkeypatch.setattr(store.Staging, "write", real_write)
    result = sellout_import_run(sellout_import=sellout_import, batch_rows=4)
    assert result.accepted == 10
    assert DeclarationLine.objects.count() == 10
    assert sorted(row or 0 for row in DeclarationLine.objects.values_list("source_row", flat=True)) == list(
        range(2, 12)
    )


@pytest.mark.django_db
def test_identical_lines_in_different_batches_are_distinct_sales(partner, products, tmp_path):
    path = tmp_path / "same.csv"
    path.write_text("EAN;Qté;Date;Montant\n" + f"{ean13(1)};1;02/10/2026;20,00\n" * 5, encoding="utf-8")
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
    sellout_import_map(sellout_import=sellout_import, mapping=MAPPING)
    assert sellout_import_run(sellout_import=sellout_import, batch_rows=2).accepted == 5

    again = sellout_import_create(partner=partner, uploaded_file=path)
    sellout_import_map(sellout_import=again, mapping=MAPPING)
    result = sellout_import_run(sellout_import=again, batch_rows=3)
    assert (result.accepted, result.duplicates) == (0, 5)
    # Nothing new: no empty draft is left behind.
    assert SelloutImport.objects.get(pk=again.pk).declaration is None
    assert Declaration.objects.filter(partner=partner).count() == 1


@pytest.mark.django_db
def test_keys_written_concurrently_after_the_lookup_are_still_duplicates(
    partner, products, tmp_path, monkeypatch
):
    """If another import commits the same keys between lookup and write, the exact ON CONFLICT path runs."""
    first = sellout_import_create(partner=partner, uploaded_file=csv_file(tmp_path, 4))
    sellout_import_map(sellout_import=first, mapping=MAPPING)
    sellout_import_run(sellout_import=first)

    monkeypatch.setattr(store, "existing_keys", lambda keys, *, brand_id: set())
    path = tmp_path / "plus.csv"
    path.write_text(csv_file(tmp_path, 4).read_text() + f"{ean13(2)};7;09/10/2026;140,00\n", encoding="utf-8")
    second = sellout_import_create(partner=partner, uploaded_file=path)
    sellout_import_map(sellout_import=second, mapping=MAPPING)
    result = sellout_import_run(sellout_import=second)
    assert (result.accepted, result.duplicates) == (1, 4)
    assert sorted(e.row for e in result.errors if e.kind == "duplicate") == [2, 3, 4, 5]
    assert DeclarationLine.objects.count() == 5


@pytest.mark.django_db
def test_proposal_reports_the_header_row_and_samples(partner, products, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Mes ventes\n\n" + csv_file(tmp_path, 3).read_text(), encoding="utf-8")
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
    assert proposal.header_row == 3
    assert proposal.headers == ["EAN", "Qté", "Date", "Montant"]
    assert proposal.sample_rows[0][0] == ean13(1)
    assert proposal.mapping == MAPPING and proposal.reused_mapping_id is None


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_another_connection_while_importing_on_postgresql(
    partner, products, tmp_path, monkeypatch
):
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    sellout_import = sellout_import_create(partner=partner, uploaded_file=csv_file(tmp_path, 7))
    sellout_import_map(sellout_import=sellout_import, mapping=MAPPING)
    job = Job.objects.create(kind="sellout_import", brand=partner.brand, partner_id=partner.pk)
    real_add = store.Staging.add
    seen: list[int] = []

    def add_and_look(staging, rows):
        if (
            len(calls) == 2 and connection.vendor == "postgresql"
        ):  # look once, while the second batch is staged
            outside = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with outside.cursor() as cursor:
                    cursor.execute("SELECT progress_done FROM core_job WHERE id = %s", [job.pk])
                    seen.append(cursor.fetchone()[0])
            finally:
                outside.close()
        return real_add(staging, rows)

    calls: list[int] = []

    def counting(staging, rows):
        calls.append(rows.height)
        return add_and_look(staging, rows)

    monkeypatch.setattr(store.Staging, "add", counting)
    sellout_import_run(sellout_import=sellout_import, job=job, batch_rows=3)

    # PostgreSQL: written through a second connection. SQLite (one writer, and an in-memory test database
    # whose tables lock across connections): progress shows at commit only.
    assert seen == ([3] if connection.vendor == "postgresql" else [])
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (7, 7)
    assert job.message == "7 rows read"


@pytest.mark.django_db
def test_an_import_whose_server_died_is_seen_as_failed_and_runs_again_from_its_page(
    partner, partner_admin, products, tmp_path, django_capture_on_commit_callbacks
):
    import socket
    import subprocess

    from django.urls import reverse

    from conftest import login_client

    sellout_import = sellout_import_create(partner=partner, uploaded_file=csv_file(tmp_path, 7))
    sellout_import_map(sellout_import=sellout_import, mapping=MAPPING)
    # The web process that ran it in its worker thread was killed mid-way: its job is left "running".
    gone = subprocess.Popen(["true"])
    gone.wait()
    job = Job.objects.create(
        kind="sellout_import",
        payload={"sellout_import_id": sellout_import.pk, "period_start": None, "period_end": None},
        brand=partner.brand,
        partner_id=partner.pk,
        status=Job.Status.RUNNING,
        runner=f"inprocess:{socket.gethostname()}:{gone.pid}",
    )
    SelloutImport.objects.filter(pk=sellout_import.pk).update(job=job, status=SelloutImport.Status.RUNNING)
    client = login_client(partner_admin)

    progress = client.get(reverse("job_status", args=[job.pk]), HTTP_HX_REQUEST="true")

    assert progress["HX-Trigger"] == "job-finished"
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "Interrupted" in job.message
    page = client.get(reverse("sellout:import_result", args=[sellout_import.pk])).content.decode()
    assert 'data-testid="retry-import"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sellout:import_retry", args=[sellout_import.pk]))

    assert response.status_code == 302
    sellout_import.refresh_from_db()
    assert sellout_import.status == SelloutImport.Status.DONE and sellout_import.accepted == 7
    assert sellout_import.job_id != job.pk
    assert DeclarationLine.objects.count() == 7
    # Once done, it is not run again.
    assert client.post(reverse("sellout:import_retry", args=[sellout_import.pk])).status_code == 302
    assert DeclarationLine.objects.count() == 7
