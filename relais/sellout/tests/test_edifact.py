"""EDIFACT SLSRPT: parsing into canonical rows, and a message becoming a declaration through the engine."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relais.catalog.tests.factories import ProductFactory
from relais.core.errors import ApplicationError
from relais.network.tests.factories import SiteFactory
from relais.sellout.edifact import NothingDeclared, edifact_declaration_import, slsrpt_parse
from relais.sellout.models import Declaration, DeclarationLine, Source

BAD_GTIN = "3760000000999"  # check digit should be 8
FIXTURES = Path(__file__).parent / "edifact"


def fixture_text(name: str, **gtins: str) -> str:
    """A fixture file of ``tests/edifact/``, its ``{GTIN_A}``-like placeholders replaced by real GTINs."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for key, gtin in gtins.items():
        text = text.replace("{" + key + "}", gtin)
    return text


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

    [part] = report.parts
    assert part.period_start == date(2026, 11, 1)
    assert part.period_end == date(2026, 11, 30)
    assert part.currency == "EUR"
    assert part.document_number == "SR-2026-11-R001"
    assert part.location_gln == "3760123450018"
    assert (part.interchange_ref, part.message_ref) == ("SR0001", "1")
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
    assert report.row_refs[2] == "interchange SR0001, message 1, LIN 3, segment 19"


def test_slsrpt_parse_reads_a_period_range_and_a_comma_decimal_mark():
    text = (
        "UNA:+,? 'UNB+UNOC:3+1:14+2:14+261201:0830+X'UNH+1+SLSRPT:D:96A:UN:EAN004'"
        "DTM+324:2026110120261130:718'LIN+1++03760000000017:SRV'QTY+153:3'PRI+AAA:9,90'UNT+5+1'UNZ+1+X'"
    )
    report = slsrpt_parse(text)
    assert (report.parts[0].period_start, report.parts[0].period_end) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )
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
    assert error.message.startswith("interchange SR0001, message 1, LIN 3, segment 19: ")
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


def one_line(*segments: str, header: tuple[str, ...] = ("DTM+90:20261101:102", "DTM+91:20261130:102")) -> str:
    """An interchange of one SLSRPT message with one LIN group made of ``segments``."""
    body = ["UNH+M1+SLSRPT:D:96A:UN:EAN004", "BGM+73E+R1+9", *header, "LIN+1++03760000000017:EN", *segments]
    body.append(f"UNT+{len(body) + 1}+M1")
    return "UNA:+.? 'UNB+UNOC:3+1:14+2:14+261201:0830+X1'" + "'".join(body) + "'UNZ+1+X1'"


@pytest.mark.parametrize(
    ("segments", "unit_price"),
    [
        # A real EANCOM D96A report gives its prices as PRI+NTP: it was read as no price at all.
        (["PRI+NTP:12.50"], "12.50"),
        (["PRI+AAA:12.40"], "12.40"),
        (["PRI+INV:12.30"], "12.30"),
        (["PRI+CAL:12.20"], "12.20"),
        (["PRI+AAF:12.10"], "12.10"),
        (["PRI+AAB:13.00"], "13.00"),
        (["PRI+GRP:13.00"], "13.00"),
        # Net of allowances wins over gross, whatever their order.
        (["PRI+AAB:15.00", "PRI+AAA:12.00"], "12.00"),
        (["PRI+GRP:15.00", "PRI+NTP:12.00", "PRI+AAA:11.00"], "11.00"),
        (["PRI+AAF:15.00", "PRI+INV:12.00"], "12.00"),
        # The price for 10 units (5284 unit price basis) is a tenth a unit.
        (["PRI+AAA:125.00::::10:PCE"], "12.5"),
        # A price including VAT counts only net of it, so only with the rate of TAX+7+VAT.
        (["PRI+AAE:24.00", "TAX+7+VAT+++:::20+S"], "20.0000"),
        (["PRI+RTP:11.00", "TAX+7+VAT+++:::10+S"], "10.0000"),
        (["PRI+RTP:11.00", "PRI+AAB:9.00", "TAX+7+VAT+++:::10+S"], "9.00"),
        # The comma decimal mark of the UNA is read as a dot.
        (["PRI+NTP:9,90"], "9.90"),
    ],
)
def test_every_eancom_price_qualifier_is_read_as_the_net_unit_price(segments, unit_price):
    text = one_line("QTY+153:2", *segments)
    if any(",9" in s for s in segments):
        text = text.replace("UNA:+.? '", "UNA:+,? '")

    [row] = slsrpt_parse(text).rows

    assert row["unit_price"] == unit_price


def test_a_price_including_vat_without_its_rate_is_not_taken_as_the_unit_price():
    [row] = slsrpt_parse(one_line("QTY+153:2", "PRI+AAE:24.00", "PRI+RTP:23.00")).rows
    assert "unit_price" not in row


def test_a_vat_rate_of_the_message_applies_to_its_lines():
    text = one_line("QTY+153:2", "PRI+RTP:12.00", header=("DTM+90:20261101:102", "TAX+7+VAT+++:::20+S"))
    [row] = slsrpt_parse(text).rows
    assert row["unit_price"] == "10.0000"


def test_the_gtin_may_come_in_pia_when_lin_has_none():
    text = one_line("QTY+153:1", "PRI+NTP:5").replace("LIN+1++03760000000017:EN", "LIN+1")
    text = text.replace("QTY+153:1", "PIA+5+03760000000024:SRV'QTY+153:1")
    [row] = slsrpt_parse(text).rows
    assert row["gtin"] == "03760000000024"


def test_two_interchanges_and_their_messages_and_places_are_parts_of_their_own():
    report = slsrpt_parse(
        fixture_text("two_interchanges.edi", GTIN_A="03760000000017", GTIN_B="03760000000024")
    )

    assert [
        (p.interchange_ref, p.message_ref, p.location_gln, p.period_start, p.period_end, len(p.rows))
        for p in report.parts
    ] == [
        ("SR06001", "ME000001", "5412345000020", date(2006, 2, 1), date(2006, 2, 28), 2),
        ("SR06001", "ME000001", "5412345000037", date(2006, 2, 1), date(2006, 2, 28), 2),
        ("SR06001", "ME000002", "5412345000020", date(2006, 3, 1), date(2006, 3, 31), 2),
        ("SR08001", "1", "5412345000020", date(2007, 12, 1), date(2007, 12, 31), 2),
    ]
    assert report.parts[3].row_refs == [
        "interchange SR08001, message 1, LIN 1, segment 8",
        "interchange SR08001, message 1, LIN 2, segment 11",
    ]
    assert [r["unit_price"] for r in report.parts[1].rows] == ["12.5", "180.0000"]


@pytest.mark.django_db
def test_a_report_priced_with_ntp_only_has_its_lines_accepted(partner):
    product = ProductFactory(brand=partner.brand, list_price="12.50")
    lines = [f"LIN+{n}++{product.gtin}:EN'QTY+153:{n}'PRI+NTP:12.50" for n in range(1, 6)]
    text = one_line("QTY+153:1", "PRI+NTP:12.50").replace(
        "LIN+1++03760000000017:EN'QTY+153:1'PRI+NTP:12.50", "'".join(lines)
    )
    text = text.replace("UNT+6+M1", "UNT+19+M1")

    outcome = edifact_declaration_import(partner=partner, text=text)

    assert outcome.result.accepted == 5 and outcome.result.rejected == 0
    assert sorted(
        DeclarationLine.objects.filter(declaration=outcome.declaration).values_list("quantity", "unit_price")
    ) == [(n, Decimal("12.5000")) for n in range(1, 6)]


@pytest.mark.django_db
def test_each_message_and_place_of_sale_is_its_own_declaration(partner):
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="180.00")
    shop = SiteFactory(partner=partner, gln="5412345000020")
    depot = SiteFactory(partner=partner, gln="5412345000037")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)

    outcome = edifact_declaration_import(partner=partner, text=text)

    declarations = Declaration.objects.filter(partner=partner).order_by("period_start", "site__gln")
    assert [(d.period_start, d.period_end, d.site, d.source) for d in declarations] == [
        (date(2006, 2, 1), date(2006, 2, 28), shop, Source.EDI),
        (date(2006, 2, 1), date(2006, 2, 28), depot, Source.EDI),
        (date(2006, 3, 1), date(2006, 3, 31), shop, Source.EDI),
        (date(2007, 12, 1), date(2007, 12, 31), shop, Source.EDI),
    ]
    assert all(d.status != Declaration.Status.DRAFT for d in declarations)
    assert {d.pk for d in outcome.declarations} == {d.pk for d in declarations}
    assert outcome.declaration == outcome.declarations[0]
    lines = {
        (line.declaration.period_start, line.declaration.site and line.declaration.site.gln, line.gtin): (
            line.quantity,
            line.unit_price,
            line.sale_date,
        )
        for line in DeclarationLine.objects.filter(partner=partner).select_related("declaration__site")
    }
    assert lines == {
        (date(2006, 2, 1), shop.gln, product_a.gtin): (5, Decimal("12.5000"), date(2006, 2, 28)),
        (date(2006, 2, 1), shop.gln, product_b.gtin): (2, Decimal("180.0000"), date(2006, 2, 28)),
        (date(2006, 2, 1), depot.gln, product_a.gtin): (1, Decimal("12.5000"), date(2006, 2, 28)),
        (date(2006, 2, 1), depot.gln, product_b.gtin): (1, Decimal("180.0000"), date(2006, 2, 28)),
        (date(2006, 3, 1), shop.gln, product_a.gtin): (3, Decimal("12.5000"), date(2006, 3, 31)),
        (date(2007, 12, 1), shop.gln, product_a.gtin): (7, Decimal("13.0000"), date(2007, 12, 31)),
    }
    # The errors of the file name the interchange and the message, rows numbered in the file.
    assert outcome.result.accepted + outcome.result.flagged == 6 and outcome.result.rejected == 2
    assert [(e.row, e.field, e.message.split(": ")[0]) for e in outcome.result.errors] == [
        (6, "gtin", "interchange SR06001, message ME000002, LIN 2, segment 10"),
        (8, "gtin", "interchange SR08001, message 1, LIN 2, segment 11"),
    ]


@pytest.mark.django_db
def test_a_file_sent_again_with_one_new_message_declares_only_that_message(partner):
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="180.00")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)
    first, _second = text.split("UNA:+.? '\nUNB+UNOC:3+5412345000013:14+5498765000010:14+080110")
    edifact_declaration_import(partner=partner, text=first)
    assert Declaration.objects.filter(partner=partner).count() == 3

    outcome = edifact_declaration_import(partner=partner, text=text)

    assert [(d.part.interchange_ref, d.declaration is None) for d in outcome.declared] == [
        ("SR06001", True),
        ("SR06001", True),
        ("SR06001", True),
        ("SR08001", False),
    ]
    assert outcome.result.duplicates == 5 and outcome.result.accepted + outcome.result.flagged == 1
    assert Declaration.objects.filter(partner=partner).count() == 4
    assert DeclarationLine.objects.filter(partner=partner).count() == 6


@pytest.mark.django_db
def test_a_message_without_period_nor_date_is_refused_naming_it(partner):
    text = one_line("QTY+153:1", "PRI+NTP:5", header=())
    with pytest.raises(ApplicationError) as caught:
        edifact_declaration_import(partner=partner, text=text)
    assert str(caught.value.message).startswith("interchange X1, message M1: ")


@pytest.mark.django_db
def test_two_interchanges_under_one_una_are_not_one_declaration(partner):
    # As the 2006 and 2008 reports came, concatenated behind one UNA: they were read as one declaration,
    # and the errors of the second repeated "LIN 2, segment 11" without saying which message.
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="180.00")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)
    text = text.replace("UNZ+2+SR06001'\nUNA:+.? '\n", "UNZ+2+SR06001'\n")
    assert text.count("UNA") == 1

    outcome = edifact_declaration_import(partner=partner, text=text)

    periods = sorted(Declaration.objects.filter(partner=partner).values_list("period_start", "period_end"))
    assert periods == [
        (date(2006, 2, 1), date(2006, 2, 28)),
        (date(2006, 2, 1), date(2006, 2, 28)),
        (date(2006, 3, 1), date(2006, 3, 31)),
        (date(2007, 12, 1), date(2007, 12, 31)),
    ]
    messages = [e.message for e in outcome.result.errors]
    assert messages[0].startswith("interchange SR06001, message ME000002, LIN 2, segment 10: GTIN")
    assert messages[1].startswith("interchange SR08001, message 1, LIN 2, segment 11: GTIN")


def test_a_cut_file_is_refused_naming_the_message_left_open():
    text = one_line("QTY+153:1", "PRI+NTP:5")
    cut = text[: text.index("UNT+")]

    with pytest.raises(ApplicationError) as caught:
        slsrpt_parse(cut)

    assert str(caught.value.message).startswith("interchange X1, message M1: the message has no UNT")


def generated(gtins: list[str], *, messages: int, places: int, lines: int) -> str:
    """One interchange of ``messages`` SLSRPT messages of ``places`` places of ``lines`` distinct lines."""
    segments = ["UNB+UNOC:3+1:14+2:14+261201:0830+GEN1"]
    for m in range(1, messages + 1):
        body = [
            f"UNH+{m}+SLSRPT:D:96A:UN:EAN004",
            f"BGM+73E+R{m}+9",
            "DTM+90:20261001:102",
            "DTM+91:20261031:102",
        ]
        for p in range(places):
            body.append(f"LOC+162+54123450{p:04d}0::9")
            for n in range(lines):
                quantity = (m * places + p) * 10 + n % 5 + 1
                body += [f"LIN+{n + 1}++{gtins[n % len(gtins)]}:EN", f"QTY+153:{quantity}", "PRI+NTP:12.50"]
                body.append(f"DTM+356:202610{n % 28 + 1:02d}:102")
        body.append(f"UNT+{len(body) + 1}+{m}")
        segments += body
    segments.append(f"UNZ+{messages}+GEN1")
    return "UNA:+.? '" + "'".join(segments) + "'"


@pytest.mark.django_db
def test_the_queries_of_a_file_grow_with_its_declarations_not_its_lines(partner):
    gtins = [ProductFactory(brand=partner.brand, list_price="12.50").gtin for _ in range(10)]
    counts = {}
    for lines in (5, 60):
        Declaration.objects.filter(partner=partner).delete()
        with CaptureQueriesContext(connection) as queries:
            outcome = edifact_declaration_import(
                partner=partner, text=generated(gtins, messages=2, places=2, lines=lines)
            )
        assert len(outcome.declarations) == 4 and outcome.result.accepted == 4 * lines
        counts[lines] = len(queries)

    assert counts[60] == counts[5]
