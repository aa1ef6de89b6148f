"""HTTP-level tests of POST /api/v1/edifact with a file of several interchanges, messages and places."""

from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import SiteFactory
from relais.sellout.models import Declaration, DeclarationLine
from relais.sellout.tests.test_edifact import fixture_text

URL = "/api/v1/edifact"


def test_post_edifact_answers_every_declaration_of_the_file(api, partner, brand):
    product_a = ProductFactory(brand=brand, list_price="12.50")
    product_b = ProductFactory(brand=brand, list_price="180.00")
    shop = SiteFactory(partner=partner, gln="5412345000020")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)

    response = api.post(URL, data=text, content_type="application/edifact")

    assert response.status_code == 201, response.content
    data = response.json()
    declarations = Declaration.objects.filter(partner=partner)
    assert declarations.count() == 4
    # The fields of a single declaration stay, for the first one.
    first = declarations.get(period_start="2006-02-01", site=shop)
    assert data["id"] == data["declaration"]["id"] == first.pk
    assert data["result"]["accepted"] + data["result"]["flagged"] == 2
    assert [
        (p["interchange"], p["message"], p["location_gln"], p["declaration"]["period_start"])
        for p in data["declarations"]
    ] == [
        ("SR06001", "ME000001", "5412345000020", "2006-02-01"),
        ("SR06001", "ME000001", "5412345000037", "2006-02-01"),
        ("SR06001", "ME000002", "5412345000020", "2006-03-01"),
        ("SR08001", "1", "5412345000020", "2007-12-01"),
    ]
    assert {p["declaration"]["id"] for p in data["declarations"]} == set(
        declarations.values_list("pk", flat=True)
    )
    assert data["declarations"][3]["declaration"]["status"] == Declaration.Status.PARTLY_REJECTED
    assert data["total"]["rejected"] == 2
    assert [e["message"].split(": ")[0] for e in data["total"]["errors"]] == [
        "interchange SR06001, message ME000002, LIN 2, segment 10",
        "interchange SR08001, message 1, LIN 2, segment 11",
    ]
    assert DeclarationLine.objects.filter(partner=partner).count() == 6


def test_post_edifact_sent_again_is_a_400_and_keeps_nothing(api, partner, brand):
    product_a = ProductFactory(brand=brand, list_price="12.50")
    product_b = ProductFactory(brand=brand, list_price="180.00")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)
    assert api.post(URL, data=text, content_type="application/edifact").status_code == 201

    again = api.post(URL, data=text, content_type="application/edifact")

    assert again.status_code == 400
    assert again.json()["result"]["duplicates"] == 6
    assert Declaration.objects.filter(partner=partner).count() == 4


def test_post_edifact_in_french_names_the_interchange_and_message(api, partner, brand):
    product_a = ProductFactory(brand=brand, list_price="12.50")
    product_b = ProductFactory(brand=brand, list_price="180.00")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)

    response = api.post(URL, data=text, content_type="application/edifact", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 201, response.content
    messages = [e["message"] for e in response.json()["total"]["errors"]]
    assert messages[1].startswith("échange SR08001, message 1, LIN 2, segment 11: ")
