"""The customer reference of a sell-out line: pseudonymised at ingest by every door, never stored in clear."""

import datetime as dt
import json

import pytest
from django.db import connection

from relais.api.services import api_key_create
from relais.catalog.tests.factories import ProductFactory
from relais.core.tests.factories import BrandFactory
from relais.network.tests.factories import PartnerFactory, SiteFactory
from relais.sellout.edifact import edifact_declaration_import
from relais.sellout.ingest.mapping import propose_mapping
from relais.sellout.ingest.store import customer_ref_pseudonym
from relais.sellout.models import DeclarationLine, Source
from relais.sellout.services import declaration_declare
from relais.sellout.tests.api.conftest import declaration_body
from relais.sellout.tests.test_edifact import slsrpt

CLEAR = "CLI-000473"


def _table_text() -> str:
    """Every cell of the line table, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {DeclarationLine._meta.db_table}")
        return repr(cursor.fetchall())


def _declare(partner, product, refs):
    lines = [
        {"gtin": product.gtin, "quantity": 1, "amount": "20", "sale_date": "2026-10-05", "customer_ref": ref}
        for ref in refs
    ]
    return declaration_declare(
        partner=partner,
        lines=lines,
        source=Source.API,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
    )


@pytest.mark.django_db
def test_the_clear_customer_number_is_nowhere_in_the_line_table(partner):
    product = ProductFactory(brand=partner.brand, list_price="20.00")

    _declare(partner, product, [CLEAR, "cli 000473", ""])

    refs = list(DeclarationLine.objects.order_by("source_row").values_list("customer_ref", flat=True))
    assert refs[0] == customer_ref_pseudonym(CLEAR, secret=partner.brand.customer_ref_secret)
    assert len(refs[0]) == 64 and refs[0] != CLEAR
    assert refs[1] == refs[0]  # the same customer written another way is the same pseudonym
    assert refs[2] == ""
    table = _table_text()
    assert CLEAR not in table and "000473" not in table


@pytest.mark.django_db
def test_each_brand_has_its_own_secret_so_pseudonyms_do_not_link_across_brands():
    first, second = BrandFactory(), BrandFactory()

    assert first.customer_ref_secret and first.customer_ref_secret != second.customer_ref_secret
    assert customer_ref_pseudonym(CLEAR, secret=first.customer_ref_secret) != customer_ref_pseudonym(
        CLEAR, secret=second.customer_ref_secret
    )


@pytest.mark.django_db
def test_the_api_accepts_a_customer_ref_and_stores_its_pseudonym(client, partner, partner_admin):
    _key, text = api_key_create(partner=partner, name="ERP", created_by=partner_admin)
    product = ProductFactory(brand=partner.brand, list_price="20.00")
    body = declaration_body(product)
    body["lines"][0]["customer_ref"] = CLEAR

    response = client.post(
        "/api/v1/declarations",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {text}",
    )

    assert response.status_code == 201, response.content
    stored = set(DeclarationLine.objects.values_list("customer_ref", flat=True))
    assert stored == {customer_ref_pseudonym(CLEAR, secret=partner.brand.customer_ref_secret), ""}
    assert CLEAR not in _table_text()


@pytest.mark.django_db
def test_edifact_reads_the_customer_number_of_a_lin_group_from_rff_it(partner):
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="199.00")
    SiteFactory(partner=partner, gln="3760123450018")
    text = slsrpt(product_a.gtin, product_b.gtin).replace("QTY+153:4'", f"RFF+IT:{CLEAR}'QTY+153:4'", 1)

    edifact_declaration_import(partner=partner, text=text)

    first = DeclarationLine.objects.get(source_row=1)
    assert first.customer_ref == customer_ref_pseudonym(CLEAR, secret=partner.brand.customer_ref_secret)
    assert DeclarationLine.objects.exclude(source_row=1).filter(customer_ref="").exists()
    assert CLEAR not in _table_text()


def test_a_customer_number_column_is_proposed_for_the_customer_ref():
    proposal = propose_mapping(
        ["EAN", "Qté", "Date", "Montant", "N° client"], [["3760000000008", "1", "05/10/2026", "20", CLEAR]]
    )

    assert proposal.mapping.get("customer_ref") == "N° client"


@pytest.mark.django_db
def test_another_brand_partner_number_gets_another_pseudonym():
    partner_a = PartnerFactory()
    partner_b = PartnerFactory()
    product_a = ProductFactory(brand=partner_a.brand, list_price="20.00")
    product_b = ProductFactory(brand=partner_b.brand, list_price="20.00")

    _declare(partner_a, product_a, [CLEAR])
    _declare(partner_b, product_b, [CLEAR])

    assert DeclarationLine.objects.values("customer_ref").distinct().count() == 2
