"""The distributor's pages over HTTP: its resellers only, the form and the file with a reseller column."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.sellout.models import Declaration, DeclarationLine
from relais.sellout.services import sellout_import_create


def test_the_resellers_page_lists_its_resellers_and_no_other_partner(
    distributor_admin, reseller, second_reseller, stranger
):
    response = login_client(distributor_admin).get(reverse("sellout:distributor_resellers"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Quincaillerie Lebrun" in page and "Outils Moreau" in page
    assert "Brico Sud" not in page


def test_a_partner_that_is_not_a_distributor_reads_so_and_cannot_declare_for_others(reseller_admin):
    client = login_client(reseller_admin)

    page = client.get(reverse("sellout:distributor_resellers"))
    assert page.status_code == 200
    assert b'data-testid="not-distributor"' in page.content
    assert client.get(reverse("sellout:distributor_declare")).status_code == 302


def test_a_seller_of_the_distributor_is_refused(distributor, reseller):
    seller = partner_user(distributor, email="vendeur@distri-ouest.test", role=Role.PARTNER_SELLER)

    assert login_client(seller).get(reverse("sellout:distributor_resellers")).status_code == 403


def test_declaring_for_a_reseller_by_the_form(distributor, distributor_admin, reseller, stranger, products):
    client = login_client(distributor_admin)
    data = {
        "reseller": reseller.pk,
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "line-TOTAL_FORMS": "5",
        "line-INITIAL_FORMS": "0",
        "line-0-gtin": products[0].gtin,
        "line-0-sale_date": "2026-10-12",
        "line-0-quantity": "3",
        "line-0-amount": "54.00",
    }

    response = client.post(reverse("sellout:distributor_declare"), data)

    assert response.status_code == 302
    declaration = Declaration.objects.get(partner=reseller)
    assert declaration.declared_by_partner == distributor
    assert DeclarationLine.objects.filter(partner=reseller).count() == 1
    # Another partner of the brand is not a choice: the form refuses it.
    refused = client.post(reverse("sellout:distributor_declare"), {**data, "reseller": stranger.pk})
    assert refused.status_code == 200
    assert not Declaration.objects.filter(partner=stranger).exists()


def test_a_file_with_a_reseller_column_names_the_rows_refused(distributor_admin, reseller, products):
    client = login_client(distributor_admin)
    text = (
        "Code revendeur;EAN;Qte;Date;Montant\n"
        f"R101;{products[0].gtin};3;12/10/2026;54,00\n"
        f"R999;{products[0].gtin};1;13/10/2026;18,00\n"
    )
    upload = client.post(
        reverse("sellout:distributor_import_upload"),
        {"file": SimpleUploadedFile("ventes-revendeurs.csv", text.encode())},
    )
    assert upload.status_code == 302
    mapping_url = upload["Location"]
    proposed = client.get(mapping_url)
    assert proposed.status_code == 200
    assert proposed.context["form"]["map_reseller_code"].value() == "Code revendeur"

    result = client.post(
        mapping_url,
        {
            "map_reseller_code": "Code revendeur",
            "map_gtin": "EAN",
            "map_quantity": "Qte",
            "map_sale_date": "Date",
            "map_amount": "Montant",
        },
    )

    assert result.status_code == 200
    page = result.content.decode()
    assert "R999" in page and "Reseller code" in page
    assert DeclarationLine.objects.filter(partner=reseller).count() == 1
    # The import is done: its mapping page is gone.
    assert client.get(mapping_url).status_code == 404


def test_another_partners_import_is_not_reachable(distributor_admin, reseller_admin, products):
    theirs = sellout_import_create(
        partner=reseller_admin.partner,
        uploaded_file=SimpleUploadedFile("x.csv", f"EAN;Qte\n{products[0].gtin};1\n".encode()),
    )
    url = reverse("sellout:distributor_import_mapping", args=[theirs.pk])

    assert login_client(distributor_admin).get(url).status_code == 404
