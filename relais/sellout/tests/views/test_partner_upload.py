"""Upload flow: a file in the partner's own layout → proposed mapping → confirm → job → result."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.core.models import Job
from relais.sellout.models import Declaration, DeclarationLine, SelloutImport, Source
from relais.sellout.tests.test_edifact import slsrpt


def own_layout_csv(drill, saw) -> bytes:
    """A French ERP export: title line, ';' separator, comma decimals, day-first dates, extra columns."""
    rows = [
        "Export ventes Quincaillerie Martin;;;;;",
        "Date de vente;Code EAN;Désignation;Qté vendue;Prix unitaire HT;N° facture",
        f"03/10/2026;{drill.gtin};Perceuse;2;119,90;F-1001",
        f"04/10/2026;{saw.gtin};Scie;1;79,00;F-1002",
        "05/10/2026;1234567890123;Inconnu;1;10,00;F-1003",
        f"06/10/2026;{drill.gtin};Perceuse;beaucoup;119,90;F-1004",
    ]
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


def upload(client, content: bytes, name: str = "ventes-octobre.csv"):
    return client.post(reverse("sellout:import_upload"), {"file": SimpleUploadedFile(name, content)})


def test_upload_proposes_a_mapping_then_imports_and_shows_the_outcome(
    partner_seller, partner, drill, saw, django_capture_on_commit_callbacks, brand_admin, other_brand
):
    client = login_client(partner_seller)

    response = upload(client, own_layout_csv(drill, saw))
    sellout_import = SelloutImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sellout:import_mapping", args=[sellout_import.pk])

    mapping_page = client.get(response["Location"])
    assert mapping_page.status_code == 200
    form = mapping_page.context["form"]
    assert form["map_gtin"].value() == "Code EAN"
    assert form["map_quantity"].value() == "Qté vendue"
    assert form["map_sale_date"].value() == "Date de vente"
    html = mapping_page.content.decode()
    assert 'data-testid="confidence"' in html
    assert "F-1001" in html  # sample rows preview

    data = {f"map_{name}": form[f"map_{name}"].value() or "" for name in form.field_names}
    data["map_invoice_ref"] = "N° facture"
    with django_capture_on_commit_callbacks(execute=True):  # the job runs at commit ("eager" in tests)
        confirmed = client.post(response["Location"], data)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("sellout:import_detail", args=[sellout_import.pk])
    sellout_import.refresh_from_db()
    assert sellout_import.status == SelloutImport.Status.DONE
    assert sellout_import.job is not None and sellout_import.job.status == Job.Status.SUCCEEDED
    result = client.get(confirmed["Location"])
    assert result.status_code == 200
    body = result.content.decode()
    assert 'data-testid="result-accepted">2<' in body
    assert 'data-testid="result-rejected">2<' in body
    rejected = list(result.context["rejected_errors"])
    assert [(e.row, e.field) for e in rejected] == [(5, "gtin"), (6, "quantity")]
    declaration = Declaration.objects.get(partner=partner)
    assert declaration.source == Source.FILE
    assert DeclarationLine.objects.filter(declaration=declaration).count() == 2

    download = client.get(reverse("sellout:import_rejected_csv", args=[sellout_import.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('-rejected.csv"')
    text = download.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3  # header + the two rejected rows, with the reason
    assert "F-1003" in text and "F-1004" in text and "F-1001" not in text

    # the brand reaches the same refused rows from the declaration, another brand does not
    brand_client = login_client(brand_admin)
    detail = brand_client.get(reverse("sellout:brand_declaration_detail", args=[declaration.pk]))
    brand_csv = reverse("sellout:brand_import_rejected_csv", args=[sellout_import.pk])
    assert 'data-testid="rejected-imports"' in detail.content.decode()
    assert brand_csv in detail.content.decode()
    assert brand_client.get(brand_csv).content == download.content
    stranger = UserFactory(email="admin@globex.test", role=Role.BRAND_ADMIN, brand=other_brand)
    assert login_client(stranger).get(brand_csv).status_code == 404
    assert client.get(brand_csv).status_code == 403


def test_mapping_without_a_required_field_is_refused(partner_seller, drill, saw):
    client = login_client(partner_seller)
    location = upload(client, own_layout_csv(drill, saw))["Location"]
    form = client.get(location).context["form"]
    data = {f"map_{name}": form[f"map_{name}"].value() or "" for name in form.field_names}
    data["map_gtin"] = ""

    response = client.post(location, data)

    assert response.status_code == 200
    assert "map_gtin" in response.context["form"].errors
    assert SelloutImport.objects.get().status == SelloutImport.Status.UPLOADED


def test_import_page_shows_the_progress_bar_while_the_job_runs(partner_seller, partner, drill, saw):
    client = login_client(partner_seller)
    upload(client, own_layout_csv(drill, saw))
    sellout_import = SelloutImport.objects.get()
    job = Job.objects.create(
        kind="sellout_import", brand=partner.brand, partner_id=partner.pk, progress_total=10
    )
    SelloutImport.objects.filter(pk=sellout_import.pk).update(status=SelloutImport.Status.RUNNING, job=job)

    page = client.get(reverse("sellout:import_detail", args=[sellout_import.pk])).content.decode()

    assert 'data-testid="job-progress"' in page
    assert f'hx-get="/jobs/{job.pk}/"' in page
    assert 'hx-trigger="job-finished from:body"' in page


def test_an_unreadable_file_is_refused_at_upload(partner_seller):
    response = upload(login_client(partner_seller), b"", "vide.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    response = upload(login_client(partner_seller), b"x", "photo.png")
    assert response.context["form"].errors["file"]


def test_an_edifact_file_is_declared_directly(partner_seller, partner, drill, saw):
    response = upload(
        login_client(partner_seller), slsrpt(drill.gtin, saw.gtin).encode(), "SLSRPT_2026-11.edi"
    )

    assert response.status_code == 200
    result = response.context["result"]
    assert result.accepted + result.flagged == 3
    [error] = response.context["result"].errors
    assert error.field == "gtin" and "LIN 3" in error.message
    assert Declaration.objects.get(partner=partner).source == Source.EDI


def test_other_partners_imports_are_404(partner_seller, other_partner, drill, saw):
    from relais.accounts.tests.factories import partner_user

    upload(login_client(partner_seller), own_layout_csv(drill, saw))
    sellout_import = SelloutImport.objects.get()
    stranger = login_client(partner_user(other_partner, email="y@dupont.test"))
    for name in ("import_detail", "import_mapping", "import_result", "import_rejected_csv"):
        assert stranger.get(reverse(f"sellout:{name}", args=[sellout_import.pk])).status_code == 404


def test_upload_and_mapping_pages_render_in_french(partner_seller, drill, saw):
    client = login_client(partner_seller)
    assert (
        "Déposer des ventes"
        in client.get(reverse("sellout:import_upload"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    location = upload(client, own_layout_csv(drill, saw))["Location"]
    html = client.get(location, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vérifiez les colonnes" in html and "Confirmer et importer" in html and "Date de vente" in html


def test_the_same_file_again_reuses_the_mapping_and_lists_the_duplicates(
    partner_seller, drill, saw, django_capture_on_commit_callbacks
):
    client = login_client(partner_seller)

    def import_once():
        location = upload(client, own_layout_csv(drill, saw))["Location"]
        page = client.get(location)
        form = page.context["form"]
        data = {f"map_{name}": form[f"map_{name}"].value() or "" for name in form.field_names}
        data["map_invoice_ref"] = "N° facture"
        with django_capture_on_commit_callbacks(execute=True):
            detail = client.post(location, data)["Location"]
        return page, client.get(detail)

    import_once()
    mapping_page, result = import_once()

    assert 'data-testid="mapping-reused"' in mapping_page.content.decode()
    body = result.content.decode()
    assert 'data-testid="result-duplicates">2<' in body and 'data-testid="result-accepted">0<' in body
    assert [e.row for e in result.context["duplicate_errors"]] == [3, 4]
    assert 'data-testid="duplicate-rows"' in body


def test_a_failed_job_ends_the_wait_with_its_message(partner_seller, partner, drill, saw):
    client = login_client(partner_seller)
    upload(client, own_layout_csv(drill, saw))
    sellout_import = SelloutImport.objects.get()
    job = Job.objects.create(
        kind="sellout_import",
        brand=partner.brand,
        partner_id=partner.pk,
        status=Job.Status.FAILED,
        message="Disk full",
    )
    SelloutImport.objects.filter(pk=sellout_import.pk).update(status=SelloutImport.Status.MAPPED, job=job)

    page = client.get(reverse("sellout:import_result", args=[sellout_import.pk])).content.decode()

    assert 'data-testid="import-failed"' in page and "Disk full" in page
    assert "job-finished" not in page
