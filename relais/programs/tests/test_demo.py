"""The programs demo on a small network: a base program and three segment programs with content."""

import random

import pytest
from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import selectors
from relais.programs.demo import load
from relais.programs.models import AccountObjective, PolicyAcknowledgement, Program, ProgramStatus
from relais.programs.tests.factories import member, sell

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_base_program_and_three_segment_programs_that_differ_from_it(brand):
    ProductFactory.create_batch(6, brand=brand, family="Lampes frontales")
    ProductFactory.create_batch(6, brand=brand, family="Lampes torches")
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
    assert counts["rollup accounts"] == 6 + 3 * 2
    # Per segment program (whose family is in the catalogue), a family and a mix objective for each account.
    by_program = AccountObjective.objects.filter(program__base=base)
    assert set(by_program.values_list("program__name", "metric", "family")) == {
        ("Revendeurs France — conquête", "units", "Lampes frontales"),
        ("Revendeurs France — conquête", "mix_share", "Lampes frontales"),
        ("Franchisés Lumen Store", "units", "Lampes torches"),
        ("Franchisés Lumen Store", "mix_share", "Lampes torches"),
    }
    assert by_program.count() == 2 * 2 * 2
