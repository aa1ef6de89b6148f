"""The rollup of attainment by account: one row per covered partner with its measures and as-of, replaced
whole on each refresh, and the base's and segment programs' summaries side by side."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login_client
from relais.catalog.tests.factories import ProductFactory
from relais.core.models import Job
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.models import ProgressRollup
from relais.programs.rollups import program_family_rollups, program_rollup_refresh
from relais.programs.tasks import programs_rollup_job
from relais.programs.tests.factories import ProgramFactory, member, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(brand):
    today = timezone.localdate()
    period = {"period_start": today - dt.timedelta(days=30), "period_end": today}
    base = ProgramFactory(
        brand=brand,
        name="Base",
        content={"objectives": [{"metric": "amount", "level": "account", "target": 100}]},
        **period,
    )
    segment = SegmentFactory(brand=brand)
    child = ProgramFactory(
        brand=brand,
        name="Pros",
        base=base,
        segment=segment,
        content={"objectives": [{"metric": "amount", "level": "account", "target": 50}]},
        **period,
    )
    product = ProductFactory(brand=brand)
    partners = PartnerFactory.create_batch(3, brand=brand)
    for partner, amount in zip(partners, ("20.00", "60.00", "120.00"), strict=True):
        sell(partner, product, day=today, amount=amount)
    member(segment, partners[2])
    member(segment, partners[1])
    return base, child, partners


def test_refresh_writes_one_row_per_covered_partner_with_its_attainment(family):
    _base, child, partners = family

    assert program_rollup_refresh(program=child) == 2
    rows = {r.partner_id: r for r in ProgressRollup.objects.filter(program=child)}

    assert set(rows) == {partners[1].pk, partners[2].pk}
    assert (rows[partners[1].pk].attainment, rows[partners[1].pk].reached) == (120.0, True)
    assert rows[partners[2].pk].measures["attainment"] == [240.0]
    first = rows[partners[1].pk].computed_at
    program_rollup_refresh(program=child)
    assert ProgressRollup.objects.filter(program=child).count() == 2  # replaced, not added
    assert ProgressRollup.objects.filter(program=child).earliest("computed_at").computed_at >= first


def test_the_base_and_its_segment_programs_side_by_side(family, brand_admin):
    base, child, _partners = family
    job = Job.objects.create(kind="programs_rollup", brand=base.brand, payload={})
    assert programs_rollup_job(job) == {"programs": 2}

    summaries = program_family_rollups(program=child)

    assert [(s["program"].name, s["accounts"], s["reached"]) for s in summaries] == [
        ("Base", 3, 1),
        ("Pros", 2, 2),
    ]
    html = login_client(brand_admin).get(f"/programs/{child.pk}/").content.decode()
    assert html.count('data-testid="program-rollup"') == 2
    assert "Attainment by account as of" in html
