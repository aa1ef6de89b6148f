"""The demo network on its own: a small seeded network, valid identifiers, the same draws give the same one."""

from __future__ import annotations

import random

import pytest

from relais.core.models import Brand
from relais.core.validators import validate_gln, validate_siret, validate_vat
from relais.network.demo import BOREAL_SEGMENTS, network_load, segments_load
from relais.network.models import PartnerCompany, Segment, Site

pytestmark = pytest.mark.django_db


def _snapshot(brand: Brand) -> list[tuple[object, ...]]:
    return list(
        PartnerCompany.objects.filter(brand=brand)
        .order_by("code")
        .values_list("code", "name", "kind", "parent__code", "city", "siret", "vat_number", "potential")
    )


def test_a_small_demo_network_is_valid_and_seeded(brand, other_brand):
    named = network_load(brand=brand, rng=random.Random(3), sizes={"FR": 6, "CH": 4})
    network_load(brand=other_brand, rng=random.Random(3), sizes={"FR": 6, "CH": 4})

    assert named == {}  # a sized network has no named partner
    partners = list(PartnerCompany.objects.filter(brand=brand))
    assert len(partners) == 10
    assert {p.kind for p in partners} == {"distributor", "reseller"}
    for partner in partners:
        if partner.country == "FR":
            assert validate_siret(partner.siret) == partner.siret
        else:
            assert (
                partner.vat_number.startswith("CHE")
                and validate_vat(partner.vat_number) == partner.vat_number
            )
    assert Site.objects.filter(brand=brand, is_main=True).count() == len(partners)
    assert all(validate_gln(s.gln) == s.gln for s in Site.objects.filter(brand=brand) if s.gln)
    # The same draws give the same network, whichever brand it is for.
    assert [row[1:] for row in _snapshot(brand)] == [row[1:] for row in _snapshot(other_brand)]


def test_the_demo_segments_are_saved_with_their_members(brand):
    network_load(brand=brand, rng=random.Random(5), sizes={"BE": 5})

    segments_load(brand=brand, definitions=BOREAL_SEGMENTS)

    segment = Segment.objects.get(brand=brand, name="Revendeurs")
    assert segment.member_count == 4  # one distributor, four resellers
