import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login_client
from relais.accounts.tests.factories import partner_user
from relais.insights.services import rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 12)
PERIOD = {"start": "2025-11", "end": "2026-01"}


@pytest.fixture
def sellout(brand, partner, other_partner):
    drill = product(brand, "Drills", name="Perceuse 18V")
    declaration_with_lines(
        partner=partner,
        lines=[
            {
                "product": drill,
                "quantity": 4,
                "amount": "400",
                "sale_date": JAN,
                "feedback": "Livraison rapide",
            },
            {"product": drill, "quantity": 1, "amount": "100", "sale_date": JAN, "channel": "online"},
        ],
    )
    declaration_with_lines(
        partner=other_partner,
        lines=[{"product": drill, "quantity": 9, "amount": "900", "sale_date": JAN, "feedback": "Trop cher"}],
    )
    rollup_refresh(brand=brand)
    return drill


def chart_data(html: str, dimension: str) -> dict:
    marker = f'id="chart-{dimension}" data-chart="'
    start = html.index(marker) + len(marker)
    raw = html[start : html.index('"', start)]
    return json.loads(raw.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))


@pytest.mark.parametrize("role_fixture", ["brand_admin", "channel_manager"])
def test_brand_staff_see_the_dashboard(request, role_fixture, sellout):
    client = login_client(request.getfixturevalue(role_fixture))
    response = client.get(reverse("insights:dashboard"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert chart_data(html, "month") == {
        "labels": ["2025-11", "2025-12", "2026-01"],
        "units": [0, 0, 14],
        "amount": [0.0, 0.0, 1400.0],
    }
    assert chart_data(html, "channel")["units"] == [13, 1]


def test_partner_users_cannot_open_brand_pages(partner_admin, partner_seller, sellout, partner):
    for user in (partner_admin, partner_seller):
        client = login_client(user)
        for url in (
            reverse("insights:dashboard"),
            reverse("insights:dashboard_charts"),
            reverse("insights:top_partners"),
            reverse("insights:export", args=["family", "csv"]),
            reverse("insights:feedback"),
            reverse("insights:partner_detail", args=[partner.pk]),
        ):
            assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("insights:dashboard"), reverse("insights:portal_insights")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_segment_filter_swaps_the_charts(admin_client_brand, brand, sellout, partner):
    segment = segment_create(brand=brand, name="Martin only", rules={"region": ["Nowhere"]})
    rollup_refresh(brand=brand)
    response = admin_client_brand.get(
        reverse("insights:dashboard_charts"), {**PERIOD, "segment": segment.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert response["HX-Push-Url"].startswith(reverse("insights:dashboard") + "?")
    assert chart_data(html, "month")["units"] == [0, 0, 0]
    whole = admin_client_brand.get(reverse("insights:dashboard_charts"), PERIOD).content.decode()
    assert chart_data(whole, "month")["units"] == [0, 0, 14]


def test_other_brand_sees_none_of_it(other_brand, sellout, partner):
    from relais.accounts.models import Role
    from relais.accounts.tests.factories import UserFactory

    stranger = UserFactory(role=Role.BRAND_ADMIN, brand=other_brand)
    client = login_client(stranger)
    html = client.get(reverse("insights:dashboard"), PERIOD).content.decode()
    assert chart_data(html, "month")["units"] == [0, 0, 0]
    assert client.get(reverse("insights:partner_detail", args=[partner.pk])).status_code == 404
    feedback = client.get(reverse("insights:feedback"), PERIOD).content.decode()
    assert "Livraison rapide" not in feedback


def test_csv_export_neutralises_formulas(admin_client_brand, brand, partner):
    evil = product(brand, '=HYPERLINK("http://x")')
    declaration_with_lines(
        partner=partner, lines=[{"product": evil, "quantity": 2, "amount": "20", "sale_date": JAN}]
    )
    rollup_refresh(brand=brand)
    response = admin_client_brand.get(reverse("insights:export", args=["family", "csv"]), PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    assert "20.00" in body


def test_xlsx_export(admin_client_brand, sellout):
    response = admin_client_brand.get(reverse("insights:export", args=["channel", "xlsx"]), PERIOD)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("In store", 13, 1300.0)
    assert admin_client_brand.get(reverse("insights:export", args=["nope", "csv"])).status_code == 404


def test_top_partners_link_to_the_drill_down(admin_client_brand, sellout, partner, other_partner):
    html = admin_client_brand.get(reverse("insights:top_partners"), PERIOD).content.decode()
    assert html.index(other_partner.name) < html.index(partner.name)
    assert reverse("insights:partner_detail", args=[partner.pk]) in html
    detail = admin_client_brand.get(reverse("insights:partner_detail", args=[partner.pk]), PERIOD)
    assert detail.status_code == 200
    assert detail.context["totals"]["units"] == 5


def test_feedback_page_searches_and_counts_themes(admin_client_brand, sellout):
    response = admin_client_brand.get(reverse("insights:feedback"), PERIOD)
    assert response.status_code == 200
    counts = {t["theme"]: t["count"] for t in response.context["theme_counts"]}
    assert counts["delivery"] == 1 and counts["price"] == 1
    html = response.content.decode()
    assert "Livraison rapide" in html and "Trop cher" in html
    found = admin_client_brand.get(
        reverse("insights:feedback"), {**PERIOD, "q": "livraison"}, HTTP_HX_REQUEST="true"
    )
    html = found.content.decode()
    assert "Livraison rapide" in html and "Trop cher" not in html


def test_partner_sees_own_insights_only(partner_client, partner, other_partner, sellout):
    response = partner_client.get(reverse("insights:portal_insights"), PERIOD)
    assert response.status_code == 200
    assert response.context["partner"] == partner
    assert response.context["totals"]["units"] == 5
    assert response.context["online_share"] == 20
    html = response.content.decode()
    assert other_partner.name not in html
    assert "900" not in html  # the other partner's amount


def test_brand_staff_have_no_partner_portal(admin_client_brand):
    assert admin_client_brand.get(reverse("insights:portal_insights")).status_code == 403


def test_partner_benchmark_shown_with_five_others(brand, partner, sellout):
    drill = sellout
    for i in range(4):
        declaration_with_lines(
            partner=PartnerFactory(brand=brand),
            lines=[{"product": drill, "quantity": 10 + i, "amount": 100 * (i + 1), "sale_date": JAN}],
        )
    segment = segment_create(brand=brand, name="Everyone", rules={})
    rollup_refresh(brand=brand)
    client = login_client(partner_user(partner))
    # other_partner + 4 = 5 others: shown. Before the fifth other partner declares, hidden.
    html = client.get(reverse("insights:portal_insights"), PERIOD).content.decode()
    assert f'data-testid="benchmark-{segment.pk}"' in html
    assert 'data-testid="benchmark-hidden"' not in html


def test_partner_benchmark_hidden_with_four_others(brand, partner, sellout):
    for i in range(3):
        declaration_with_lines(
            partner=PartnerFactory(brand=brand),
            lines=[{"product": sellout, "quantity": 10 + i, "amount": 100, "sale_date": JAN}],
        )
    segment = segment_create(brand=brand, name="Everyone", rules={})
    rollup_refresh(brand=brand)
    html = (
        login_client(partner_user(partner)).get(reverse("insights:portal_insights"), PERIOD).content.decode()
    )
    assert f'data-testid="benchmark-{segment.pk}"' not in html
    assert 'data-testid="benchmark-hidden"' in html
    assert 'data-testid="region-hidden"' in html


def test_pages_speak_french(admin_client_brand, partner_client, sellout):
    html = admin_client_brand.get(
        reverse("insights:dashboard"), PERIOD, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Analyse du sell-out" in html and "En magasin ou en ligne" in html
    html = partner_client.get(
        reverse("insights:portal_insights"), PERIOD, HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Mes indicateurs" in html and "Mes meilleures ventes" in html


def test_partner_sellers_see_their_company_insights_too(partner_seller, partner, sellout):
    response = login_client(partner_seller).get(reverse("insights:portal_insights"), PERIOD)
    assert response.status_code == 200
    assert response.context["partner"] == partner and response.context["totals"]["units"] == 5


def test_portal_home_links_to_insights(partner_client):
    html = partner_client.get(reverse("network:portal_home")).content.decode()
    assert reverse("insights:portal_insights") in html


def test_the_brand_reads_a_partners_insights_about_this_partner(admin_client_brand, partner, sellout):
    # Given a segment holding the partner, so the comparison table shows
    segment_create(brand=partner.brand, name="Tous", rules={})
    response = admin_client_brand.get(reverse("insights:partner_detail", args=[partner.pk]), PERIOD)
    html = response.content.decode()
    # Then the page speaks of "this partner", never of "me"
    assert "This partner&#x27;s best sellers" in html or "This partner's best sellers" in html
    for mine in ("My insights", "My best sellers", "my segment", "My position", "<th>Me</th>"):
        assert mine not in html
