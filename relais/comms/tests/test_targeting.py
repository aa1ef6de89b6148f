"""Targeting and tenancy: recipients are the segment's members at send time; no other brand's partner."""

import datetime as dt

from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.comms.models import Delivery
from relais.comms.selectors import inbox_list
from relais.comms.services import campaign_save, campaign_schedule, campaigns_dispatch_due
from relais.comms.tests.factories import CampaignFactory
from relais.core.jobs import job_run
from relais.core.models import Job
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SegmentMembershipFactory


def _recipients(message):
    return set(Delivery.objects.filter(message=message).values_list("user__email", flat=True))


def test_a_campaign_to_a_segment_reaches_exactly_its_members_at_send_time(
    brand, brand_admin, django_capture_on_commit_callbacks
):
    # Given a segment with two members when the campaign is written, and one outsider
    segment = SegmentFactory(brand=brand, name="Mono-marques")
    stays, leaves, joins, outside = (PartnerFactory(brand=brand) for _ in range(4))
    for partner in (stays, leaves):
        SegmentMembershipFactory(segment=segment, partner=partner)
    users = {
        p: partner_user(p, email=f"{p.code.lower()}@example.test") for p in (stays, leaves, joins, outside)
    }
    message = campaign_save(
        brand=brand,
        user=brand_admin,
        fields={"kind": "announcement", "category": "transactional", "subject_en": "Hi", "body_en": "Hello"},
        segments=[segment],
    )
    # When one member leaves and another partner joins before it is sent
    SegmentMembership.objects.filter(segment=segment, partner=leaves).update(valid_to=timezone.now())
    SegmentMembershipFactory(segment=segment, partner=joins)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(message=message, at=None)
    # Then it reaches the members of the segment at that moment, and no one else
    assert _recipients(message) == {users[stays].email, users[joins].email}
    message.refresh_from_db()
    assert message.recipient_count == 2
    # And recipients are fixed: a partner joining later does not receive it when the job runs again
    late = PartnerFactory(brand=brand)
    SegmentMembershipFactory(segment=segment, partner=late)
    partner_user(late, email="late@example.test")
    job = Job.objects.get(kind="comms_send", payload__message_id=message.pk)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    job_run(job.pk)
    assert _recipients(message) == {users[stays].email, users[joins].email}


def test_a_partner_never_receives_another_brands_message(
    brand, other_brand, django_capture_on_commit_callbacks
):
    mine = partner_user(PartnerFactory(brand=brand), email="mine@example.test")
    theirs = partner_user(PartnerFactory(brand=other_brand), email="theirs@example.test")
    message = CampaignFactory(brand=other_brand)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(message=message, at=None)
    assert _recipients(message) == {theirs.email}
    assert not inbox_list(user=mine).exists()


def test_kinds_countries_and_roles_narrow_the_audience(brand, django_capture_on_commit_callbacks):
    fr_reseller = PartnerFactory(brand=brand, kind="reseller", country="FR")
    be_reseller = PartnerFactory(brand=brand, kind="reseller", country="BE")
    fr_distributor = PartnerFactory(brand=brand, kind="distributor", country="FR")
    admin = partner_user(fr_reseller, email="admin@fr.test", role=Role.PARTNER_ADMIN)
    partner_user(fr_reseller, email="seller@fr.test", role=Role.PARTNER_SELLER)
    partner_user(be_reseller, email="admin@be.test")
    partner_user(fr_distributor, email="admin@dist.test")
    inactive = PartnerFactory(brand=brand, kind="reseller", country="FR", is_active=False)
    partner_user(inactive, email="admin@inactive.test")
    message = CampaignFactory(
        brand=brand, partner_kinds=["reseller"], countries=["fr"], roles=[Role.PARTNER_ADMIN]
    )
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(message=message, at=None)
    assert _recipients(message) == {admin.email}


def test_a_scheduled_campaign_waits_for_its_time(brand, partner, django_capture_on_commit_callbacks):
    partner_user(partner, email="later@martin.test")
    message = CampaignFactory(brand=brand)
    at = timezone.now() + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_schedule(message=message, at=at)
        assert campaigns_dispatch_due() == 0
    assert not Delivery.objects.filter(message=message).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert campaigns_dispatch_due(now=at + dt.timedelta(minutes=1)) == 1
    assert _recipients(message) == {"later@martin.test"}
