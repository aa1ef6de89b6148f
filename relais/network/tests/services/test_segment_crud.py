import pytest

from relais.core.errors import ApplicationError
from relais.network.models import Segment, SegmentMembership
from relais.network.services import segment_create, segment_delete, segment_update
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_create_saves_clean_rules_and_computes_members(brand):
    PartnerFactory(brand=brand, country="FR", kind="reseller")
    PartnerFactory(brand=brand, country="FR", kind="distributor")
    segment = segment_create(
        brand=brand, name=" FR resellers ", rules={"country": ["fr"], "kind": ["reseller"]}
    )
    assert segment.name == "FR resellers"
    assert segment.rules == {"country": ["FR"], "kind": ["reseller"]}
    assert segment.member_count == 1
    assert segment.computed_at is not None


def test_create_refuses_unknown_rules_and_leaves_nothing(brand):
    with pytest.raises(ApplicationError):
        segment_create(brand=brand, name="Bad", rules={"colour": ["red"]})
    assert not Segment.objects.exists()


def test_names_are_unique_per_brand_case_insensitively(brand, other_brand):
    segment_create(brand=brand, name="Key accounts", rules={})
    with pytest.raises(ApplicationError) as exc:
        segment_create(brand=brand, name="key ACCOUNTS", rules={})
    assert exc.value.extra == {"field": "name"}
    assert segment_create(brand=other_brand, name="Key accounts", rules={}).pk


def test_update_moves_members_with_history(brand):
    fr = PartnerFactory(brand=brand, country="FR")
    be = PartnerFactory(brand=brand, country="BE")
    segment = segment_create(brand=brand, name="Zone", rules={"country": ["FR"]})
    updated = segment_update(segment=segment, name="Zone", rules={"country": ["BE"]}, description="Belgium")
    segment = updated.segment
    assert segment.member_count == 1
    assert (updated.moves.opened, updated.moves.closed) == (1, 1)
    assert SegmentMembership.objects.get(segment=segment, partner=fr).valid_to is not None
    assert SegmentMembership.objects.get(segment=segment, partner=be).valid_to is None


def test_update_refuses_a_name_taken_by_another_segment(brand):
    segment_create(brand=brand, name="A", rules={})
    b = segment_create(brand=brand, name="B", rules={})
    with pytest.raises(ApplicationError):
        segment_update(segment=b, name="a", rules={}, description="")
    assert segment_update(segment=b, name="B", rules={}, description="same name is fine").segment.pk == b.pk


def test_delete_removes_the_history(brand):
    PartnerFactory(brand=brand)
    segment = segment_create(brand=brand, name="All", rules={})
    segment_delete(segment=segment)
    assert not SegmentMembership.objects.exists()
