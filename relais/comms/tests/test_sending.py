"""Delivery against a real SMTP server (aiosmtpd in a thread): once, in the reader's language, with the
right links; a job killed half-way and delivered again sends the other half only."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.comms.models import Category, Delivery, Message, NotificationPreference
from relais.comms.services import (
    campaign_schedule,
    delivery_bounce_record,
    emails_send,
    notification_send,
    recipients_resolve,
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


def test_a_job_killed_half_way_and_delivered_again_never_sends_an_email_twice(
    brand, smtp, settings, django_capture_on_commit_callbacks
):
    # Given ten recipients and a worker that dies after five accepted e-mails, batches of three
    settings.RELAIS_COMMS_EMAIL_BATCH = 3
    readers = [partner_user(PartnerFactory(brand=brand), email=f"r{n}@example.test") for n in range(10)]
    message = CampaignFactory(brand=brand)
    DyingEmailBackend.limit = 5
    with pytest.raises(JobKilled):
        _send(message, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="comms_send")
    assert job.status == Job.Status.RUNNING  # killed: nothing recorded
    assert len(smtp.received) == 5
    # The first batch was recorded sent; the second was claimed (committed) before its e-mails went out
    by_status = dict(
        message.deliveries.values_list("email_status")
        .annotate(n=Count("pk"))
        .values_list("email_status", "n")
    )
    assert by_status == {"sent": 3, "sending": 3, "pending": 4}
    # When the job is delivered again (the queue redelivers an unacknowledged job) on a healthy worker
    DyingEmailBackend.limit = None
    job_run(job.pk)
    # Then nobody got it twice: the claimed batch is recorded interrupted, never sent again, the rest went
    received = sorted(a for r in smtp.received for a in r.to)
    assert len(received) == len(set(received)) == 9
    assert set(received) == {r.email for r in readers} - {readers[5].email}
    interrupted = message.deliveries.filter(email_status=Delivery.EmailStatus.FAILED)
    assert sorted(interrupted.values_list("user__email", flat=True)) == [r.email for r in readers[3:6]]
    assert all(error.startswith("interrupted") for error in interrupted.values_list("email_error", flat=True))
    result = Job.objects.get(pk=job.pk).result
    assert (result["sent"], result["interrupted"]) == (4, 3)
    # And a third run sends nothing
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_run(job.pk)
    assert len(smtp.received) == 9


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
    # Given batches of 3 (locmem backend): the cost is per batch, not per e-mail
    settings.RELAIS_COMMS_EMAIL_BATCH = 3
    for n in range(recipients):
        partner_user(PartnerFactory(brand=brand), email=f"q{recipients}-{n}@example.test")
    message = CampaignFactory(brand=brand)
    recipients_resolve(message=message)
    batches = -(-recipients // 3)
    with CaptureQueriesContext(connection) as queries:
        result = emails_send(message=message)
    assert result["sent"] == recipients
    # The sweep of interrupted claims and the count; per batch, two transactions (savepoints in the test):
    # the claim (SELECT ids, UPDATE) then the read with users and the bounced addresses, then the UPDATE of
    # the sent; the final empty claim. No write per e-mail.
    per_batch = 2 + 2 + 2 + 1 + 2
    assert len(queries) == 2 + per_batch * batches + 3
    assert sum(q["sql"].startswith("UPDATE") for q in queries.captured_queries) == 2 * batches + 1
