"""EDIFACT INVRPT (EANCOM D96A EAN008): real-shaped messages to stock snapshots; errors name the segment."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.core.errors import ApplicationError
from relais.network.tests.factories import SiteFactory
from relais.stock.edifact import invrpt_import, invrpt_parse
from relais.stock.models import StockSnapshot, StockSource
from relais.stock.tests.factories import ean13, products

pytestmark = pytest.mark.django_db

PARTNER_GLN = "3760000000017"
STORE_A = "3760000000024"
STORE_B = "3760000000031"


def interchange(body: str, *, message_type: str = "INVRPT") -> str:
    """A UNA/UNB envelope around one message whose UNT counts its segments."""
    segments = [s for s in body.strip().split("'") if s.strip()]
    message = [f"UNH+ME000001+{message_type}:D:96A:UN:EAN008", *[s.strip() for s in segments]]
    message.append(f"UNT+{len(message) + 1}+ME000001")
    return (
        "UNA:+.? '"
        f"UNB+UNOC:3+{PARTNER_GLN}:14+5412345000013:14+260401:0630+INV0001'"
        + "'".join(message)
        + "'UNZ+1+INV0001'"
    )


def real_shaped() -> str:
    return interchange(
        f"""
        BGM+35+STK-2026-03+9'
        DTM+137:20260401:102'
        DTM+366:20260331:102'
        NAD+GY+{PARTNER_GLN}::9'
        NAD+SU+5412345000013::9'
        LIN+1++{ean13(1)}:SRV'
        QTY+145:12:PCE'
        LOC+18+{STORE_A}::9'
        QTY+145:3:PCE'
        LOC+18+{STORE_B}::9'
        LIN+2++{ean13(2)}:SRV'
        QTY+145:0:PCE'
        """
    )


@pytest.fixture
def catalogue(brand):
    return products(brand, 3)


def test_a_real_shaped_invrpt_records_stock_per_product_and_place(brand, partner, catalogue):
    SiteFactory(partner=partner, gln=PARTNER_GLN)
    report, parsed = invrpt_import(partner=partner, text=real_shaped())
    assert parsed.document_number == "STK-2026-03"
    assert (report.created, report.rejected, report.errors) == (3, 0, [])
    assert sorted(
        StockSnapshot.objects.values_list("gtin", "location", "quantity", "stock_date", "source")
    ) == [
        ("0" + ean13(1), STORE_A, 12, dt.date(2026, 3, 31), StockSource.EDI),
        ("0" + ean13(1), STORE_B, 3, dt.date(2026, 3, 31), StockSource.EDI),
        ("0" + ean13(2), "", 0, dt.date(2026, 3, 31), StockSource.EDI),
    ]


def test_sending_the_same_message_again_changes_nothing(brand, partner, catalogue):
    invrpt_import(partner=partner, text=real_shaped())
    again, _parsed = invrpt_import(partner=partner, text=real_shaped())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_without_inventory_date_the_document_date_is_used(brand, partner, catalogue):
    text = interchange(f"BGM+35+S1+9'DTM+137:20260405:102'LIN+1++{ean13(1)}:SRV'QTY+145:4'")
    invrpt_import(partner=partner, text=text)
    assert StockSnapshot.objects.get().stock_date == dt.date(2026, 4, 5)


def test_row_errors_name_the_lin_group_and_segment(brand, partner, catalogue):
    text = interchange(
        f"""
        BGM+35+S2+9'
        DTM+366:20260331:102'
        LIN+1++{ean13(1)}:SRV'
        QTY+145:5'
        LIN+2++3760000000000:SRV'
        QTY+145:2'
        LIN+3++{ean13(2)}:SRV'
        QTY+145:-4'
        LIN+4++{ean13(3)}:SRV'
        QTY+12:9'
        """
    )
    report, _parsed = invrpt_import(partner=partner, text=text)
    assert report.created == 1
    messages = sorted(e.message for e in report.errors)
    assert len(messages) == 3
    assert messages[0].startswith("LIN 2, segment 6 (QTY+145 at segment 7): ")
    assert messages[1].startswith("LIN 3, segment 8 (QTY+145 at segment 9): ")
    assert "negative" in messages[1]
    assert messages[2] == "LIN 4, segment 10: No QTY+145 (stock on hand) in this LIN group."


def test_a_bad_date_names_the_segment(partner, catalogue):
    text = interchange(f"BGM+35+S3+9'DTM+366:20261331:102'LIN+1++{ean13(1)}:SRV'QTY+145:4'")
    with pytest.raises(ApplicationError, match=r"Segment 3, DTM\+366"):
        invrpt_parse(text)


def test_a_message_without_stock_date_is_refused(partner, catalogue):
    with pytest.raises(ApplicationError, match="no stock date"):
        invrpt_import(partner=partner, text=interchange(f"BGM+35+S4+9'LIN+1++{ean13(1)}:SRV'QTY+145:4'"))
    assert not StockSnapshot.objects.exists()


def test_a_sales_report_is_not_an_inventory_report(partner):
    text = interchange("BGM+73E+S5+9'DTM+137:20260401:102'", message_type="SLSRPT")
    with pytest.raises(ApplicationError, match="no INVRPT"):
        invrpt_parse(text)


def test_garbage_is_refused(partner):
    with pytest.raises(ApplicationError):
        invrpt_parse("this is not edifact")


def test_a_report_from_another_partners_site_is_refused(partner, other_partner, catalogue):
    SiteFactory(partner=other_partner, gln=PARTNER_GLN)
    with pytest.raises(ApplicationError, match="another partner"):
        invrpt_import(partner=partner, text=real_shaped())
    assert not StockSnapshot.objects.exists()
