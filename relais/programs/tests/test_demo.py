"""The programs demo on a small network: a base program and three segment programs with content."""

import random

import pytest
from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import selectors
from relais.programs.demo import load
from relais.programs.models import PolicyAcknowledgement, Program, ProgramStatus
from relais.programs.tests.factories import member, sell

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_base_program_and_three_segment_programs_that_differ_from_it(brand):
    ProductFactory.create_batch(12, brand=brand)
    for name in ("Distributeurs", "Revendeurs France", "Franchisés"):
        segment = SegmentFactory(brand=brand, name=name)
        for partner in PartnerFactory.create_batch(2, brand=brand):
            member(segment, partner)
            sell(
                partner,
                ProductFactory(brand=brand),
                day=timezone.localdate().replace(day=1),
                amount="12000.00",
            )

    counts = load(brand=brand, rng=random.Random(1))

    base = Program.objects.get(brand=brand, base__isnull=True)
    children = list(Program.objects.filter(brand=brand, base=base))
    assert counts["programs"] == 4 and len(children) == 3
    assert all(p.status == ProgramStatus.PUBLISHED for p in [base, *children])
    for program in children:
        effective = selectors.program_effective_content(program=program)
        assert effective["objectives"] and effective["tiers"]
        assert program.content  # each sets something of its own
    assert PolicyAcknowledgement.objects.exists()
    assert counts["tier moves"] == 6 + 3 * 2  # the base covers the six partners, each segment program its two
