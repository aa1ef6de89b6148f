"""Bounces from real delivery status notifications (RFC 3464 multipart/report, as a mail server sends
them) read from a maildir: a hard bounce stops the e-mails at once, soft ones after three; the user sees
it on the preferences page, the brand on the campaign; a complaint turns the newsletters off."""

import mailbox

from django.core.management import call_command
from django.urls import reverse

from conftest import login_client
from relais.accounts.tests.factories import partner_user
from relais.comms.models import BounceReport, BouncingAddress, Delivery, NotificationPreference
from relais.comms.services import bounces_parse, campaign_schedule
from relais.comms.tests.factories import CampaignFactory


def dsn(
    *, recipient: str, delivery_id: int, status: str = "5.1.1", action: str = "failed", n: int = 1
) -> bytes:
    """A delivery status notification as Postfix writes it, quoting the original e-mail's headers."""
    diagnostic = f"smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown"
    if status.startswith("4"):
        diagnostic = f"smtp; 452 4.2.2 <{recipient}>: Mailbox full"
    return f"""Return-Path: <>
From: MAILER-DAEMON@mx.relais.example (Mail Delivery System)
To: bounces@relais.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <20261202.{n}.{delivery_id}@mx.relais.example>
Date: Wed, 2 Dec 2026 10:15:00 +0100
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"

--B0UND
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.relais.example.
I'm sorry to have to inform you that your message could not be delivered.

--B0UND
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.relais.example
X-Postfix-Queue-ID: 4F1A2B3C
Arrival-Date: Wed,  2 Dec 2026 10:14:58 +0100

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.martin.test
Diagnostic-Code: {diagnostic}

--B0UND
Content-Type: text/rfc822-headers

From: Relais <noreply@relais.example>
To: {recipient}
Subject: Gamme de printemps
X-Relais-Delivery: {delivery_id}

--B0UND--
""".replace("\n", "\r\n").encode()


COMPLAINT = b"""From: feedback@isp.example
To: abuse@relais.example
Subject: Complaint
Message-ID: <arf-1@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain

This is an e-mail abuse report.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ISP-FBL/1.0
Version: 1
Original-Rcpt-To: <spam@martin.test>

--ARF--
"""


def _sent(brand, capture):
    message = CampaignFactory(brand=brand)
    with capture(execute=True):
        campaign_schedule(message=message, at=None)
    return message


def _maildir(tmp_path, *messages: bytes):
    tmp_path.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    for raw in messages:
        box.add(raw)
    return tmp_path / "bounces"


def test_a_hard_bounce_stops_the_emails_and_shows_to_the_user_and_the_brand(
    brand, partner, brand_admin, smtp, tmp_path, django_capture_on_commit_callbacks
):
    # Given a campaign sent to two readers, and the mail server's report that one address does not exist
    gone = partner_user(partner, email="Gone@martin.test", preferred_language="fr")
    kept = partner_user(partner, email="kept@martin.test")
    message = _sent(brand, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(message=message, user=gone)
    folder = _maildir(tmp_path, dsn(recipient="gone@martin.test", delivery_id=delivery.pk))
    # When the bounce processor reads the maildir (twice: the second read changes nothing)
    call_command("process_bounces", str(folder))
    call_command("process_bounces", str(folder))
    # Then the delivery is bounced, the address suppressed, the report kept once
    delivery.refresh_from_db()
    assert delivery.email_status == Delivery.EmailStatus.BOUNCED and "5.1.1" in delivery.email_error
    address = BouncingAddress.objects.get(email="gone@martin.test")
    assert address.hard_bounces == 1 and address.suppressed_at is not None
    assert BounceReport.objects.get().kind == BounceReport.Kind.HARD
    # The next campaign reaches the other reader only; the bounced one still has it in the portal
    smtp.received.clear()
    second = _sent(brand, django_capture_on_commit_callbacks)
    assert [r.to for r in smtp.received] == [[kept.email]]
    skipped = Delivery.objects.get(message=second, user=gone)
    assert skipped.email_status == Delivery.EmailStatus.BOUNCED and skipped.in_portal
    # The user sees it on the preferences page, and can say the address works again
    page = login_client(gone).get(reverse("comms:preferences"))
    assert 'data-testid="address-bouncing"' in page.content.decode()
    assert "E-mails to Gone@martin.test bounce: we stopped sending them." in page.content.decode()
    # The brand sees the bounced recipient on the campaign, with the server's answer
    detail = (
        login_client(brand_admin).get(reverse("comms:campaign_detail", args=[message.pk])).content.decode()
    )
    assert 'data-testid="bounced"' in detail and "Gone@martin.test" in detail and "User unknown" in detail
    login_client(gone).post(reverse("comms:preferences"), {"address-works": "1"})
    assert BouncingAddress.objects.get(email="gone@martin.test").suppressed_at is None


def test_soft_bounces_suppress_the_address_at_the_third(brand, partner, tmp_path):
    reader = partner_user(partner, email="full@martin.test")
    reports = [dsn(recipient=reader.email, delivery_id=0, status="4.2.2", n=n) for n in range(1, 4)]
    parsed = bounces_parse(reports[0])
    assert [(b.email, b.kind, b.status) for b in parsed] == [("full@martin.test", "soft", "4.2.2")]
    call_command("process_bounces", str(_maildir(tmp_path / "a", *reports[:2])))
    assert BouncingAddress.objects.get(email=reader.email).suppressed_at is None
    call_command("process_bounces", str(_maildir(tmp_path / "b", reports[2])))
    address = BouncingAddress.objects.get(email=reader.email)
    assert address.soft_bounces == 3 and address.suppressed_at is not None


def test_a_complaint_turns_the_newsletters_off_by_email(brand, partner, tmp_path):
    reader = partner_user(partner, email="spam@martin.test")
    mbox_path = tmp_path / "complaints.mbox"
    box = mailbox.mbox(mbox_path)
    box.add(COMPLAINT)
    box.flush()
    call_command("process_bounces", str(mbox_path))
    pref = NotificationPreference.objects.get(user=reader, kind="marketing")
    assert pref.by_email is False and pref.in_portal is True
    assert BounceReport.objects.get().kind == BounceReport.Kind.COMPLAINT
