"""EDIFACT SLSRPT: parsing into canonical rows, and a message becoming a declaration through the engine."""

from datetime import date

import pytest

from relais.catalog.tests.factories import ProductFactory
from relais.core.errors import ApplicationError
from relais.network.tests.factories import SiteFactory
from relais.sellout.edifact import NothingDeclared, edifact_declaration_import, slsrpt_parse
from relais.sellout.models import Declaration, DeclarationLine, Source

BAD_GTIN = "3760000000999"  # check digit should be 8


def slsrpt(gtin_a: str, gtin_b: str, *, location_gln: str = "3760123450018") -> str:
    """A sales report as a retailer's EDI converter sends it: 4 LIN groups, one with a bad GTIN."""
    body = [
        "UNH+1+SLSRPT:D:96A:UN:EAN004",
        "BGM+73E::9+SR-2026-11-R001+9",
        "DTM+137:20261201:102",
        "DTM+90:20261101:102",
        "DTM+91:20261130:102",
        "NAD+SE+3760123450001::9",
        "NAD+SU+3012345000004::9",
        "CUX+2:EUR:10",
        f"LOC+162+{location_gln}::9",
        "DTM+356:20261105:102",
        f"LIN+1++{gtin_a}:SRV",
        "QTY+153:4",
        "PRI+AAA:12.50",
        "MOA+203:50.00",
        f"LIN+2++{gtin_b}:SRV",
        "QTY+153:1",
        "MOA+203:199.00",
        "DTM+356:20261112:102",
        f"LIN+3++{BAD_GTIN}:SRV",
        "QTY+153:2",
        "MOA+203:20.00",
        f"LIN+4++{gtin_a}:SRV",
        "QTY+153:-1",
        "PRI+AAA:12.50",
        "DTM+356:20261120:102",
    ]
    body.append(f"UNT+{len(body) + 1}+1")
    segments = [
        "UNB+UNOC:3+3760123450001:14+3012345000004:14+261201:0830+SR0001",
        *body,
        "UNZ+1+SR0001",
    ]
    return "UNA:+.? '" + "'\n".join(segments) + "'\n"


def test_slsrpt_parse_reads_period_currency_location_and_one_row_per_lin_group():
    report = slsrpt_parse(slsrpt("03760000000017", "3760000000024"))

    assert report.period_start == date(2026, 11, 1)
    assert report.period_end == date(2026, 11, 30)
    assert report.currency == "EUR"
    assert report.document_number == "SR-2026-11-R001"
    assert report.location_glns == ["3760123450018"]
    assert [r["gtin"] for r in report.rows] == ["03760000000017", "3760000000024", BAD_GTIN, "03760000000017"]
    assert report.rows[0] == {
        "gtin": "03760000000017",
        "quantity": "4",
        "unit_price": "12.50",
        "amount": "50.00",
        "currency": "EUR",
        "sale_date": "2026-11-05",
        "channel": "in_store",
    }
    # The location's sales date applies until a LIN group gives its own.
    assert [r["sale_date"] for r in report.rows] == ["2026-11-05", "2026-11-12", "2026-11-05", "2026-11-20"]
    assert report.rows[3]["quantity"] == "-1"
    assert "unit_price" not in report.rows[1]
    assert report.row_refs[2] == "LIN 3, segment 19"


def test_slsrpt_parse_reads_a_period_range_and_a_comma_decimal_mark():
    text = (
        "UNA:+,? 'UNB+UNOC:3+1:14+2:14+261201:0830+X'UNH+1+SLSRPT:D:96A:UN:EAN004'"
        "DTM+324:2026110120261130:718'LIN+1++03760000000017:SRV'QTY+153:3'PRI+AAA:9,90'UNT+5+1'UNZ+1+X'"
    )
    report = slsrpt_parse(text)
    assert (report.period_start, report.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert report.rows[0]["unit_price"] == "9.90"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "gtin;quantity\n123;4\n",
        "UNB+UNOC:3+1:14+2:14+261201:0830+X'UNH+1+ORDERS:D:96A:UN'BGM+220+1'UNT+3+1'UNZ+1+X'",
    ],
)
def test_slsrpt_parse_refuses_what_is_not_a_sales_report(text):
    with pytest.raises(ApplicationError):
        slsrpt_parse(text)


@pytest.mark.django_db
def test_a_sales_report_becomes_a_submitted_declaration_with_a_row_error_naming_the_segment(partner):
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="199.00")
    site = SiteFactory(partner=partner, gln="3760123450018")

    outcome = edifact_declaration_import(partner=partner, text=slsrpt(product_a.gtin, product_b.gtin))

    declaration = outcome.declaration
    assert declaration.source == Source.EDI
    assert declaration.status != Declaration.Status.DRAFT
    assert (declaration.period_start, declaration.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert declaration.site == site
    assert outcome.result.rejected == 1
    assert outcome.result.accepted + outcome.result.flagged == 3
    [error] = outcome.result.errors
    assert error.row == 3 and error.field == "gtin"
    assert error.message.startswith("LIN 3, segment 19: ")
    lines = DeclarationLine.objects.filter(declaration=declaration).order_by("source_row")
    assert [(line.gtin, line.quantity) for line in lines] == [
        (product_a.gtin, 4),
        (product_b.gtin, 1),
        (product_a.gtin, -1),
    ]
    assert lines[1].sale_date == date(2026, 11, 12)
    assert str(lines[1].amount) == "199.00"


@pytest.mark.django_db
def test_the_same_report_sent_twice_is_counted_once(partner):
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="199.00")
    text = slsrpt(product_a.gtin, product_b.gtin)
    edifact_declaration_import(partner=partner, text=text)

    with pytest.raises(NothingDeclared) as caught:
        edifact_declaration_import(partner=partner, text=text)

    assert caught.value.result.accepted == 0
    assert caught.value.result.duplicates == 3
    assert DeclarationLine.objects.filter(partner=partner).count() == 3
    assert Declaration.objects.filter(partner=partner).count() == 1
