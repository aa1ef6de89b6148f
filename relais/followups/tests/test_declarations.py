"""What follows a declaration, through the real services only: a file import, then the brand's review.

Submitting enqueues the rollups (the dashboard) and the scoring (the points); reviewing a line does it again.
Jobs run eagerly at commit in tests, so the callbacks are executed here as they would be after a request.
"""

from __future__ import annotations

from datetime import date

import pytest

from relais.catalog.models import Product
from relais.core.models import Brand, Job
from relais.followups.declarations import (
    declaration_counted,
    declaration_declare,
    declaration_submit,
    edifact_declaration_import,
    line_review,
    sellout_import_confirm,
)
from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.tests.factories import running_challenge
from relais.insights.selectors import dashboard_data, period_clean
from relais.insights.services import rollup_refresh
from relais.network.models import PartnerCompany
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.services import (
    NothingDeclared,
    declaration_create,
    declaration_lines_add,
    sellout_import_create,
)
from relais.sellout.tests.factories import catalogue, ean13
from relais.sellout.tests.test_edifact import slsrpt

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


def dashboard_units(brand: Brand) -> int:
    period = period_clean(brand=brand, start="2026-10", end="2026-10")
    return dashboard_data(brand=brand, period=period)["totals"]["units"]


def account(partner: PartnerCompany) -> PointsAccount:
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
    assert declaration is not None
    assert declaration.status == Declaration.Status.SUBMITTED
    assert dashboard_units(brand) == 3 + 2 - 1  # the flagged line counts nowhere until it is approved
    # returns earn nothing, nor does the flagged line until it is approved
    assert (account(partner).balance, account(partner).provisional) == (50, 50)

    flagged = DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
    with django_capture_on_commit_callbacks(execute=True):
        line_review(line=flagged, approve=False, user=channel_manager)

    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.PARTLY_REJECTED
    assert dashboard_units(brand) == 3 + 2 - 1
    assert (account(partner).balance, account(partner).provisional) == (50, 0)
    assert not PointsEntry.objects.filter(line=flagged).exists()  # nothing earned, nothing to reverse
    assert set(PointsEntry.objects.filter(kind="earn").values_list("status", flat=True)) == {"confirmed"}


@pytest.mark.django_db
def test_a_draft_counts_nowhere_until_it_is_submitted(
    brand, partner, october, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_create(
            partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source="form"
        )
        declaration_lines_add(
            declaration=declaration,
            rows=[{"gtin": ean13(1), "quantity": "4", "sale_date": "2026-10-05", "amount": "80.00"}],
        )
    rollup_refresh(brand=brand)
    assert dashboard_units(brand) == 0
    assert not PointsAccount.objects.filter(partner=partner).exists()

    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)

    assert dashboard_units(brand) == 4
    assert account(partner).balance == 40


def followup_kinds() -> list[str]:
    return sorted(
        Job.objects.filter(kind__in=["insights_rollup", "incentives_score"]).values_list("kind", flat=True)
    )


@pytest.mark.django_db
def test_a_declaration_counted_queues_its_rollups_then_its_points(brand, partner, october):
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )

    declaration_counted(declaration=declaration)

    assert list(Job.objects.order_by("pk").values_list("kind", flat=True)) == [
        "insights_rollup",
        "incentives_score",
    ]


@pytest.mark.django_db
def test_a_declaration_declared_in_one_go_counts_and_a_draft_does_not(brand, partner, october):
    line = {"gtin": ean13(1), "quantity": "2", "sale_date": "2026-10-05", "amount": "40.00"}

    draft, _result = declaration_declare(
        partner=partner,
        lines=[line],
        source=Source.API,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        submit=False,
    )
    assert draft.status == Declaration.Status.DRAFT and followup_kinds() == []

    declared, result = declaration_declare(
        partner=partner,
        lines=[{**line, "sale_date": "2026-10-06"}],
        source=Source.API,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    assert result.accepted == 1 and declared.status == Declaration.Status.VALIDATED
    assert followup_kinds() == ["incentives_score", "insights_rollup"]


@pytest.mark.django_db
def test_reviewing_a_line_of_a_draft_queues_nothing(brand, partner, channel_manager, october):
    draft = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=draft,
        rows=[{"gtin": ean13(3), "quantity": "1", "sale_date": "2026-10-03", "amount": "100.00"}],
    )
    flagged = DeclarationLine.objects.get(declaration=draft, status=DeclarationLine.Status.FLAGGED)

    line_review(line=flagged, approve=True, user=channel_manager)

    assert followup_kinds() == []
    submitted = declaration_submit(declaration=draft)
    assert submitted.status == Declaration.Status.VALIDATED
    assert followup_kinds() == ["incentives_score", "insights_rollup"]


@pytest.mark.django_db
def test_nothing_declared_is_the_one_refusal_of_every_door_and_keeps_nothing(brand, partner, october):
    """The same sales sent again through the API's workflow, then through EDIFACT: both refused alike."""
    products = list(Product.objects.filter(brand=brand).order_by("gtin"))  # the three of ``october``
    text = slsrpt(products[0].gtin, products[1].gtin)
    edifact_declaration_import(partner=partner, text=text)
    kept = Declaration.objects.count()
    again = [{"gtin": products[0].gtin, "quantity": "4", "sale_date": "2026-11-05", "amount": "50.00"}]

    with pytest.raises(NothingDeclared) as by_api:
        declaration_declare(
            partner=partner,
            lines=again,
            source=Source.API,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
        )
    with pytest.raises(NothingDeclared) as by_edifact:
        edifact_declaration_import(partner=partner, text=text)

    assert by_api.value.result.duplicates == 1 and by_edifact.value.result.duplicates == 3
    assert str(by_api.value.message) == str(by_edifact.value.message)
    assert Declaration.objects.count() == kept


def test_a_counted_declaration_keeps_no_email_or_phone_in_its_customers_comments(brand, partner, october):
    draft = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    comment = "Client ravi, rappeler jean.dupont@example.fr ou le 06 12 34 56 78"
    declaration_lines_add(
        declaration=draft,
        rows=[
            {
                "gtin": ean13(1),
                "quantity": "2",
                "sale_date": "2026-10-05",
                "amount": "40.00",
                "feedback": comment,
            },
            {
                "gtin": ean13(2),
                "quantity": "1",
                "sale_date": "2026-10-06",
                "amount": "20.00",
                "feedback": "Top",
            },
        ],
    )

    declaration_submit(declaration=draft)

    stored = list(
        DeclarationLine.objects.filter(declaration=draft).order_by("pk").values_list("feedback", flat=True)
    )
    assert stored[1] == "Top"
    assert stored[0].startswith("Client ravi, rappeler ")
    assert "jean.dupont" not in stored[0] and "example.fr" not in stored[0] and "56 78" not in stored[0]
