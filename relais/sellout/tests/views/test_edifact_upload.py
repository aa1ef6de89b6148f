"""The upload page with an EDIFACT file of several interchanges: one declaration per message and place."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import login_client
from relais.network.tests.factories import SiteFactory
from relais.sellout.models import Declaration
from relais.sellout.tests.test_edifact import fixture_text


def upload(client, content: bytes, name: str):
    return client.post(reverse("sellout:import_upload"), {"file": SimpleUploadedFile(name, content)})


def test_an_edifact_file_of_two_interchanges_lists_its_declarations(partner_seller, partner, drill, saw):
    SiteFactory(partner=partner, gln="5412345000020")
    text = fixture_text("two_interchanges.edi", GTIN_A=drill.gtin, GTIN_B=saw.gtin)

    response = upload(login_client(partner_seller), text.encode(), "SLSRPT_2006_2008.edi")

    assert response.status_code == 200
    declarations = Declaration.objects.filter(partner=partner)
    assert declarations.count() == 4
    page = response.content.decode()
    assert 'data-testid="edifact-declarations"' in page
    for declaration in declarations:
        assert reverse("sellout:declaration_edit", args=[declaration.pk]) in page
    assert "place of sale 5412345000037" in page
    result = response.context["result"]
    assert result.rejected == 2
    assert [e.message.split(": ")[0] for e in result.errors] == [
        "interchange SR06001, message ME000002, LIN 2, segment 10",
        "interchange SR08001, message 1, LIN 2, segment 11",
    ]
    assert "interchange SR08001, message 1, LIN 2, segment 11" in page


def test_an_edifact_file_sent_again_says_nothing_was_declared(partner_seller, partner, drill, saw):
    text = fixture_text("two_interchanges.edi", GTIN_A=drill.gtin, GTIN_B=saw.gtin).encode()
    client = login_client(partner_seller)
    upload(client, text, "SLSRPT.edi")

    response = upload(client, text, "SLSRPT.edi")

    assert response.status_code == 200
    assert 'data-testid="nothing-declared"' in response.content.decode()
    assert response.context["result"].duplicates == 6
    assert Declaration.objects.filter(partner=partner).count() == 4
