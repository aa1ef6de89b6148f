"""The reminders follow the brand's own declaration deadline (its settings page); the default is unchanged."""

import datetime as dt

import pytest

from relais.accounts.tests.factories import partner_user
from relais.comms.models import Message
from relais.comms.services import reminders_send
from relais.comms.services.reminders import reminder_period
from relais.core.brand_settings import brand_settings_save

pytestmark = pytest.mark.django_db


def test_without_a_brand_setting_october_is_due_on_10_november(brand):
    assert reminder_period(today=dt.date(2026, 11, 3), brand=brand)[2] == dt.date(2026, 11, 10)


def test_a_brand_with_20_days_is_reminded_and_called_by_its_own_deadline(brand, other_partner):
    partner_user(other_partner, email="late@example.test")
    brand_settings_save(brand=brand, currency="EUR", languages=["fr", "en"], declaration_due_days=20)

    # Seven days before 10 November is too early now; seven days before 20 November is the reminder.
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 3)) == {}
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 13)) == {"declaration_reminder": 1}
    assert reminders_send(brand=brand, today=dt.date(2026, 11, 19)) == {"declaration_last_call": 1}
    message = Message.objects.get(code="declaration_reminder")
    assert message.params["deadline_on"] == "2026-11-20"
