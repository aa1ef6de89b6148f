"""The portal home's "what is due" section: last month's sales, the deadline and the partner's status,
with the button that leads to declaring them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from conftest import login_client
from relais.core.brand_settings import brand_settings_save
from relais.sellout.models import Declaration, Source
from relais.sellout.periods import period_due
from relais.sellout.portal import month_title

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    def travel(day):
        monkeypatch.setattr("relais.sellout.portal.localdate", lambda: day)

    return travel


def home(user, language="en"):
    client = login_client(user)
    return client.get(reverse("network:portal_home"), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def declare(partner, status):
    return Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        source=Source.FORM,
        status=status,
    )


def test_the_due_month_is_the_previous_one_with_ten_days_to_declare():
    assert period_due(date(2026, 12, 2)) == (date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 10))
    assert period_due(date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31), date(2027, 1, 10))


def test_nothing_declared_shows_the_deadline_and_the_declare_button(partner_seller, today):
    today(date(2026, 12, 2))
    html = home(partner_seller)
    assert 'data-status="not_declared"' in html
    assert "Sales of November 2026" in html
    with translation.override("en"):
        deadline = date_format(date(2026, 12, 10), "SHORT_DATE_FORMAT")
    assert f"Due by {deadline} (8 days left)." in html
    assert (
        f'href="{reverse("sellout:my_declarations")}" data-testid="portal-due-action">Declare my sales'
        in html
    )


def test_a_draft_leads_back_to_itself(partner_seller, partner, today):
    today(date(2026, 12, 2))
    draft = declare(partner, Declaration.Status.DRAFT)
    html = home(partner_seller)
    assert 'data-status="draft"' in html
    assert reverse("sellout:declaration_edit", args=[draft.pk]) in html
    assert "Finish my declaration" in html


def test_a_declared_month_needs_no_button(partner_seller, partner, other_partner, today):
    today(date(2026, 12, 2))
    declare(other_partner, Declaration.Status.VALIDATED)  # another partner's declaration counts for nothing
    assert 'data-status="not_declared"' in home(partner_seller)
    declare(partner, Declaration.Status.SUBMITTED)
    html = home(partner_seller)
    assert 'data-status="declared"' in html
    assert 'data-testid="portal-due-action"' not in html


def test_late_and_in_french(partner_seller, today):
    today(date(2026, 12, 12))
    with translation.override("fr"):
        html = home(partner_seller, "fr")
    assert "Ventes de novembre 2026" in html
    assert "Elles étaient à déclarer avant le 10/12/2026 : déclarez-les maintenant." in html
    assert "Déclarer mes ventes" in html


def test_the_title_elides_before_a_vowel_in_french():
    with translation.override("fr"):
        assert month_title(date(2026, 10, 31)) == "Ventes d’octobre 2026"
        assert month_title(date(2026, 11, 30)) == "Ventes de novembre 2026"
    with translation.override("en"):
        assert month_title(date(2026, 10, 31)) == "Sales of October 2026"


def test_a_seller_is_told_it_sees_the_companys_declarations(partner_seller, partner_admin, partner):
    assert "You see all the declarations of" in home(partner_seller)
    assert 'data-testid="portal-due-scope"' not in home(partner_admin)


def test_the_deadline_is_the_brands_own_when_it_set_one(partner_seller, partner, today):
    assert period_due(date(2026, 12, 2), brand_id=partner.brand_id)[2] == date(2026, 12, 10)  # the default
    brand_settings_save(brand=partner.brand, currency="EUR", languages=["fr", "en"], declaration_due_days=20)
    today(date(2026, 12, 2))

    html = home(partner_seller)

    assert period_due(date(2026, 12, 2), brand_id=partner.brand_id)[2] == date(2026, 12, 20)
    with translation.override("en"):
        deadline = date_format(date(2026, 12, 20), "SHORT_DATE_FORMAT")
    assert f"Due by {deadline} (18 days left)." in html
