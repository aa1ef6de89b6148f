"""Partners from the web: the create form checked by the importer, the partner file and the invitation file
uploaded with a preview that writes nothing, then confirmed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import login_client
from relais.accounts.models import Invitation, Role
from relais.accounts.tests.factories import UserFactory
from relais.audit.models import AuditEntry
from relais.network.models import PartnerCompany

pytestmark = pytest.mark.django_db

FORM = {
    "code": "N100",
    "name": "Outils du Centre",
    "kind": "reseller",
    "organisation": "multi_brand",
    "channel": "retail",
    "country": "France",
    "city": "Bourges",
    "siret": "73282932000074",
}
PARTNERS_CSV = (
    b"code;nom;type;pays;ville\n"
    b"N200;Quincaillerie du Port;revendeur;FR;Brest\n"
    b"N201;Sans pays;revendeur;Atlantide;Nulle part\n"
    b"N202;Brico Sud;distributeur;ES;Sevilla\n"
)


def test_a_partner_is_created_from_the_form_and_audited(brand, brand_admin):
    client = login_client(brand_admin)
    assert client.get("/brand/partners/new/").status_code == 200
    response = client.post("/brand/partners/new/", FORM)
    partner = PartnerCompany.objects.get(brand=brand, code="N100")
    assert response.status_code == 302 and response["Location"] == f"/brand/partners/{partner.pk}/"
    assert (partner.country, partner.siret, partner.city) == ("FR", "73282932000074", "Bourges")
    assert AuditEntry.objects.filter(
        brand=brand, action="partner.created", target_id=str(partner.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "Atlantide"}, "country"),
        ({"siret": "73282932000075"}, "siret"),
        ({"vat_number": "FR00123"}, "vat_number"),
    ],
)
def test_a_bad_field_is_said_on_that_field_in_french(brand, brand_admin, overrides, field):
    client = login_client(brand_admin)
    response = client.post("/brand/partners/new/", {**FORM, **overrides}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PartnerCompany.objects.filter(code="N100").exists()


def test_a_taken_code_is_refused(brand, brand_admin, partner):
    response = login_client(brand_admin).post("/brand/partners/new/", {**FORM, "code": partner.code})
    assert "code" in response.context["form"].errors
    partner.refresh_from_db()
    assert partner.name == "Quincaillerie Martin"


def test_the_partner_file_is_previewed_then_imported(brand, brand_admin):
    client = login_client(brand_admin)
    preview = client.post(
        "/brand/partners/upload/", {"file": SimpleUploadedFile("partners.csv", PARTNERS_CSV)}
    )
    assert preview.status_code == 200
    assert preview.context["step"] == "preview"
    assert preview.context["report"].created == 2
    assert [(e.row, e.field) for e in preview.context["errors"]] == [(3, "country")]
    assert preview.context["rows"][0][:2] == ["N200", "Quincaillerie du Port"]
    assert not PartnerCompany.objects.filter(brand=brand).exists()

    done = client.post("/brand/partners/upload/", {"token": preview.context["token"]})
    assert done.context["step"] == "done"
    assert set(PartnerCompany.objects.filter(brand=brand).values_list("code", flat=True)) == {"N200", "N202"}
    entry = AuditEntry.objects.get(brand=brand, action="partner.imported")
    assert (entry.details["created"], entry.details["rejected"]) == (2, 1)
    # The staged file is gone: confirming twice imports nothing more.
    again = client.post("/brand/partners/upload/", {"token": preview.context["token"]})
    assert again.context["error"]


def test_a_file_without_a_required_column_says_which(brand, brand_admin):
    response = login_client(brand_admin).post(
        "/brand/partners/upload/", {"file": SimpleUploadedFile("p.csv", b"code;nom\nA;B\n")}
    )
    assert response.context["step"] == "upload"
    assert "kind" in response.context["error"] and "country" in response.context["error"]


def test_another_brand_cannot_confirm_this_brands_upload(brand, other_brand, brand_admin):
    preview = login_client(brand_admin).post(
        "/brand/partners/upload/", {"file": SimpleUploadedFile("partners.csv", PARTNERS_CSV)}
    )
    foreign = login_client(UserFactory(email="a@globex.test", role=Role.BRAND_ADMIN, brand=other_brand))
    response = foreign.post("/brand/partners/upload/", {"token": preview.context["token"]})
    assert response.context["error"]
    assert not PartnerCompany.objects.exists()


def test_invitations_from_a_file(brand, brand_admin, partner, django_capture_on_commit_callbacks):
    client = login_client(brand_admin)
    content = b"email,partner_code,role\nlea@martin.test,R001,partner_admin\nbad,R001,\n"
    preview = client.post(
        "/brand/partners/invitations/upload/", {"file": SimpleUploadedFile("i.csv", content)}
    )
    assert preview.context["report"].created == 1
    assert [(e.row, e.field) for e in preview.context["errors"]] == [(3, "email")]
    assert not Invitation.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/brand/partners/invitations/upload/", {"token": preview.context["token"]})
    assert Invitation.objects.get(email="lea@martin.test").partner == partner
    assert mail.outbox[-1].to == ["lea@martin.test"]


def test_partner_users_cannot_reach_the_registry_pages(partner_admin):
    client = login_client(partner_admin)
    for url in ("/brand/partners/new/", "/brand/partners/upload/", "/brand/partners/invitations/upload/"):
        assert client.get(url).status_code == 403
