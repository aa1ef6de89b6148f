"""Import row errors are stored in English and read in the reader's language, field names as labels."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conftest import login_client
from relais.sellout.ingest.row_messages import ROW_MESSAGES, field_label, row_message_display
from relais.sellout.models import ImportRowError
from relais.sellout.tests.factories import catalogue
from relais.sellout.tests.ingest.helpers import run_file, wrong_check_digit

pytestmark = pytest.mark.django_db


def test_an_import_run_in_french_stores_its_errors_in_english_and_a_french_page_reads_them_in_french(
    tmp_path, partner, partner_admin
):
    product = catalogue(partner.brand, count=1)[0]
    bad_gtin = wrong_check_digit(product.gtin)
    path = tmp_path / "ventes.csv"
    path.write_text(
        f"EAN;Qté;Date;Montant\n{product.gtin};1;02/10/2026;20,00\n{bad_gtin};1;31/11/2026;20,00\n",
        encoding="utf-8",
    )

    with translation.override("fr"):
        _result, sellout_import = run_file(partner, path)

    stored = {e.field: e.message for e in ImportRowError.objects.filter(sellout_import=sellout_import)}
    assert stored["gtin"] == f"GTIN {bad_gtin} has a wrong check digit"
    assert stored["sale_date"] == "'31/11/2026' is an impossible date"
    client = login_client(partner_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("sellout:import_detail", args=[sellout_import.pk])).content.decode()
    with translation.override("fr"):
        assert row_message_display(stored["gtin"]) in page
        assert row_message_display(stored["sale_date"]) in page
        assert str(field_label("sale_date")) in page
    assert "has a wrong check digit" not in page and "<code>sale_date</code>" not in page
    assert "ligne acceptée" in page and "ligne refusée" in page  # one of each: the singular


def test_a_message_is_worded_again_in_the_active_language_with_its_value():
    with translation.override("fr"):
        text = row_message_display("'31/11/2026' is an impossible date")

    assert text != "'31/11/2026' is an impossible date"
    assert "31/11/2026" in text


def test_every_row_message_has_a_french_wording():
    with translation.override("fr"):
        untranslated = [code for code, text in ROW_MESSAGES.items() if row_message_display(text) == text]

    assert untranslated == []


def test_an_unknown_text_and_field_are_shown_as_they_are():
    assert row_message_display("Ligne écrite à la main") == "Ligne écrite à la main"
    assert field_label("colour") == "colour"
    with translation.override("fr"):
        assert field_label("gtin") == "GTIN / EAN"
        assert field_label("sale_date") == "Date de vente"
