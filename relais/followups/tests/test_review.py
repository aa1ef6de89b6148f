"""The brand's bulk review and what follows it, through the real services: approved lines count (analytics,
points), rejected lines never pay, one atomic follow-up that does nothing twice."""

from __future__ import annotations

from datetime import date

import pytest

from relais.core.errors import ApplicationError
from relais.followups.declarations import declaration_submit
from relais.followups.review import lines_review, review_queue
from relais.incentives.models import PointsAccount, PointsEntry
from relais.incentives.tests.factories import running_challenge
from relais.insights.selectors import dashboard_data, period_clean
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration, DeclarationLine, ReviewDecision, ReviewReason, Source
from relais.sellout.review_queue import ReviewQueueFilter
from relais.sellout.services import declaration_create, declaration_lines_add
from relais.sellout.tests.factories import catalogue, ean13

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(brand):
    catalogue(brand, count=3)
    return running_challenge(
        brand, per_unit=10, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31)
    )


@pytest.fixture
def submitted(partner, october, django_capture_on_commit_callbacks):
    """A submitted declaration: one clean line of 3 units, two lines flagged (amounts far above the list price)."""
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(
        declaration=declaration,
        rows=[
            {"gtin": ean13(1), "quantity": "3", "sale_date": "2026-10-01", "amount": "60.00"},
            {"gtin": ean13(3), "quantity": "1", "sale_date": "2026-10-03", "amount": "100.00"},
            {"gtin": ean13(2), "quantity": "2", "sale_date": "2026-10-04", "amount": "400.00"},
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration = declaration_submit(declaration=declaration)
    assert declaration.lines_flagged == 2
    return declaration


def flagged(declaration: Declaration) -> list[DeclarationLine]:
    return list(
        DeclarationLine.objects.filter(
            declaration=declaration, status=DeclarationLine.Status.FLAGGED
        ).order_by("pk")
    )


def balance(partner) -> int:
    return PointsAccount.objects.get(partner=partner, user__isnull=True).balance


def dashboard_units(brand) -> int:
    period = period_clean(brand=brand, start="2026-10", end="2026-10")
    return dashboard_data(brand=brand, period=period)["totals"]["units"]


def test_approving_flagged_lines_counts_them_in_points_and_analytics(
    brand, partner, channel_manager, submitted, django_capture_on_commit_callbacks
):
    assert (balance(partner), dashboard_units(brand)) == (30, 3)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = lines_review(
            brand=brand,
            line_ids=[line.pk for line in flagged(submitted)],
            approve=True,
            reason_code=ReviewReason.CHECKED,
            user=channel_manager,
        )

    assert len(outcome.decided) == 2
    assert (balance(partner), dashboard_units(brand)) == (30 + 10 + 20, 3 + 1 + 2)
    submitted.refresh_from_db()
    assert submitted.status == Declaration.Status.VALIDATED


def test_rejecting_never_pays_and_the_lines_stay_out_of_the_analytics(
    brand, partner, channel_manager, submitted, django_capture_on_commit_callbacks
):
    lines = flagged(submitted)
    with django_capture_on_commit_callbacks(execute=True):
        lines_review(
            brand=brand,
            line_ids=[line.pk for line in lines],
            approve=False,
            reason_code=ReviewReason.PRICE_INCONSISTENT,
            note="Prix hors tarif",
            user=channel_manager,
        )

    assert (balance(partner), dashboard_units(brand)) == (30, 3)
    assert not PointsEntry.objects.filter(line__in=lines).exists()
    decisions = ReviewDecision.objects.filter(line__in=lines)
    assert {(d.decision, d.reason_code, d.note, d.decided_by_id) for d in decisions} == {
        ("rejected", "price_inconsistent", "Prix hors tarif", channel_manager.pk)
    }
    assert len({d.batch for d in decisions}) == 1  # decided together


def test_approving_again_does_nothing_twice(
    brand, partner, channel_manager, brand_admin, submitted, django_capture_on_commit_callbacks
):
    ids = [line.pk for line in flagged(submitted)]
    with django_capture_on_commit_callbacks(execute=True):
        lines_review(brand=brand, line_ids=ids, approve=True, reason_code="checked", user=channel_manager)
    earned = PointsEntry.objects.filter(kind="earn").count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = lines_review(brand=brand, line_ids=ids, approve=True, reason_code="checked", user=brand_admin)

    assert again.decided == [] and sorted(again.skipped) == ids
    assert callbacks == []  # nothing decided, nothing re-scored
    assert PointsEntry.objects.filter(kind="earn").count() == earned and balance(partner) == 60
    assert ReviewDecision.objects.filter(line_id__in=ids).count() == 2
    submitted.refresh_from_db()
    assert (submitted.lines_accepted, submitted.lines_flagged, submitted.lines_rejected) == (3, 0, 0)


def test_a_review_with_a_line_of_another_brand_is_refused_whole(
    brand, partner, channel_manager, submitted, other_brand
):
    catalogue(other_brand, count=3)
    foreign = declaration_create(
        partner=PartnerFactory(brand=other_brand),
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        source=Source.FORM,
    )
    declaration_lines_add(
        declaration=foreign,
        rows=[{"gtin": ean13(3), "quantity": "1", "sale_date": "2026-10-03", "amount": "100.00"}],
    )
    declaration_submit(declaration=foreign)
    ids = [line.pk for line in flagged(submitted)] + [line.pk for line in flagged(foreign)]

    with pytest.raises(ApplicationError):
        lines_review(brand=brand, line_ids=ids, approve=True, reason_code="checked", user=channel_manager)

    assert len(flagged(submitted)) == 2 and len(flagged(foreign)) == 1
    assert not ReviewDecision.objects.exists()


def test_an_unknown_reason_is_refused(brand, channel_manager, submitted):
    with pytest.raises(ApplicationError):
        lines_review(
            brand=brand,
            line_ids=[flagged(submitted)[0].pk],
            approve=False,
            reason_code="because",
            user=channel_manager,
        )
    assert len(flagged(submitted)) == 2


def test_the_queue_ranks_lines_by_points_then_amount(brand, partner, submitted):
    lines = flagged(submitted)  # 1 unit at 100.00 (10 points), 2 units at 400.00 (20 points)

    queue = review_queue(brand=brand, criteria=ReviewQueueFilter())

    assert [(item.line.pk, item.points) for item in queue.lines] == [(lines[1].pk, 20), (lines[0].pk, 10)]
    assert queue.points == 30 and queue.total == 2
    assert [(p.partner.partner_id, p.partner.lines) for p in queue.partners] == [(partner.pk, 2)]
    # The clean line's 30 points are not spendable yet (held 14 days by default): what a rejection reverses.
    assert queue.partners[0].pending_points == 30
