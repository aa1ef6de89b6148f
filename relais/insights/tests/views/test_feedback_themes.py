"""The brand's feedback themes page: edit the keyword lists, the comments are counted again, and the
feedback page shows how many comments landed in a theme."""

import datetime as dt

import pytest
from django.urls import reverse

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.core.errors import ApplicationError
from relais.insights.feedback import DEFAULT_KEYWORDS
from relais.insights.models import FeedbackThemeKeywords
from relais.insights.services import feedback_keywords_set, rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 12)
PERIOD = {"start": "2026-01", "end": "2026-01"}
COMMENTS = ["Emballage abîmé", "Verpackung beschädigt", "Rayure sur le capot", "Rayures partout", "Joli"]


@pytest.fixture
def comments(brand, partner):
    drill = product(brand, "Drills")
    declaration_with_lines(
        partner=partner,
        lines=[
            {"product": drill, "quantity": 1, "amount": "10", "sale_date": JAN, "feedback": text}
            for text in COMMENTS
        ],
    )
    rollup_refresh(brand=brand)


def counts(response) -> dict[str, int]:
    return {t["theme"]: t["count"] for t in response.context["theme_counts"]}


def form_data(**changes: str) -> dict[str, str]:
    data = {theme: "\n".join(words) for theme, words in DEFAULT_KEYWORDS.items()}
    data.update(changes)
    return data


def test_the_feedback_page_shows_the_share_of_comments_in_a_theme(admin_client_brand, comments):
    response = admin_client_brand.get(reverse("insights:feedback"), PERIOD)
    assert counts(response)["packaging"] == 2 and counts(response)["other"] == 3
    assert response.context["classified"] == {"total": 5, "classified": 2, "percent": 40}
    assert "2 of 5 comments in a theme (40 %)" in response.content.decode()


def test_new_keywords_count_the_comments_again(
    brand, brand_admin, comments, django_capture_on_commit_callbacks
):
    # Given the brand adds "rayure" to quality from its themes page
    client = login_client(brand_admin)
    page = client.get(reverse("insights:feedback_themes"))
    assert page.status_code == 200 and "emballage" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insights:feedback_themes"), form_data(quality="qualité\nrayure\ncassé"), follow=True
        )
    # Then the list is stored, the comments are counted again and the page says so
    assert FeedbackThemeKeywords.objects.get(brand=brand, theme="quality").keywords == [
        "qualité",
        "rayure",
        "cassé",
    ]
    assert "counted again" in response.content.decode()
    after = client.get(reverse("insights:feedback"), PERIOD)
    assert counts(after)["quality"] == 2 and counts(after)["other"] == 1
    assert after.context["classified"]["percent"] == 80
    # And the list of a comment shows its theme from the brand's list
    themes = {item["line"].feedback: item["themes"] for item in after.context["items"]}
    assert themes["Rayures partout"] == ["Quality"]


def test_a_list_back_to_the_defaults_stores_nothing_and_an_empty_one_is_refused(brand, brand_admin):
    feedback_keywords_set(brand=brand, by=brand_admin, keywords={"price": "prix\nremise"})
    assert FeedbackThemeKeywords.objects.filter(brand=brand).count() == 1
    changed = feedback_keywords_set(
        brand=brand, by=brand_admin, keywords={"price": ", ".join(DEFAULT_KEYWORDS["price"])}
    )
    assert changed == ["price"] and not FeedbackThemeKeywords.objects.exists()
    with pytest.raises(ApplicationError):
        feedback_keywords_set(brand=brand, by=brand_admin, keywords={"price": " , \n"})
    with pytest.raises(ApplicationError):
        feedback_keywords_set(brand=brand, by=brand_admin, keywords={"weather": "pluie"})


def test_the_empty_list_is_shown_as_an_error_on_the_page(brand_admin):
    response = login_client(brand_admin).post(reverse("insights:feedback_themes"), form_data(price=" , "))
    assert response.status_code == 200
    assert not FeedbackThemeKeywords.objects.exists()
    assert "at least one keyword" in response.content.decode()


def test_another_brand_and_partners_cannot_edit_the_themes(brand, other_brand, partner_admin):
    foreign = UserFactory(role=Role.BRAND_ADMIN, brand=other_brand)
    with pytest.raises(ApplicationError):
        feedback_keywords_set(brand=brand, by=foreign, keywords={"price": "prix"})
    assert login_client(partner_admin).get(reverse("insights:feedback_themes")).status_code == 403
    # The other brand's page edits its own lists, never this brand's
    login_client(foreign).post(reverse("insights:feedback_themes"), form_data(price="prix"))
    assert list(FeedbackThemeKeywords.objects.values_list("brand_id", flat=True)) == [other_brand.pk]
