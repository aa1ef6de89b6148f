from datetime import timedelta

import pytest
from django.utils import timezone

from relais.core.errors import ApplicationError
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.network.services import segment_memberships_recompute
from relais.network.tests.factories import PartnerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def stays(segment, partner):
    return list(
        SegmentMembership.objects.filter(segment=segment, partner=partner)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to")
    )


def test_a_partner_that_leaves_then_comes_back_has_two_stays(brand):
    t0 = timezone.now() - timedelta(days=60)
    t1, t2 = t0 + timedelta(days=10), t0 + timedelta(days=20)
    segment = SegmentFactory(brand=brand, rules={"country": ["FR"]})
    partner = PartnerFactory(brand=brand, country="FR")

    segment_memberships_recompute(brand=brand, at=t0)
    partner.country = "BE"
    partner.save()
    segment_memberships_recompute(brand=brand, at=t1)
    partner.country = "FR"
    partner.save()
    segment_memberships_recompute(brand=brand, at=t2)

    assert stays(segment, partner) == [(t0, t1), (t2, None)]


def test_unchanged_members_keep_their_stay(brand):
    t0 = timezone.now() - timedelta(days=5)
    segment = SegmentFactory(brand=brand, rules={"country": ["FR"]})
    partner = PartnerFactory(brand=brand, country="FR")
    segment_memberships_recompute(brand=brand, at=t0)
    result = segment_memberships_recompute(brand=brand)
    assert result == {"opened": 0, "closed": 0, "segments": 1}
    assert stays(segment, partner) == [(t0, None)]


def test_counts_and_computed_at_are_set(brand, other_brand):
    at = timezone.now()
    segment = SegmentFactory(brand=brand, rules={"kind": ["reseller"]})
    PartnerFactory.create_batch(3, brand=brand, kind="reseller")
    PartnerFactory(brand=brand, kind="distributor")
    PartnerFactory(brand=other_brand, kind="reseller")
    result = segment_memberships_recompute(brand=brand, at=at)
    segment.refresh_from_db()
    assert (segment.member_count, segment.computed_at) == (3, at)
    assert result["opened"] == 3


def test_only_the_given_segment_is_recomputed(brand):
    a = SegmentFactory(brand=brand, rules={})
    b = SegmentFactory(brand=brand, rules={})
    PartnerFactory(brand=brand)
    segment_memberships_recompute(brand=brand, segment=a)
    assert Segment.objects.get(pk=a.pk).member_count == 1
    assert Segment.objects.get(pk=b.pk).computed_at is None
    assert not SegmentMembership.objects.filter(segment=b).exists()


def test_query_count_does_not_grow_with_the_network(brand, django_assert_max_num_queries):
    segment = SegmentFactory(brand=brand, rules={"country": ["FR"]})
    PartnerFactory.create_batch(40, brand=brand, country="FR")
    # 8 for the memberships (the cube refresh job that follows is relais.followups' concern).
    with django_assert_max_num_queries(8):
        segment_memberships_recompute(brand=brand, segment=segment)
    SegmentMembership.objects.filter(segment=segment).update(valid_from=timezone.now() - timedelta(days=1))
    PartnerCompany.objects.filter(brand=brand).update(country="BE")
    with django_assert_max_num_queries(8):
        result = segment_memberships_recompute(brand=brand, segment=segment)
    assert result["closed"] == 40


def test_a_segment_of_another_brand_is_refused(brand, other_brand):
    with pytest.raises(ApplicationError):
        segment_memberships_recompute(brand=brand, segment=SegmentFactory(brand=other_brand))


def test_limited_to_some_partners_leaves_the_others_alone(brand):
    segment = SegmentFactory(brand=brand, rules={"country": ["FR"]})
    edited = PartnerFactory(brand=brand, country="FR")
    untouched = PartnerFactory(brand=brand, country="FR")
    segment_memberships_recompute(brand=brand)

    PartnerCompany.objects.update(country="BE")
    result = segment_memberships_recompute(brand=brand, partners=[edited])
    assert result["closed"] == 1
    assert SegmentMembership.objects.get(segment=segment, partner=edited).valid_to is not None
    assert SegmentMembership.objects.get(segment=segment, partner=untouched).valid_to is None
    segment.refresh_from_db()
    assert segment.member_count == 1
