"""What follows a declaration, through the real services only: a file import, then the brand's review.

Submitting enqueues the rollups (the dashboard) and the scoring (the points); reviewing a line does it again.
Jobs run eagerly at commit in tests, so the callbacks are executed here as they would be after a request.
"""

from __future__ import annotations

from datetime import date

import pytest

from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.tests.factories import running_challenge
from relais.insights.selectors import dashboard_data, period_clean
from relais.sellout.models import Declaration, DeclarationLine
from relais.sellout.review import line_review
from relais.sellout.services import (
    declaration_create,
    declaration_lines_add,
    sellout_import_confirm,
    sellout_import_create,
)
from relais.sellout.tests.factories import catalogue, ean13

MAPPING = {"gtin": "EAN", "quantity": "Qté", "sale_date": "Date", "amount": "Montant"}
# Two sales, one at five times the list price (flagged for review), one return.
ROWS = [
    (ean13(1), "3", "01/10/2026", "60,00"),
    (ean13(2), "2", "02/10/2026", "40,00"),
    (ean13(3), "1", "03/10/2026", "100,00"),
    (ean13(1), "-1", "04/10/2026", "-20,00"),
]


@pytest.fixture
def october(brand):
    catalogue(brand, count=3)
    return running_challenge(
        brand, per_unit=10, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )


def dashboard_units(brand) -> int:
    period = period_clean(brand=brand, start="2026-10", end="2026-10")
    return dashboard_data(brand=brand, period=period)["totals"]["units"]


def account(partner) -> PointsAccount:
    return PointsAccount.objects.get(partner=partner, user__isnull=True)


@pytest.mark.django_db
def test_an_import_then_a_review_move_the_dashboard_and_the_points(
    brand, partner, partner_admin, channel_manager, october, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "ventes.csv"
    path.write_text("EAN;Qté;Date;Montant\n" + "".join(";".join(r) + "\n" for r in ROWS), encoding="utf-8")
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path, created_by=partner_admin)

    with django_capture_on_commit_callbacks(execute=True):
        sellout_import_confirm(sellout_import=sellout_import, mapping=MAPPING, user=partner_admin)

    sellout_import.refresh_from_db()
    declaration = sellout_import.declaration
    assert declaration.status == Declaration.Status.SUBMITTED
    assert dashboard_units(brand) == 3 + 2 + 1 - 1
    assert (account(partner).balance, account(partner).provisional) == (60, 60)  # returns earn nothing

    flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
    with django_capture_on_commit_callbacks(execute=True):
        line_review(line=flagged, approve=False, user=channel_manager)

    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.PARTLY_REJECTED
    assert dashboard_units(brand) == 3 + 2 - 1
    assert (account(partner).balance, account(partner).provisional) == (50, 0)
    reversal = PointsEntry.objects.get(line=flagged, kind="reverse")
    assert reversal.amount == -10
    assert set(PointsEntry.objects.filter(kind="earn").values_list("status", flat=True)) == {"confirmed"}


@pytest.mark.django_db
def test_a_draft_counts_nowhere_until_it_is_submitted(
    brand, partner, october, django_capture_on_commit_callbacks
):
    from relais.sellout.services import declaration_submit

    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_create(
            partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source="form"
        )
        declaration_lines_add(
            declaration=declaration,
            rows=[{"gtin": ean13(1), "quantity": "4", "sale_date": "2026-10-05", "amount": "80.00"}],
        )
    from relais.insights.services import rollup_refresh

    rollup_refresh(brand=brand)
    assert dashboard_units(brand) == 0
    assert not PointsAccount.objects.filter(partner=partner).exists()

    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)

    assert dashboard_units(brand) == 4
    assert account(partner).balance == 40
