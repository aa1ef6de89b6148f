"""Personal data in customer feedback: scrubbed (e-mails, phones), and purged after the brand's retention."""

from __future__ import annotations

from datetime import date

import pytest

from relais.incentives.tests.factories import declaration_with_lines
from relais.insights.feedback import feedback_scrub
from relais.privacy.services import feedback_purge, feedback_scrub_stored, privacy_settings_set
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("Rappelez-moi au 06 12 34 56 78 svp", "Rappelez-moi au [phone] svp"),
        ("écrire à jean.dupont+sav@gmail.com merci", "écrire à [e-mail] merci"),
        ("+33 6 12 34 56 78", "[phone]"),
        ("tel 0612345678", "tel [phone]"),
        ("Call +44 20 7946 0958", "Call [phone]"),
        ("06.12.34.56.78 le soir", "[phone] le soir"),
        ("Tel 0032 2 555 12 34", "Tel [phone]"),
    ],
)
def test_emails_and_phone_numbers_are_replaced(text, scrubbed):
    assert feedback_scrub(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "GTIN 3017620422003 très bien",
        "livré le 2026-11-02, prix 1 299,00 €",
        "commande 12345, 3 unités",
        "acheté en 2025 et en 2026",
        "",
    ],
)
def test_dates_prices_and_codes_stay(text):
    assert feedback_scrub(text) == text


def test_stored_feedback_is_scrubbed_and_old_feedback_purged(brand, partner):
    declaration_with_lines(
        partner,
        lines=[
            {"feedback": "Appeler le 06 12 34 56 78", "sale_date": date(2026, 11, 3)},
            {"feedback": "Très content", "sale_date": date(2026, 11, 3)},
            {"feedback": "Vieux commentaire", "sale_date": date(2026, 2, 10)},
        ],
    )
    privacy_settings_set(brand=brand, feedback_retention_months=6, by=None)  # type: ignore[arg-type]

    assert feedback_scrub_stored(brand=brand) == 1
    assert feedback_purge(brand=brand, today=date(2026, 12, 2)) == 1

    assert sorted(DeclarationLine.objects.values_list("feedback", flat=True)) == [
        "",
        "Appeler le [phone]",
        "Très content",
    ]
