"""The training follow-ups: the daily renewal reminder through communications (each holder once, in their
language), from the management command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery, Message
from relais.comms.rendering import message_render
from relais.training import services
from relais.training.models import CertificationAward
from relais.training.tests.factories import published_module

pytestmark = pytest.mark.django_db


def _award(certification, user, *, expires_on):
    return CertificationAward.objects.create(
        brand=certification.brand,
        certification=certification,
        user=user,
        partner=user.partner,
        awarded_on=expires_on - dt.timedelta(days=365),
        expires_on=expires_on,
    )


def test_the_daily_run_reminds_each_holder_once(brand, partner, django_capture_on_commit_callbacks):
    module = published_module(brand)
    certification = services.certification_save(
        brand=brand, name="Expert éclairage", validity_months=12, modules=[module]
    )
    today = dt.date(2026, 12, 2)
    holders = [partner_user(partner, role=Role.PARTNER_SELLER) for _ in range(2)]
    for user in holders:
        _award(certification, user, expires_on=today + dt.timedelta(days=25))
    _award(certification, partner_user(partner), expires_on=today + dt.timedelta(days=90))

    first, second = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders", "--today", today.isoformat(), stdout=first)
        call_command("send_training_reminders", "--today", today.isoformat(), stdout=second)

    assert "2 certification holder(s) reminded" in first.getvalue()
    assert "0 certification holder(s) reminded" in second.getvalue()
    message = Message.objects.get(code="certification_expiring")
    assert message.params == {"certification": "Expert éclairage", "expires_on": "2026-12-27"}
    assert set(Delivery.objects.filter(message=message).values_list("user_id", flat=True)) == {
        u.pk for u in holders
    }
    with translation.override("fr"):
        rendered = message_render(message=message, language="fr")
    assert rendered.subject == "Votre certification Expert éclairage expire le 27 décembre 2026"


def test_a_bad_day_is_refused(brand):
    with pytest.raises(CommandError, match="--today must be YYYY-MM-DD"):
        call_command("send_training_reminders", "--today", "02/12/2026")
