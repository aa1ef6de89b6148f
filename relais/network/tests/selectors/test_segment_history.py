from datetime import timedelta

import pytest
from django.utils import timezone

from relais.network.selectors import segment_members_at, segments_of_partner
from relais.network.services import partner_update, segment_create, segment_memberships_recompute
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_members_at_reads_the_history(brand):
    t0 = timezone.now() - timedelta(days=30)
    t1 = t0 + timedelta(days=10)
    partner = PartnerFactory(brand=brand, country="DE")
    segment = segment_create(brand=brand, name="France", rules={"country": ["FR"]})
    partner.country = "FR"
    partner.save()
    segment_memberships_recompute(brand=brand, at=t0)
    partner.country = "BE"
    partner.save()
    segment_memberships_recompute(brand=brand, at=t1)

    assert list(segment_members_at(segment=segment, at=t0 + timedelta(days=5))) == [partner]
    assert list(segment_members_at(segment=segment, at=t1 + timedelta(seconds=1))) == []
    assert list(segment_members_at(segment=segment, at=t0 - timedelta(days=1))) == []
    assert list(segments_of_partner(partner=partner, at=t0 + timedelta(days=1))) == [segment]
    assert list(segments_of_partner(partner=partner)) == []


def test_segments_of_partner_now(brand):
    partner = PartnerFactory(brand=brand, country="FR", kind="reseller")
    fr = segment_create(brand=brand, name="France", rules={"country": ["FR"]})
    segment_create(brand=brand, name="Belgium", rules={"country": ["BE"]})
    resellers = segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    assert list(segments_of_partner(partner=partner)) == [fr, resellers]
    partner_update(partner=partner, country="BE")
    assert [s.name for s in segments_of_partner(partner=partner)] == ["Belgium", "Resellers"]
