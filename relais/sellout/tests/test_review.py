"""line_review: flagged lines approved or rejected by the brand, counters and status kept exact."""

from datetime import date

import pytest
from django.utils import translation

from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.catalog.tests.factories import ProductFactory
from relais.core.errors import ApplicationError
from relais.core.tests.factories import BrandFactory
from relais.sellout.models import (
    Declaration,
    DeclarationLine,
    ReviewDecision,
    ReviewReason,
    Source,
    review_reason_text,
)
from relais.sellout.review import line_review, lines_review
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit


@pytest.fixture
def submitted(partner):
    product = ProductFactory(brand=partner.brand, list_price="10.00")
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": product.gtin, "quantity": "1", "unit_price": "10", "sale_date": "2026-10-02"},
            {"gtin": product.gtin, "quantity": "1", "unit_price": "100", "sale_date": "2026-10-03"},
        ],
    )
    return declaration_submit(declaration=declaration)


def flagged_line(declaration):
    return DeclarationLine.objects.get(declaration=declaration, status=DeclarationLine.Status.FLAGGED)


def test_approving_the_last_flagged_line_validates_the_declaration(submitted, channel_manager):
    assert submitted.status == Declaration.Status.SUBMITTED and submitted.lines_flagged == 1

    line = line_review(line=flagged_line(submitted), approve=True, user=channel_manager)

    assert line.status == DeclarationLine.Status.ACCEPTED
    submitted.refresh_from_db()
    assert (submitted.lines_accepted, submitted.lines_flagged, submitted.lines_rejected) == (2, 0, 0)
    assert submitted.status == Declaration.Status.VALIDATED and submitted.reviewed_at is not None


def test_rejecting_marks_the_declaration_partly_rejected(submitted, brand_admin):
    line_review(line=flagged_line(submitted), approve=False, user=brand_admin)
    submitted.refresh_from_db()
    assert (submitted.lines_accepted, submitted.lines_flagged, submitted.lines_rejected) == (1, 0, 1)
    assert submitted.status == Declaration.Status.PARTLY_REJECTED


def test_a_line_is_reviewed_once(submitted, brand_admin):
    line = flagged_line(submitted)
    line_review(line=line, approve=True, user=brand_admin)
    with pytest.raises(ApplicationError):
        line_review(line=line, approve=False, user=brand_admin)
    submitted.refresh_from_db()
    assert submitted.lines_accepted == 2 and submitted.lines_rejected == 0


@pytest.mark.parametrize("who", ["other_brand_admin", "partner_admin"])
def test_only_the_brands_staff_review(request, submitted, who):
    if who == "other_brand_admin":
        user = UserFactory(role=Role.BRAND_ADMIN, brand=BrandFactory(slug="globex3"))
    else:
        user = request.getfixturevalue("partner_admin")
    line = flagged_line(submitted)
    with pytest.raises(ApplicationError):
        line_review(line=line, approve=True, user=user)
    line.refresh_from_db()
    assert line.status == DeclarationLine.Status.FLAGGED


def test_the_corrected_line_of_a_rejected_sale_counts(submitted, brand_admin, partner):
    rejected = flagged_line(submitted)
    line_review(line=rejected, approve=False, user=brand_admin)
    correction = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )

    # The same sale (product, date, quantity), now at the right price.
    result = declaration_lines_add(
        declaration=correction,
        rows=[{"gtin": rejected.gtin, "quantity": "1", "unit_price": "10", "sale_date": "2026-10-03"}],
    )

    assert (result.accepted, result.duplicates) == (1, 0)
    rejected.refresh_from_db()
    assert rejected.status == DeclarationLine.Status.REJECTED  # kept on record
    # ...but the approved sale of the same declaration is still recognised when it comes again.
    again = declaration_lines_add(
        declaration=correction,
        rows=[{"gtin": rejected.gtin, "quantity": "1", "unit_price": "10", "sale_date": "2026-10-02"}],
    )
    assert again.duplicates == 1


def test_a_bulk_review_moves_each_declaration_by_its_own_lines(partner, brand_admin):
    product = ProductFactory(brand=partner.brand, list_price="10.00")
    declarations = []
    for day in (2, 3):
        declaration = declaration_create(
            partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
        )
        declaration_lines_add(
            declaration=declaration,
            rows=[
                {
                    "gtin": product.gtin,
                    "quantity": "1",
                    "unit_price": "100",
                    "sale_date": f"2026-10-{day:02d}",
                },
                {
                    "gtin": product.gtin,
                    "quantity": "2",
                    "unit_price": "100",
                    "sale_date": f"2026-10-{day:02d}",
                },
            ],
        )
        declarations.append(declaration_submit(declaration=declaration))
    first, second = declarations
    chosen = [*DeclarationLine.objects.filter(declaration=first).values_list("pk", flat=True)]
    chosen.append(
        DeclarationLine.objects.filter(declaration=second).order_by("pk").values_list("pk", flat=True)[0]
    )

    outcome = lines_review(
        brand=partner.brand,
        line_ids=chosen,
        approve=False,
        reason_code=ReviewReason.DUPLICATE,
        user=brand_admin,
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.lines_flagged, first.lines_rejected, first.status) == (
        0,
        2,
        Declaration.Status.PARTLY_REJECTED,
    )
    assert (second.lines_flagged, second.lines_rejected, second.status) == (
        1,
        1,
        Declaration.Status.SUBMITTED,
    )
    assert sorted(d.pk for d in outcome.declarations) == [first.pk, second.pk]
    assert ReviewDecision.objects.filter(decision="rejected", reason_code="duplicate").count() == 3


def test_a_single_line_review_records_the_default_reason(submitted, channel_manager):
    line = line_review(line=flagged_line(submitted), approve=True, user=channel_manager)

    decision = ReviewDecision.objects.get(line=line)
    assert (decision.decision, decision.reason_code, decision.decided_by) == (
        "approved",
        "checked",
        channel_manager,
    )


def test_the_reason_is_worded_in_the_readers_language_with_its_figures():
    params = {"quantity": 5000, "unit_price": "366.9"}

    with translation.override("fr"):
        french = review_reason_text(ReviewReason.PRICE_INCONSISTENT, params)
        quantity = review_reason_text(ReviewReason.QUANTITY_IMPLAUSIBLE, params)
    with translation.override("en"):
        english = review_reason_text(ReviewReason.PRICE_INCONSISTENT, params)

    assert french == "Le prix unitaire déclaré (366,90) est incohérent."
    assert quantity == "La quantité déclarée (5000) est invraisemblable."
    assert english == "The unit price declared (366.90) is inconsistent."
    assert review_reason_text("unknown", params) == ""
