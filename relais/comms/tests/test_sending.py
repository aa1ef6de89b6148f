"""Delivery against a real SMTP server (aiosmtpd in a thread): once, in the reader's language, with the
right links; a job killed after sending half and retried sends the other half only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.comms.models import Category, Delivery, Message, NotificationPreference
from relais.comms.services import (
    campaign_schedule,
    delivery_bounce_record,
    emails_send,
    notification_send,
    recipients_resolve,
    sending,
    unsubscribe_token,
)
from relais.comms.tests.factories import CampaignFactory
from relais.comms.tests.smtp import DyingEmailBackend, JobKilled
from relais.core.jobs import job_run
from relais.core.models import Job
from relais.network.tests.factories import PartnerFactory


def _send(message, capture):
    with capture(execute=True):
        campaign_schedule(message=message, at=None)


def test_a_campaign_arrives_once_per_recipient_in_their_language(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    # Given a French and an English reader of the brand's partner
    french = partner_user(partner, email="fr@martin.test", preferred_language="fr")
    english = partner_user(partner, email="en@martin.test", preferred_language="en")
    message = CampaignFactory(brand=brand)
    # When the campaign is sent, then the job delivered again
    _send(message, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="comms_send")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_run(job.pk)
    # Then each got it once, in their language, with the link to the message in their inbox
    assert len(smtp.to(french.email)) == 1 and len(smtp.to(english.email)) == 1
    fr_mail, en_mail = smtp.to(french.email)[0], smtp.to(english.email)[0]
    assert fr_mail.message["Subject"] == "Gamme de printemps"
    assert en_mail.message["Subject"] == "Spring range"
    assert "<strong>printemps</strong>" in fr_mail.html()
    fr_delivery = Delivery.objects.get(message=message, user=french)
    assert f"https://relais.example/portal/inbox/{fr_delivery.pk}/" in fr_mail.text()
    assert "Lisez-le dans votre espace" in fr_mail.text()
    # A transactional campaign carries no unsubscribe link
    assert "unsubscribe" not in fr_mail.text() and fr_mail.message["List-Unsubscribe"] is None
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert set(message.deliveries.values_list("email_status", flat=True)) == {Delivery.EmailStatus.SENT}


def test_a_marketing_email_carries_a_signed_unsubscribe_link(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    reader = partner_user(partner, email="news@martin.test", preferred_language="fr")
    message = CampaignFactory(brand=brand, kind="newsletter", category=Category.MARKETING)
    _send(message, django_capture_on_commit_callbacks)
    (mail,) = smtp.to(reader.email)
    url = f"https://relais.example/unsubscribe/{unsubscribe_token(user_id=reader.pk)}/"
    assert url in mail.text()
    assert str(mail.message["List-Unsubscribe"]).strip() == f"<{url}>"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def _statuses(message):
    return dict(
        message.deliveries.values_list("email_status")
        .annotate(n=Count("pk"))
        .values_list("email_status", "n")
    )


def _each_got_exactly_one(smtp, readers):
    received = sorted(a for r in smtp.received for a in r.to)
    assert received == sorted(r.email for r in readers)


@pytest.fixture
def killed_after(monkeypatch):
    """The worker process 'dies' between two e-mails: before handing over the one after the first
    ``n`` (the pacer runs just before each e-mail is built)."""

    def arm(n):
        calls = {"n": 0}

        def wait(self):
            calls["n"] += 1
            if calls["n"] > n:
                raise JobKilled("killed")

        monkeypatch.setattr(sending._Pacer, "wait", wait)

    yield arm
    monkeypatch.undo()


def test_a_job_killed_after_sending_half_and_retried_sends_the_other_half_only(
    brand, smtp, settings, killed_after, django_capture_on_commit_callbacks
):
    # Given ten recipients, batches of four, and a worker that dies after five e-mails
    settings.RELAIS_COMMS_EMAIL_BATCH = 4
    readers = [partner_user(PartnerFactory(brand=brand), email=f"r{n}@example.test") for n in range(10)]
    message = CampaignFactory(brand=brand)
    killed_after(5)
    with pytest.raises(JobKilled):
        _send(message, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="comms_send")
    assert job.status == Job.Status.RUNNING  # killed: nothing recorded on the job
    assert sorted(a for r in smtp.received for a in r.to) == sorted(r.email for r in readers[:5])
    # Each accepted e-mail was recorded as it went; the rest of the second batch is still claimed
    assert _statuses(message) == {"sent": 5, "sending": 3, "pending": 2}
    # When the job is delivered again (the queue redelivers an unacknowledged job) on a healthy worker
    killed_after(10**6)
    job_run(job.pk)
    # Then it sent the other half only: every recipient got exactly one e-mail, all recorded sent
    _each_got_exactly_one(smtp, readers)
    assert _statuses(message) == {"sent": 10}
    result = Job.objects.get(pk=job.pk).result
    assert (result["sent"], result["released"], result["interrupted"]) == (5, 3, 0)
    # And a third run sends nothing
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_run(job.pk)
    assert len(smtp.received) == 10


def test_a_dead_senders_claims_are_sent_by_another_once_stale(
    brand, smtp, settings, killed_after, django_capture_on_commit_callbacks
):
    # Given a job killed after five e-mails of ten, batches of four: three claimed, two pending
    settings.RELAIS_COMMS_EMAIL_BATCH = 4
    readers = [partner_user(PartnerFactory(brand=brand), email=f"s{n}@example.test") for n in range(10)]
    message = CampaignFactory(brand=brand)
    killed_after(5)
    with pytest.raises(JobKilled):
        _send(message, django_capture_on_commit_callbacks)
    killed_after(10**6)
    # When another sender runs at once: the dead job's claims are not yet stale, it sends the pending only
    assert emails_send(message=message)["sent"] == 2
    assert _statuses(message) == {"sent": 7, "sending": 3}
    # Then, once the claims are older than the timeout, the next sender sends them, and only them
    Delivery.objects.filter(email_status=Delivery.EmailStatus.SENDING).update(
        email_claimed_at=timezone.now() - sending.CLAIM_STALE_AFTER - timedelta(seconds=1)
    )
    result = emails_send(message=message)
    assert (result["released"], result["sent"]) == (3, 3)
    _each_got_exactly_one(smtp, readers)
    assert _statuses(message) == {"sent": 10}


def test_a_job_killed_while_the_server_answered_never_sends_that_email_again(
    brand, smtp, settings, django_capture_on_commit_callbacks
):
    # Given a worker that dies right after the server accepted the fifth e-mail, before recording it
    settings.RELAIS_COMMS_EMAIL_BATCH = 4
    readers = [partner_user(PartnerFactory(brand=brand), email=f"t{n}@example.test") for n in range(10)]
    message = CampaignFactory(brand=brand)
    DyingEmailBackend.die_after_accepting = 5
    with pytest.raises(JobKilled):
        _send(message, django_capture_on_commit_callbacks)
    assert _statuses(message) == {"sent": 4, "sending": 4, "pending": 2}
    # When the job is delivered again
    DyingEmailBackend.die_after_accepting = None
    job_run(Job.objects.get(kind="comms_send").pk)
    # Then every recipient got exactly one e-mail: the one in mid-exchange (the server may have accepted
    # it) is recorded interrupted and not sent again, the never-attempted rest was sent
    _each_got_exactly_one(smtp, readers)
    (interrupted,) = message.deliveries.filter(email_status=Delivery.EmailStatus.FAILED)
    assert interrupted.user == readers[4] and interrupted.email_error.startswith("interrupted")
    assert _statuses(message) == {"sent": 9, "failed": 1}


def test_a_server_failing_mid_batch_fails_the_job_and_its_retry_sends_the_rest(
    brand, smtp, settings, django_capture_on_commit_callbacks
):
    # Given a server that answers 421 after five messages, batches of four
    settings.RELAIS_COMMS_EMAIL_BATCH = 4
    readers = [partner_user(PartnerFactory(brand=brand), email=f"u{n}@example.test") for n in range(10)]
    message = CampaignFactory(brand=brand)
    smtp.fail_after = 5
    _send(message, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="comms_send")
    assert job.status == Job.Status.FAILED and "421" in job.error
    # The refused e-mail and the rest of its batch were released at once
    assert _statuses(message) == {"sent": 5, "pending": 5}
    # When the server is back and the job is retried
    smtp.fail_after = None
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_run(job.pk)
    # Then the other half went, each recipient once
    _each_got_exactly_one(smtp, readers)
    assert _statuses(message) == {"sent": 10}


def test_a_refused_recipient_is_recorded_failed_and_the_others_still_get_it(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    refused = partner_user(partner, email="gone@martin.test")
    kept = partner_user(partner, email="kept@martin.test")
    smtp.refuse.add(refused.email)
    message = CampaignFactory(brand=brand)
    _send(message, django_capture_on_commit_callbacks)
    failed = Delivery.objects.get(message=message, user=refused)
    assert failed.email_status == Delivery.EmailStatus.FAILED and "550" in failed.email_error
    assert len(smtp.to(kept.email)) == 1
    # A later bounce of a sent e-mail is recorded on its delivery
    sent = Delivery.objects.get(message=message, user=kept)
    assert delivery_bounce_record(delivery_id=sent.pk, reason="552 mailbox full")
    sent.refresh_from_db()
    assert sent.email_status == Delivery.EmailStatus.BOUNCED


def test_a_notification_is_rendered_from_its_code_in_the_reader_language(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    reader = partner_user(partner, email="pts@martin.test", preferred_language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            brand=brand,
            kind="points_expiring",
            users=[reader],
            params={"points": 1250, "expires_on": "2026-12-31"},
        )
    (mail,) = smtp.to(reader.email)
    assert mail.message["Subject"] == "1\xa0250 points expirent le 31 décembre 2026"


def test_a_kind_turned_off_by_email_reaches_the_inbox_only(
    brand, partner, smtp, django_capture_on_commit_callbacks
):
    reader = partner_user(partner, email="quiet@martin.test", role=Role.PARTNER_SELLER)
    NotificationPreference.objects.create(user=reader, kind="order_shipped", in_portal=True, by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = notification_send(
            brand=brand, kind="order_shipped", users=[reader], params={"order": "#42"}
        )
    assert smtp.received == []
    delivery = Delivery.objects.get(message=message)
    assert delivery.in_portal and delivery.email_status == Delivery.EmailStatus.SKIPPED


@pytest.mark.parametrize("recipients", [7, 13])
def test_queries_per_batch_do_not_grow_with_the_campaign(brand, settings, recipients):
    # Given batches of 3 (locmem backend): the cost is fixed per batch and per e-mail, never per campaign
    settings.RELAIS_COMMS_EMAIL_BATCH = 3
    for n in range(recipients):
        partner_user(PartnerFactory(brand=brand), email=f"q{recipients}-{n}@example.test")
    message = CampaignFactory(brand=brand)
    recipients_resolve(message=message)
    batches = -(-recipients // 3)
    with CaptureQueriesContext(connection) as queries:
        result = emails_send(message=message)
    assert result["sent"] == recipients
    # The recovery of dead claims (two UPDATEs), the count and the brand's logo (its settings); per batch the claim in its transaction
    # (savepoints in the test: SAVEPOINT, SELECT ids, UPDATE, RELEASE), the read with users and the bounced
    # addresses; per e-mail its attempt and its outcome, each an UPDATE; the final empty claim.
    per_batch, per_email = 4 + 1 + 1, 2
    assert len(queries) == 4 + per_batch * batches + per_email * recipients + 3
    updates = sum(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    assert updates == 2 + batches + per_email * recipients
