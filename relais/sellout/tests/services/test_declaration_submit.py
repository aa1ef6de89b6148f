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
