"""Lines given as dicts (web form, API, EDIFACT): same checks, same double-counting rule as files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relais.core.errors import ApplicationError
from relais.sellout.ingest.dedup import dedup_key
from relais.sellout.models import Declaration, DeclarationLine
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit
from relais.sellout.tests.factories import catalogue, ean13


@pytest.fixture
def declaration(partner):
    catalogue(partner.brand, count=3, list_price=Decimal("20.00"))
    return declaration_create(
        partner=partner, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), source="api"
    )


@pytest.mark.django_db
def test_typed_and_text_values_are_accepted_alike(declaration):
    result = declaration_lines_add(
        declaration=declaration,
        rows=[
            {
                "gtin": ean13(1),
                "quantity": 2,
                "unit_price": Decimal("19.90"),
                "sale_date": dt.date(2026, 10, 3),
            },
            {"gtin": " " + ean13(2), "quantity": "1", "amount": "19,90", "sale_date": "04/10/2026"},
            {
                "gtin": ean13(3),
                "quantity": "1",
                "amount": "19.90",
                "sale_date": "2026-10-05",
                "channel": "web",
            },
        ],
    )
    assert (result.accepted, result.rejected, result.duplicates, result.flagged) == (3, 0, 0, 0)
    lines = {line.source_row: line for line in DeclarationLine.objects.filter(declaration=declaration)}
    assert lines[1].amount == Decimal("39.80")
    assert lines[2].amount == Decimal("19.90")
    assert lines[3].channel == "online"
    assert lines[1].dedup_key == dedup_key(
        partner_id=declaration.partner_id, gtin="0" + ean13(1), sale_date=dt.date(2026, 10, 3), quantity=2
    )
    declaration.refresh_from_db()
    assert declaration.lines_accepted == 3


@pytest.mark.django_db
def test_errors_name_the_field_and_use_the_given_row_numbers(declaration):
    result = declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-09-30"},
            {"gtin": "123", "quantity": 1, "amount": "20", "sale_date": "2026-10-02"},
            {"gtin": ean13(1), "quantity": 1, "sale_date": "2026-10-02"},
        ],
        first_row_number=10,
    )
    assert [(e.row, e.field) for e in result.errors] == [(10, "sale_date"), (11, "gtin"), (12, "amount")]
    assert result.as_dict()["errors"][0] == {
        "row": 10,
        "field": "sale_date",
        "message": "Date of sale 2026-09-30 is outside the declared period",
        "kind": "rejected",
    }
    assert result.rejected == 3


@pytest.mark.django_db
def test_the_same_lines_sent_again_are_duplicates(declaration, partner):
    rows = [
        {"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02", "invoice_ref": "A-1"},
        {"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02", "invoice_ref": "A-1"},
    ]
    first = declaration_lines_add(declaration=declaration, rows=rows)
    # two identical lines of one batch are two sales; the copy waits for the brand (possible duplicate)
    assert (first.accepted, first.flagged) == (1, 1)

    other = declaration_create(
        partner=partner, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), source="form"
    )
    again = declaration_lines_add(declaration=other, rows=[*rows, {**rows[0], "invoice_ref": "a1"}])
    # the third occurrence is a new sale, and a possible duplicate of the first in this call: flagged
    assert (again.accepted, again.flagged, again.duplicates) == (0, 1, 2)
    assert [(e.row, e.kind) for e in again.errors] == [(1, "duplicate"), (2, "duplicate")]
    other.refresh_from_db()
    assert (other.lines_accepted, other.lines_flagged, other.lines_duplicate) == (0, 1, 2)


@pytest.mark.django_db
def test_other_brands_lines_do_not_count_as_duplicates(declaration, other_brand):
    from relais.network.tests.factories import PartnerFactory

    rows = [{"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02"}]
    declaration_lines_add(declaration=declaration, rows=rows)
    catalogue(other_brand, count=1)
    foreign = declaration_create(
        partner=PartnerFactory(brand=other_brand),
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        source="form",
    )
    assert declaration_lines_add(declaration=foreign, rows=rows).accepted == 1


@pytest.mark.django_db
def test_unknown_field_and_submitted_declaration_are_refused(declaration):
    with pytest.raises(ApplicationError, match="Unknown fields: colour"):
        declaration_lines_add(declaration=declaration, rows=[{"colour": "red"}])
    declaration_lines_add(
        declaration=declaration,
        rows=[{"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02"}],
    )
    declaration_submit(declaration=declaration)
    with pytest.raises(ApplicationError, match="draft"):
        declaration_lines_add(
            declaration=declaration,
            rows=[{"gtin": ean13(2), "quantity": 1, "amount": "20", "sale_date": "2026-10-02"}],
        )
    assert Declaration.objects.get(pk=declaration.pk).lines_accepted == 1
