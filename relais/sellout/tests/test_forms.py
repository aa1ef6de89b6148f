"""The declaration form's period rules: nothing after the current month, at most a few months, and a
warning (not a refusal) when the partner already declared the same period."""

from datetime import date

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.formats import date_format

from relais.sellout.forms import DeclarationCreateForm
from relais.sellout.models import Declaration, Source
from relais.sellout.periods import months_covering, months_spanned

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def period_form(partner, start, end, **extra):
    return DeclarationCreateForm(
        {"period_start": start, "period_end": end, **extra}, partner=partner, today=TODAY
    )


def test_the_current_month_and_the_past_are_accepted(partner):
    assert period_form(partner, "2026-12-01", "2026-12-31").is_valid()
    assert period_form(partner, "2026-10-01", "2026-12-15").is_valid()


def test_a_period_after_the_current_month_is_refused_naming_the_field(partner):
    with translation.override("en"):
        form = period_form(partner, "2030-01-01", "2030-01-31")
        assert not form.is_valid()
        last_day = date_format(date(2026, 12, 31), "SHORT_DATE_FORMAT")
    assert f"From: sales cannot be declared after {last_day}" in form.errors["period_start"][0]
    assert form.errors["period_end"]


def test_the_refusal_reads_in_french_for_a_french_partner(partner):
    with translation.override("fr"):
        form = period_form(partner, "2026-11-01", "2027-01-31")
        assert not form.is_valid()
        assert form.errors["period_end"] == [
            "Au : impossible de déclarer des ventes après le 31/12/2026 (la fin du mois en cours)."
        ]


def test_a_period_longer_than_the_maximum_is_refused(partner):
    with translation.override("en"):
        form = period_form(partner, "2016-01-01", "2026-11-30")
        assert not form.is_valid()
        assert form.errors["period_end"] == ["To: a declaration covers at most 3 months."]
    assert period_form(partner, "2026-08-01", "2026-10-31").is_valid()


@override_settings(RELAIS_DECLARATION_MAX_MONTHS=1)
def test_the_maximum_is_a_setting(partner):
    with translation.override("fr"):
        form = period_form(partner, "2026-09-01", "2026-10-31")
        assert not form.is_valid()
        assert form.errors["period_end"] == ["Au : une déclaration couvre au plus 1 mois."]


def test_the_same_period_declared_again_warns_without_refusing(partner, other_partner):
    Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        source=Source.FORM,
    )
    Declaration.objects.create(
        brand=other_partner.brand,
        partner=other_partner,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
        source=Source.FORM,
    )
    with translation.override("en"):
        form = period_form(partner, "2026-10-15", "2026-11-15")
        assert form.is_valid()
        start, end = (date_format(d, "SHORT_DATE_FORMAT") for d in (date(2026, 10, 1), date(2026, 10, 31)))
        assert form.warnings == [
            f"You already have a declaration for this period ({start} to {end}, Draft): "
            "check that these sales are not declared twice."
        ]
    september = period_form(partner, "2026-09-01", "2026-09-30")  # another partner's period
    assert september.is_valid()
    assert september.warnings == []


def test_months_covering_and_spanned():
    assert months_covering(date(2026, 10, 3), date(2026, 11, 20)) == (date(2026, 10, 1), date(2026, 11, 30))
    assert months_covering(date(2028, 2, 10), date(2028, 2, 11)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert months_spanned(date(2026, 11, 30), date(2027, 1, 1)) == 3
