from __future__ import annotations

import random

import pytest

from relais.catalog.tests.factories import ProductFactory
from relais.network.models import PartnerKind
from relais.network.tests.factories import PartnerFactory
from relais.sellout.demo import load
from relais.sellout.models import Declaration, DeclarationLine


@pytest.mark.django_db
def test_demo_declarations_go_through_the_engine(brand):
    for _ in range(6):
        ProductFactory(brand=brand)
    for index in range(8):
        kind = PartnerKind.DISTRIBUTOR if index % 2 else PartnerKind.RESELLER
        PartnerFactory(brand=brand, kind=kind)

    counts = load(brand=brand, rng=random.Random(7))

    declarations = Declaration.objects.filter(brand=brand)
    assert counts["declarations"] == declarations.count() > 8
    assert counts["lines"] == DeclarationLine.objects.filter(brand=brand).count() > 100
    assert counts["partners_declaring"] < 8 or declarations.values("partner").distinct().count() == 8
    statuses = set(declarations.values_list("status", flat=True))
    assert Declaration.Status.VALIDATED in statuses
    lines = DeclarationLine.objects.filter(brand=brand)
    assert lines.filter(quantity__lt=0).exists()  # returns
    assert lines.filter(channel="online").exists()
    assert all(d.lines_accepted + d.lines_flagged > 0 for d in declarations.exclude(status="draft"))
    # Loading again (another seed) adds new declarations without breaking the dedup rule.
    again = load(brand=brand, rng=random.Random(8))
    assert again["declarations"] > 0


@pytest.mark.django_db
def test_a_marked_distributor_declares_for_its_resellers_and_repeated_sales_count_once(brand):
    for _ in range(6):
        ProductFactory(brand=brand)
    distributor = PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR, is_distributor=True)
    resellers = [PartnerFactory(brand=brand, parent=distributor) for _ in range(4)]
    PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR)  # not marked: declares for no one

    counts = load(brand=brand, rng=random.Random(7))

    on_behalf = Declaration.objects.filter(brand=brand, declared_by_partner__isnull=False)
    assert counts["on_behalf_declarations"] == on_behalf.count() > 0
    assert set(on_behalf.values_list("declared_by_partner", flat=True)) == {distributor.pk}
    assert set(on_behalf.values_list("partner", flat=True)) <= {r.pk for r in resellers}
    assert counts["on_behalf_lines"] == DeclarationLine.objects.filter(declaration__in=on_behalf).count()
    # The sales the distributor sent again were the reseller's already: stored once, reported as duplicates.
    assert counts["on_behalf_duplicates"] > 0
    assert not on_behalf.filter(status=Declaration.Status.DRAFT).exists()
