"""Digests against a real SMTP server (aiosmtpd in a thread): the notifications a user chose to get as a
digest wait for it, then arrive in one e-mail per period in the user's language, once."""

import datetime as dt

from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery, Digest, EmailFrequency
from relais.comms.services import digests_send, notification_send, preference_set
from relais.comms.services.digests import digest_period
from relais.comms.tests.smtp import DyingEmailBackend, JobKilled


def _notify(capture, brand, users, kind, params):
    with capture(execute=True):
        return notification_send(brand=brand, kind=kind, users=users, params=params)


def test_a_daily_digest_gathers_the_day_in_one_email_in_the_reader_language_once(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    # Given a French reader who wants points and orders as a daily digest, an English one at once
    digested = partner_user(partner, email="resume@martin.test", preferred_language="fr")
    at_once = partner_user(partner, email="now@martin.test", preferred_language="en")
    for kind in ("points_available", "order_shipped"):
        preference_set(
            user=digested, kind=kind, in_portal=True, by_email=True, email_frequency=EmailFrequency.DAILY
        )
    # When two notifications reach both today
    _notify(
        django_capture_on_commit_callbacks, brand, [digested, at_once], "points_available", {"points": 1250}
    )
    _notify(django_capture_on_commit_callbacks, brand, [digested, at_once], "order_shipped", {"order": "#42"})
    # Then the reader at once has two e-mails, the digest reader none yet (both are in the inbox)
    assert len(smtp.to(at_once.email)) == 2 and smtp.to(digested.email) == []
    waiting = Delivery.objects.filter(user=digested)
    assert set(waiting.values_list("email_status", "email_digest", "in_portal")) == {
        ("digest", "daily", True)
    }
    # Today's run sends nothing: the day is not over
    assert digests_send(brand=brand, frequency=EmailFrequency.DAILY)["sent"] == 0
    # When tomorrow's digest runs
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert digests_send(brand=brand, frequency=EmailFrequency.DAILY, today=tomorrow)["sent"] == 1
    # Then one e-mail in French holds both, with their links to the inbox
    (mail,) = smtp.to(digested.email)
    assert mail.message["Subject"] == f"2 notifications de {brand.name}"
    text = mail.text()
    assert "1\xa0250 points sont disponibles" in text and "Votre commande #42 a été expédiée" in text
    for delivery in waiting:
        assert f"https://relais.example/portal/inbox/{delivery.pk}/" in text
    assert set(waiting.values_list("email_status", flat=True)) == {"sent"}
    assert Digest.objects.get(user=digested).status == Digest.Status.SENT
    # Run twice (the same day, or the job redelivered): nothing is sent twice
    assert digests_send(brand=brand, frequency=EmailFrequency.DAILY, today=tomorrow) == {
        "sent": 0,
        "failed": 0,
        "interrupted": 0,
    }
    assert len(smtp.to(digested.email)) == 1


def test_a_digest_killed_before_the_server_answered_is_never_sent_again(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    readers = [partner_user(partner, email=f"d{n}@martin.test") for n in range(2)]
    for reader in readers:
        preference_set(
            user=reader,
            kind="order_shipped",
            in_portal=True,
            by_email=True,
            email_frequency=EmailFrequency.WEEKLY,
        )
    _notify(django_capture_on_commit_callbacks, brand, readers, "order_shipped", {"order": "#7"})
    next_week = dt.date.today() + dt.timedelta(days=7)
    DyingEmailBackend.limit = 1
    try:
        digests_send(brand=brand, frequency=EmailFrequency.WEEKLY, today=next_week)
    except JobKilled:
        pass
    else:  # pragma: no cover - the backend dies on the second e-mail
        raise AssertionError("the worker should have died")
    assert len(smtp.received) == 1
    DyingEmailBackend.limit = None
    # The next run records both claimed digests interrupted and sends neither again
    assert digests_send(brand=brand, frequency=EmailFrequency.WEEKLY, today=next_week)["interrupted"] == 2
    assert len(smtp.received) == 1
    assert set(Digest.objects.values_list("status", flat=True)) == {"failed"}


def test_the_periods_are_yesterday_and_last_week():
    wednesday = dt.date(2026, 12, 2)
    assert digest_period(frequency="daily", today=wednesday) == (dt.date(2026, 12, 1), wednesday)
    assert digest_period(frequency="weekly", today=wednesday) == (
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
    )
