"""The brand's review queue page and its bulk review; the decisions on the brand's and the partner's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login_client
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import Declaration, DeclarationLine, ReviewDecision, Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit

pytestmark = pytest.mark.django_db
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def declare(partner, rows, *, submit=True):
    declaration = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source=Source.FORM
    )
    declaration_lines_add(declaration=declaration, rows=rows)
    return declaration_submit(declaration=declaration) if submit else declaration


@pytest.fixture
def drill(brand):
    return ProductFactory(brand=brand, name="Perceuse sans fil 18V", list_price="120.00")


@pytest.fixture
def queue(partner, other_partner, drill):
    """Flagged lines (unit prices 10× the list price) of two partners, plus a clean line and a draft's."""
    mine = declare(
        partner,
        [
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "120", "sale_date": "2026-10-02"},
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1200", "sale_date": "2026-10-03"},
            {"gtin": drill.gtin, "quantity": "3", "unit_price": "1300", "sale_date": "2026-10-20"},
        ],
    )
    theirs = declare(
        other_partner,
        [{"gtin": drill.gtin, "quantity": "2", "unit_price": "1250", "sale_date": "2026-10-05"}],
    )
    declare(
        other_partner,
        [{"gtin": drill.gtin, "quantity": "9", "unit_price": "1250", "sale_date": "2026-10-06"}],
        submit=False,
    )
    return mine, theirs


def flagged_ids(declaration: Declaration) -> list[int]:
    return list(
        DeclarationLine.objects.filter(declaration=declaration, status=DeclarationLine.Status.FLAGGED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def queue_ids(response) -> list[int]:
    return [item.line.pk for item in response.context["page"]]


def test_the_queue_lists_submitted_flagged_lines_most_at_stake_first(channel_manager, queue):
    mine, theirs = queue
    client = login_client(channel_manager)

    response = client.get(reverse("sellout:brand_review_queue"))

    assert response.status_code == 200
    big, small = flagged_ids(mine)[1], flagged_ids(mine)[0]
    # No running challenge: no points at stake, so by amount (3 900, 2 500, 1 200); the draft's line is absent.
    assert queue_ids(response) == [big, flagged_ids(theirs)[0], small]
    partners = [item.partner.partner_id for item in response.context["queue"].partners]
    assert partners == [mine.partner_id, theirs.partner_id]


def test_the_queue_filters_by_partner_period_and_reason(channel_manager, queue, other_partner):
    mine, theirs = queue
    client = login_client(channel_manager)
    url = reverse("sellout:brand_review_queue")

    assert queue_ids(client.get(url, {"partner": other_partner.pk})) == flagged_ids(theirs)
    assert queue_ids(client.get(url, {"period_from": "2026-10-10"})) == [flagged_ids(mine)[1]]
    assert len(queue_ids(client.get(url, {"reason": "price"}))) == 3
    assert queue_ids(client.get(url, {"reason": "duplicate_in_file"})) == []


def test_a_partner_user_cannot_open_the_queue_nor_decide(partner_admin, queue):
    mine, _theirs = queue
    client = login_client(partner_admin)

    assert client.get(reverse("sellout:brand_review_queue")).status_code == 403
    response = client.post(
        reverse("sellout:brand_review_bulk"), {"line": flagged_ids(mine), "decision": "approve"}
    )
    assert response.status_code == 403
    assert not ReviewDecision.objects.exists()


def test_bulk_reject_swaps_the_rows_badges_in_place(channel_manager, queue):
    mine, theirs = queue
    ids = flagged_ids(mine)
    client = login_client(channel_manager)

    response = client.post(
        reverse("sellout:brand_review_bulk"),
        {"line": ids, "decision": "reject", "reason": "quantity_implausible", "note": "Vérifié"},
        **HTMX,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "2 lines rejected." in body
    for pk in ids:
        assert f'id="qline-{pk}" data-testid="queue-line" data-status="rejected" hx-swap-oob="true"' in body
    mine.refresh_from_db()
    assert (mine.lines_flagged, mine.lines_rejected, mine.status) == (
        0,
        2,
        Declaration.Status.PARTLY_REJECTED,
    )
    assert flagged_ids(theirs) != []  # not selected, not touched


def test_bulk_review_without_a_selection_says_so(channel_manager, queue):
    client = login_client(channel_manager)

    response = client.post(reverse("sellout:brand_review_bulk"), {"decision": "approve"}, **HTMX)

    assert "Select at least one line." in response.content.decode()
    assert not ReviewDecision.objects.exists()


def test_a_plain_post_approves_and_redirects_and_a_second_one_changes_nothing(channel_manager, queue):
    mine, _theirs = queue
    ids = flagged_ids(mine)
    client = login_client(channel_manager)
    url = reverse("sellout:brand_review_bulk")

    first = client.post(url, {"line": ids, "decision": "approve"})
    second = client.post(url, {"line": ids, "decision": "reject", "reason": "duplicate"})

    assert first.status_code == second.status_code == 302
    assert (
        list(ReviewDecision.objects.values_list("decision", "reason_code")) == [("approved", "checked")] * 2
    )
    mine.refresh_from_db()
    assert (mine.lines_accepted, mine.lines_rejected, mine.status) == (3, 0, Declaration.Status.VALIDATED)


def test_the_partner_reads_the_reason_in_french_and_the_brand_sees_who(channel_manager, partner_admin, queue):
    mine, _theirs = queue
    big = flagged_ids(mine)[1]
    brand_client = login_client(channel_manager)
    brand_client.post(
        reverse("sellout:brand_review_bulk"),
        {"line": [big], "decision": "reject", "reason": "price_inconsistent", "note": "Hors tarif"},
    )
    partner_client = login_client(partner_admin)
    partner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = partner_client.get(reverse("sellout:declaration_edit", args=[mine.pk])).content.decode()
    listing = partner_client.get(reverse("sellout:my_declarations")).content.decode()

    reason = "Rejetée par la marque : Le prix unitaire déclaré (1300,00) est incohérent. — “Hors tarif”"
    assert reason in page
    assert "Le prix unitaire déclaré (1300,00) est incohérent." in listing
    assert channel_manager.email not in page and channel_manager.email not in listing
    detail = brand_client.get(reverse("sellout:brand_declaration_detail", args=[mine.pk])).content.decode()
    assert 'data-testid="review-history"' in detail and channel_manager.display_name in detail


def test_the_queue_page_reads_in_a_fixed_number_of_queries(
    channel_manager, queue, partner, drill, django_assert_max_num_queries
):
    declare(
        partner,
        [
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1500", "sale_date": f"2026-10-{day:02d}"}
            for day in range(10, 20)
        ],
    )
    client = login_client(channel_manager)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("sellout:brand_review_queue"))
    assert len(response.context["page"]) == 13


def test_a_bulk_review_costs_the_same_queries_for_2_lines_as_for_12(channel_manager, partner, drill):
    def queries_to_reject(count: int, month_day: int) -> int:
        declaration = declare(
            partner,
            [
                {
                    "gtin": drill.gtin,
                    "quantity": str(n),
                    "unit_price": "1500",
                    "sale_date": f"2026-10-{month_day:02d}",
                }
                for n in range(1, count + 1)
            ],
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                reverse("sellout:brand_review_bulk"),
                {"line": flagged_ids(declaration), "decision": "reject", "reason": "other"},
                **HTMX,
            )
        assert f"{count} lines rejected." in response.content.decode()
        return len(queries)

    client = login_client(channel_manager)
    assert queries_to_reject(2, 10) == queries_to_reject(12, 11)


def test_the_declaration_page_review_takes_the_reason_chosen_on_the_line(channel_manager, queue):
    mine, _theirs = queue
    line_id = flagged_ids(mine)[0]

    response = login_client(channel_manager).post(
        reverse("sellout:brand_line_review", args=[line_id]),
        {"decision": "reject", "reason": "quantity_implausible"},
        **HTMX,
    )

    assert response.status_code == 200
    assert 'data-status="rejected"' in response.content.decode()
    assert ReviewDecision.objects.get(line_id=line_id).reason_code == "quantity_implausible"
