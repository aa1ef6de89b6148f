"""Challenge and reward texts per language: the brand writes them, each reader gets its own language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import login_client
from relais.api.services import api_key_create
from relais.incentives.models import Challenge, Reward
from relais.incentives.services.texts import challenge_texts_set
from relais.incentives.tests.factories import RewardFactory, running_challenge
from relais.incentives.texts import localized, texts_clean

pytestmark = pytest.mark.django_db

TEXTS = {
    "en": {"name": "Autumn drills", "description": "Sell the new drills."},
    "de": {"name": "Herbstbohrer", "description": ""},
}


def test_a_reader_gets_its_language_else_the_default_text(brand):
    challenge = running_challenge(brand, name="Perceuses d’automne", description="Vendez les perceuses.")
    challenge_texts_set(challenge=challenge, texts=TEXTS)

    assert localized(challenge, "name", "en") == "Autumn drills"
    assert localized(challenge, "name", "de") == "Herbstbohrer"
    assert localized(challenge, "description", "de") == "Vendez les perceuses."  # empty: the default
    assert localized(challenge, "name", "fr") == "Perceuses d’automne"
    with translation.override("en"):
        assert localized(challenge, "description") == "Sell the new drills."


def test_only_known_languages_and_fields_are_kept():
    assert texts_clean({"en": {"name": " A ", "price": "1"}, "xx": {"name": "?"}, "de": {"name": " "}}) == {
        "en": {"name": "A"}
    }


def test_the_brand_writes_a_challenge_in_three_languages_from_its_form(admin_client_brand, brand):
    response = admin_client_brand.post(
        reverse("incentives:challenges"),
        {
            "name": "Perceuses d’automne",
            "period_start": "2026-10-01",
            "period_end": "2026-12-31",
            "beneficiary": "partner",
            "points_validity_days": "365",
            "name_en": "Autumn drills",
            "description_en": "Sell the new drills.",
            "name_de": "Herbstbohrer",
        },
    )

    assert response.status_code == 302
    challenge = Challenge.objects.get(brand=brand)
    assert challenge.texts == {
        "en": {"name": "Autumn drills", "description": "Sell the new drills."},
        "de": {"name": "Herbstbohrer"},
    }
    editor = admin_client_brand.get(reverse("incentives:challenge_detail", args=[challenge.pk]))
    assert 'value="Herbstbohrer"' in editor.content.decode()


def test_the_brand_writes_a_reward_in_another_language(admin_client_brand, brand):
    response = admin_client_brand.post(
        reverse("incentives:rewards"),
        {"name": "Sac à outils", "points_price": "300", "is_active": "on", "name_en": "Tool bag"},
    )

    assert response.status_code == 302
    assert Reward.objects.get(brand=brand).texts == {"en": {"name": "Tool bag"}}


def test_a_partner_reading_english_sees_the_english_challenge(partner_admin, brand):
    challenge = running_challenge(brand, name="Perceuses d’automne")
    challenge_texts_set(challenge=challenge, texts=TEXTS)
    client = login_client(partner_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("incentives:my_challenges")).content.decode()
    board = client.get(reverse("incentives:my_leaderboard", args=[challenge.pk])).content.decode()

    assert "Autumn drills" in page and "Perceuses d’automne" not in page
    assert "Autumn drills" in board


def test_the_api_answers_in_the_readers_language(partner, brand):
    RewardFactory(brand=brand, name="Sac à outils", texts={"de": {"name": "Werkzeugtasche"}})
    challenge = running_challenge(brand, name="Perceuses d’automne")
    challenge_texts_set(challenge=challenge, texts=TEXTS)
    _key, token = api_key_create(partner=partner, name="ERP")

    rewards = login_free_get("/api/v1/rewards", token, "de").json()
    board = login_free_get(f"/api/v1/challenges/{challenge.pk}/leaderboard", token, "de").json()
    french = login_free_get("/api/v1/rewards", token, "fr").json()

    assert [r["name"] for r in rewards] == ["Werkzeugtasche"]
    assert board["challenge"] == "Herbstbohrer"
    assert [r["name"] for r in french] == ["Sac à outils"]


def login_free_get(url: str, token: str, language: str):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language).get(url)


def test_a_partner_reading_english_sees_the_english_reward(partner_admin, brand):
    RewardFactory(
        brand=brand,
        name="Sac à outils",
        description="Un sac solide.",
        texts={"en": {"name": "Tool bag", "description": "A sturdy bag."}},
    )
    client = login_client(partner_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("incentives:my_rewards")).content.decode()

    assert "Tool bag" in page and "A sturdy bag." in page
    assert "Sac à outils" not in page
