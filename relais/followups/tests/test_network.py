"""The network's follow-ups: the dashboard's cube is rebuilt (a job after commit) when the network moved it."""

from decimal import Decimal

import pytest

from relais.core.models import Brand, Job
from relais.core.tabular import table_read
from relais.followups.network import (
    network_refresh,
    partner_update,
    partners_import,
    segment_create,
    segment_memberships_refresh,
    segment_update,
)
from relais.network.models import PartnerCompany, SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory

pytestmark = pytest.mark.django_db


def cube_jobs(brand: Brand) -> int:
    return Job.objects.filter(brand=brand, kind="insights_rollup", payload__cube_only=True).count()


def test_a_change_of_memberships_schedules_the_cube(brand, django_assert_max_num_queries):
    segment = SegmentFactory(brand=brand, rules={"country": ["FR"]})
    PartnerFactory.create_batch(40, brand=brand, country="FR")
    # 8 for the memberships, 1 for the cube refresh job, 2 for the follow-up's own savepoint.
    with django_assert_max_num_queries(11):
        result = segment_memberships_refresh(brand=brand, segment=segment)
    assert result == {"opened": 40, "closed": 0, "segments": 1}
    assert cube_jobs(brand) == 1


def test_no_move_no_cube(brand):
    SegmentFactory(brand=brand, rules={"country": ["FR"]})
    PartnerFactory(brand=brand, country="FR")
    segment_memberships_refresh(brand=brand)
    segment_memberships_refresh(brand=brand)
    assert cube_jobs(brand) == 1


def test_a_cube_field_change_schedules_the_cube_without_any_segment(brand, partner):
    assert partner_update(partner=partner, region="Bretagne").region == "Bretagne"
    assert cube_jobs(brand) == 1


def test_a_name_change_does_not_schedule_the_cube(brand, partner):
    SegmentFactory(brand=brand, rules={})
    partner_update(partner=partner, name="New name")
    assert cube_jobs(brand) == 0


def test_a_move_between_segments_schedules_the_cube_once(brand, partner):
    segment_create(brand=brand, name="FR", rules={"country": ["FR"]})
    segment_create(brand=brand, name="BE", rules={"country": ["BE"]})
    before = cube_jobs(brand)

    partner_update(partner=partner, country="BE")

    assert SegmentMembership.objects.get(segment__name="BE", partner=partner).valid_to is None
    assert cube_jobs(brand) == before + 1


def test_a_rule_field_change_that_moves_nobody_does_not_schedule_the_cube(brand, partner):
    segment_create(brand=brand, name="FR", rules={"country": ["FR"]})
    before = cube_jobs(brand)
    partner_update(partner=partner, potential=Decimal("1000.00"), is_active=False)
    assert cube_jobs(brand) == before


def test_a_new_segment_schedules_the_cube_when_it_has_members(brand, partner):
    empty = segment_create(brand=brand, name="Nobody", rules={"country": ["DE"]})
    assert empty.member_count == 0 and cube_jobs(brand) == 0
    full = segment_create(brand=brand, name="Everybody", rules={})
    assert full.member_count == 1 and cube_jobs(brand) == 1


def test_a_segment_edit_schedules_the_cube_when_members_move(brand, partner):
    segment = segment_create(brand=brand, name="Zone", rules={"country": ["FR"]})
    before = cube_jobs(brand)

    segment = segment_update(segment=segment, name="Zone FR", rules={"country": ["FR"]}, description="Same")
    assert segment.name == "Zone FR" and cube_jobs(brand) == before

    segment = segment_update(segment=segment, name="Zone BE", rules={"country": ["BE"]})
    assert segment.member_count == 0 and cube_jobs(brand) == before + 1


def test_the_nightly_pass_schedules_the_cube_when_members_moved(brand, partner):
    SegmentFactory(brand=brand, rules={})
    result = network_refresh(brand=brand)
    assert (result["opened"], result["segments"]) == (1, 1)
    assert cube_jobs(brand) == 1
    network_refresh(brand=brand)
    assert cube_jobs(brand) == 1


def partner_file() -> bytes:
    return (
        b"code;name;kind;country;potential\nD1;Distrib;distributor;FR;900000\nR1;Revendeur;reseller;FR;1000\n"
    )


def test_an_import_is_followed_by_tiers_segments_and_cube(brand):
    segment = SegmentFactory(brand=brand, rules={"kind": ["distributor"]})

    report = partners_import(brand=brand, table=table_read(content=partner_file(), filename="p.csv"))

    assert report.created == 2
    assert dict(PartnerCompany.objects.filter(brand=brand).values_list("code", "potential_tier")) == {
        "D1": "high",
        "R1": "low",
    }
    assert list(segment.memberships.values_list("partner__code", flat=True)) == ["D1"]
    assert cube_jobs(brand) == 1


def test_a_dry_run_import_writes_and_schedules_nothing(brand):
    SegmentFactory(brand=brand, rules={})

    report = partners_import(
        brand=brand, table=table_read(content=partner_file(), filename="p.csv"), dry_run=True
    )

    assert report.created == 2 and report.dry_run
    assert not PartnerCompany.objects.filter(brand=brand).exists()
    assert not SegmentMembership.objects.exists() and cube_jobs(brand) == 0
