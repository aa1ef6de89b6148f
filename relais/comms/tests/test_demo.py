import random

from relais.accounts.tests.factories import partner_user
from relais.comms.demo import load
from relais.comms.models import BouncingAddress, ContentItem, Delivery, Message, NotificationPreference
from relais.comms.selectors import campaign_figures, campaign_list
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SegmentMembershipFactory


def test_the_demo_has_a_library_two_campaigns_with_read_figures_and_this_periods_reminder(brand, brand_admin):
    segment = SegmentFactory(brand=brand, name="Mono-marques")
    for n in range(12):
        partner = PartnerFactory(brand=brand)
        if n % 2:
            SegmentMembershipFactory(segment=segment, partner=partner)
        partner_user(partner, email=f"demo{n}@example.test")
    counts = load(brand=brand, rng=random.Random(3))
    assert ContentItem.objects.filter(brand=brand, status=ContentItem.Status.PUBLISHED).count() == 4
    campaigns = list(campaign_list(brand=brand))
    assert len(campaigns) == 2
    figures = {c.kind: campaign_figures(message=c) for c in campaigns}
    assert figures["announcement"]["recipients"] == 6 and figures["newsletter"]["recipients"] == 12
    # every e-mail sent (one newsletter then bounced: below), a share read
    assert all(f["read"] > 0 and f["sent"] + f["failed"] == f["recipients"] for f in figures.values())
    assert figures["announcement"]["downloads"] > 0
    assert Message.objects.filter(brand=brand, code="declaration_reminder").exists()
    assert counts["reminded users"] == 12
    assert not Delivery.objects.filter(brand=brand, email_status=Delivery.EmailStatus.PENDING).exists()
    # One newsletter bounced (the address suppressed), one reader takes points and orders as a digest
    assert counts["bounced addresses"] == 1 and counts["digest readers"] == 1
    assert BouncingAddress.objects.filter(suppressed_at__isnull=False).count() == 1
    assert Delivery.objects.filter(brand=brand, email_status=Delivery.EmailStatus.BOUNCED).count() == 1
    assert NotificationPreference.objects.filter(email_frequency="daily").count() == 4
