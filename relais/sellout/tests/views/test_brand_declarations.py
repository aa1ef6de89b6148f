"""Brand pages: declarations list with filters, detail, review of flagged lines, CSV/XLSX export."""

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login_client
from relais.core.tests.factories import BrandFactory
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def declare(partner, rows, *, source=Source.FORM, month=10, submit=True):
    declaration = declaration_create(
        partner=partner, period_start=date(2026, month, 1), period_end=date(2026, month, 28), source=source
    )
    declaration_lines_add(declaration=declaration, rows=rows)
    if submit:
        declaration = declaration_submit(declaration=declaration)
    return declaration


@pytest.fixture
def flagged_declaration(partner, drill):
    # 10× the list price is implausible: the engine keeps the line but flags it for review.
    return declare(
        partner,
        [
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "120", "sale_date": "2026-10-02"},
            {"gtin": drill.gtin, "quantity": "1", "unit_price": "1200", "sale_date": "2026-10-03"},
            {"gtin": drill.gtin, "quantity": "2", "unit_price": "1300", "sale_date": "2026-10-04"},
        ],
    )


def test_brand_list_filters_by_partner_period_status_and_source(
    channel_manager, partner, other_partner, drill
):
    mine = declare(
        partner, [{"gtin": drill.gtin, "quantity": "1", "amount": "120", "sale_date": "2026-10-02"}]
    )
    api_one = declare(
        other_partner,
        [{"gtin": drill.gtin, "quantity": "1", "amount": "120", "sale_date": "2026-09-02"}],
        source=Source.API,
        month=9,
    )
    draft = declare(partner, [], month=8, submit=False)
    PartnerFactory(brand=BrandFactory(slug="other"))  # another brand's partner never shows
    client = login_client(channel_manager)
    url = reverse("sellout:brand_declaration_list")

    def listed(**params):
        return set(client.get(url, params).context["page"].object_list)

    assert listed() == {mine, api_one, draft}
    assert listed(partner=other_partner.pk) == {api_one}
    assert listed(source="api") == {api_one}
    assert listed(status="draft") == {draft}
    assert listed(period_from="2026-10-01") == {mine}
    assert listed(period_to="2026-09-30") == {api_one, draft}


def test_brand_detail_shows_lines_and_review_approves_and_rejects(channel_manager, flagged_declaration):
    client = login_client(channel_manager)
    assert flagged_declaration.status == Declaration.Status.SUBMITTED
    detail = client.get(reverse("sellout:brand_declaration_detail", args=[flagged_declaration.pk]))
    assert detail.status_code == 200
    assert detail.content.decode().count('data-testid="approve"') == 2
    flagged = list(DeclarationLine.objects.filter(status=DeclarationLine.Status.FLAGGED).order_by("pk"))

    approved = client.post(
        reverse("sellout:brand_line_review", args=[flagged[0].pk]), {"decision": "approve"}, **HTMX
    )
    assert approved.status_code == 200
    html = approved.content.decode()
    assert f'id="line-{flagged[0].pk}"' in html and 'data-status="accepted"' in html
    assert 'hx-swap-oob="true"' in html  # counters refreshed with the row
    client.post(reverse("sellout:brand_line_review", args=[flagged[1].pk]), {"decision": "reject"}, **HTMX)

    flagged_declaration.refresh_from_db()
    assert (flagged_declaration.lines_accepted, flagged_declaration.lines_flagged) == (2, 0)
    assert flagged_declaration.lines_rejected == 1
    assert flagged_declaration.status == Declaration.Status.PARTLY_REJECTED
    assert flagged_declaration.reviewed_at is not None


def test_reviewing_a_line_twice_is_refused_with_a_message(channel_manager, flagged_declaration):
    client = login_client(channel_manager)
    line = DeclarationLine.objects.filter(status=DeclarationLine.Status.FLAGGED).first()
    assert line is not None
    url = reverse("sellout:brand_line_review", args=[line.pk])
    client.post(url, {"decision": "approve"}, **HTMX)
    again = client.post(url, {"decision": "reject"}, **HTMX)
    assert again.context["error"]
    line.refresh_from_db()
    assert line.status == DeclarationLine.Status.ACCEPTED


def test_other_brands_staff_and_partners_cannot_review(flagged_declaration, partner_admin):
    from relais.accounts.models import Role
    from relais.accounts.tests.factories import UserFactory

    line = DeclarationLine.objects.filter(status=DeclarationLine.Status.FLAGGED).first()
    assert line is not None
    url = reverse("sellout:brand_line_review", args=[line.pk])
    outsider = UserFactory(role=Role.BRAND_ADMIN, brand=BrandFactory(slug="globex2"))
    assert login_client(outsider).post(url, {"decision": "approve"}).status_code == 404
    assert (
        login_client(outsider)
        .get(reverse("sellout:brand_declaration_detail", args=[flagged_declaration.pk]))
        .status_code
        == 404
    )
    assert login_client(partner_admin).post(url, {"decision": "approve"}).status_code == 403
    line.refresh_from_db()
    assert line.status == DeclarationLine.Status.FLAGGED


def streamed(response: Any) -> bytes:
    """The body of a streamed response (the test client's type does not say it streams)."""
    return b"".join(response.streaming_content)


def formula_declaration(partner, drill):
    return declare(
        partner,
        [
            {
                "gtin": drill.gtin,
                "quantity": "-1",
                "amount": "-120",
                "sale_date": "2026-10-02",
                "invoice_ref": '=HYPERLINK("http://evil")',
                "customer_segment": "+cmd",
                "feedback": "@SUM(A1)",
            },
            {
                "gtin": drill.gtin,
                "quantity": "1",
                "amount": "120",
                "sale_date": "2026-10-03",
                "invoice_ref": "-2+3",
                "feedback": "Très bien",
            },
        ],
    )


def test_csv_export_neutralises_formulas(channel_manager, partner, drill):
    formula_declaration(partner, drill)
    response = login_client(channel_manager).get(reverse("sellout:brand_lines_export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="sellout-lines-')
    text = streamed(response).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Invoice number"] for r in rows] == ['\'=HYPERLINK("http://evil")', "'-2+3"]
    assert rows[0]["Customer segment"] == "'+cmd" and rows[0]["Customer feedback"] == "'@SUM(A1)"
    assert rows[1]["Customer feedback"] == "Très bien"
    assert rows[0]["Quantity"] == "-1"  # a number, not text: left as it is


def test_xlsx_export_neutralises_formulas_and_keeps_numbers(channel_manager, partner, drill):
    formula_declaration(partner, drill)
    response = login_client(channel_manager).get(reverse("sellout:brand_lines_export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(streamed(response))).active
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["Invoice number"] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=header.index("Invoice number") + 1).data_type == "s"
    assert first["Customer segment"] == "'+cmd" and first["Customer feedback"] == "'@SUM(A1)"
    assert first["Quantity"] == -1 and first["Amount"] == -120
    assert first["Partner code"] == partner.code


def test_export_follows_the_filters_and_the_brand(channel_manager, partner, other_partner, drill):
    declare(partner, [{"gtin": drill.gtin, "quantity": "1", "amount": "120", "sale_date": "2026-10-02"}])
    declare(
        other_partner, [{"gtin": drill.gtin, "quantity": "5", "amount": "600", "sale_date": "2026-10-02"}]
    )
    response = login_client(channel_manager).get(
        reverse("sellout:brand_lines_export", args=["csv"]), {"partner": other_partner.pk}
    )
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"))))
    assert [(r["Partner code"], r["Quantity"]) for r in rows] == [(other_partner.code, "5")]


def test_partners_cannot_reach_brand_pages(partner_admin):
    client = login_client(partner_admin)
    assert client.get(reverse("sellout:brand_declaration_list")).status_code == 403
    assert client.get(reverse("sellout:brand_lines_export", args=["csv"])).status_code == 403


def test_brand_list_queries_do_not_grow_with_the_declarations(
    channel_manager, partner, other_partner, drill, django_assert_num_queries
):
    client = login_client(channel_manager)
    url = reverse("sellout:brand_declaration_list")
    declare(partner, [{"gtin": drill.gtin, "quantity": "1", "amount": "120", "sale_date": "2026-10-02"}])
    client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for month in (7, 8, 9):
        declare(other_partner, [], month=month, submit=False)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_brand_pages_render_in_french(channel_manager, flagged_declaration):
    client = login_client(channel_manager)
    listing = client.get(
        reverse("sellout:brand_declaration_list"), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    detail = client.get(
        reverse("sellout:brand_declaration_detail", args=[flagged_declaration.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Déclarations de sell-out" in listing and "Exporter les lignes (Excel)" in listing
    assert "Approuver" in detail and "Rejeter" in detail and "à examiner" in detail
