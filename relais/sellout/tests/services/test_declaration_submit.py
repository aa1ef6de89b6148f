from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from relais.core.errors import ApplicationError
from relais.sellout.models import Declaration
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit
from relais.sellout.tests.factories import catalogue, ean13


@pytest.fixture
def declaration(partner):
    catalogue(partner.brand, count=2, list_price=Decimal("20.00"))
    return declaration_create(
        partner=partner, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31), source="form"
    )


@pytest.mark.django_db
def test_without_flagged_lines_it_is_validated_at_once(declaration, partner_admin):
    declaration_lines_add(
        declaration=declaration,
        rows=[{"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02"}],
    )
    submitted = declaration_submit(declaration=declaration, user=partner_admin)
    assert submitted.status == Declaration.Status.VALIDATED
    assert submitted.submitted_at is not None and submitted.reviewed_at == submitted.submitted_at
    with pytest.raises(ApplicationError):
        declaration_submit(declaration=submitted)


@pytest.mark.django_db
def test_with_a_flagged_line_it_waits_for_review(declaration):
    result = declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02"},
            {"gtin": ean13(2), "quantity": 1, "unit_price": "2", "sale_date": "2026-10-02"},  # 10 % of list
        ],
    )
    assert (result.accepted, result.flagged) == (1, 1)
    submitted = declaration_submit(declaration=declaration)
    assert submitted.status == Declaration.Status.SUBMITTED
    assert (submitted.lines_accepted, submitted.lines_flagged) == (1, 1)


@pytest.mark.django_db
def test_an_empty_declaration_cannot_be_submitted(declaration):
    with pytest.raises(ApplicationError, match="no line"):
        declaration_submit(declaration=declaration)
    assert Declaration.objects.get(pk=declaration.pk).status == Declaration.Status.DRAFT


@pytest.mark.django_db
def test_period_end_before_start_is_refused(partner):
    with pytest.raises(ApplicationError):
        declaration_create(
            partner=partner, period_start=dt.date(2026, 10, 2), period_end=dt.date(2026, 10, 1), source="form"
        )


GOOD = {"gtin": ean13(1), "quantity": 1, "amount": "20", "sale_date": "2026-10-02"}
BAD_GTIN = {"gtin": "3761230000010", "quantity": 1, "amount": "20", "sale_date": "2026-10-03"}
LOW_PRICE = {"gtin": ean13(2), "quantity": 1, "unit_price": "2", "sale_date": "2026-10-04"}


@pytest.mark.django_db
def test_lines_refused_by_the_checks_make_it_partly_rejected(declaration):
    result = declaration_lines_add(declaration=declaration, rows=[GOOD, BAD_GTIN])
    assert (result.accepted, result.rejected) == (1, 1)
    submitted = declaration_submit(declaration=declaration)
    assert submitted.status == Declaration.Status.PARTLY_REJECTED
    assert (submitted.lines_accepted, submitted.lines_rejected) == (1, 1)


@pytest.mark.django_db
def test_a_line_refused_on_the_web_form_and_corrected_does_not(declaration):
    refused = declaration_lines_add(declaration=declaration, rows=[BAD_GTIN], count_rejected=False)
    assert refused.rejected == 1 and refused.errors[0].field == "gtin"
    declaration_lines_add(declaration=declaration, rows=[GOOD], count_rejected=False)
    submitted = declaration_submit(declaration=declaration)
    assert submitted.status == Declaration.Status.VALIDATED and submitted.lines_rejected == 0


@pytest.mark.django_db
def test_after_review_refused_lines_still_make_it_partly_rejected(declaration, channel_manager):
    from relais.sellout.models import DeclarationLine
    from relais.sellout.review import line_review

    declaration_lines_add(declaration=declaration, rows=[GOOD, BAD_GTIN, LOW_PRICE])
    assert declaration_submit(declaration=declaration).status == Declaration.Status.SUBMITTED
    flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
    line_review(line=flagged, user=channel_manager, approve=True)
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.PARTLY_REJECTED
    assert (declaration.lines_accepted, declaration.lines_flagged, declaration.lines_rejected) == (2, 0, 1)
