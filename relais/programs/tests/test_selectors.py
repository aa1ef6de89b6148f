"""Reads of programs on a real database: coverage from segment membership, inheritance, progress from
validated sell-out, upsell with a planted pattern and the k >= 5 rule."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.network.models import SegmentMembership
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import selectors, services
from relais.programs.tests.factories import ProgramFactory, member, sell
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.services import declaration_declare

pytestmark = pytest.mark.django_db
D = dt.date(2026, 5, 10)


@pytest.fixture
def base(brand):
    return ProgramFactory(
        brand=brand,
        name="Base",
        content={
            "objectives": [{"metric": "amount", "level": "account", "target": 100}],
            "tiers": [{"code": "silver", "min_amount": 50}],
        },
    )


@pytest.fixture
def segment(brand):
    return SegmentFactory(brand=brand, name="Pros")


def test_a_change_to_the_base_shows_in_every_segment_program_that_does_not_override_it(brand, base):
    pros = ProgramFactory(brand=brand, base=base, segment=SegmentFactory(brand=brand), content={})
    web = ProgramFactory(brand=brand, base=base, channel="web", content={})
    own = ProgramFactory(
        brand=brand,
        base=base,
        segment=SegmentFactory(brand=brand),
        content={"objectives": [{"metric": "units", "level": "channel", "target": 5}]},
    )
    new_objectives = [{"metric": "amount", "level": "account", "target": 250.0}]

    services.program_aspect_set(program=base, key="objectives", value=new_objectives)

    for program in (pros, web):
        program.refresh_from_db()
        assert selectors.program_effective_content(program=program)["objectives"] == new_objectives
    own.refresh_from_db()
    assert selectors.program_effective_content(program=own)["objectives"] == [
        {"metric": "units", "level": "channel", "target": 5}
    ]
    # the aspects it does not set still follow the base
    assert selectors.program_effective_content(program=own)["tiers"] == [{"code": "silver", "min_amount": 50}]


def test_covered_partners_follow_the_segment_membership_at_each_date(brand, base, segment):
    program = ProgramFactory(brand=brand, base=base, segment=segment)
    stays, leaves, joins = PartnerFactory.create_batch(3, brand=brand)
    member(segment, stays)
    stay = member(segment, leaves)
    tz = timezone.get_current_timezone()
    SegmentMembership.objects.filter(pk=stay.pk).update(valid_to=dt.datetime(2026, 5, 1, tzinfo=tz))
    member(segment, joins, since=dt.date(2026, 5, 15))

    assert selectors.program_covered_partner_ids(program=program, at=dt.date(2026, 4, 15)) == sorted(
        [stays.pk, leaves.pk]
    )
    assert selectors.program_covered_partner_ids(program=program, at=dt.date(2026, 6, 1)) == sorted(
        [stays.pk, joins.pk]
    )


def test_progress_counts_validated_lines_only_and_rolls_up_for_the_channel(brand, base, segment):
    program = ProgramFactory(brand=brand, base=base, segment=segment)
    one, two, silent = PartnerFactory.create_batch(3, brand=brand)
    for partner in (one, two, silent):
        member(segment, partner)
    product = ProductFactory(brand=brand)
    sell(one, product, day=D, quantity=3, amount="120.00")
    sell(two, product, day=D, quantity=1, amount="40.00")
    sell(
        two,
        product,
        day=dt.date(2026, 6, 2),
        quantity=9,
        amount="900.00",
        status=Declaration.Status.SUBMITTED,
    )
    sell(one, product, day=dt.date(2026, 3, 31), quantity=5, amount="500.00")  # before the period

    progress = selectors.program_progress(program=program)

    assert progress.partners[one.pk]["amount"] == 120.0 and progress.partners[one.pk]["units"] == 3
    assert progress.partners[two.pk]["amount"] == 40.0
    assert progress.partners[silent.pk]["amount"] == 0.0
    assert progress.channel["amount"] == 160.0
    assert progress.channel["coverage"] == pytest.approx(200 / 3)
    [objective] = progress.objectives
    assert objective["reached_accounts"] == 1
    assert objective["attainment_by_partner"][two.pk] == 40.0


def _sellers(brand, segment, count):
    partners = PartnerFactory.create_batch(count, brand=brand)
    for partner in partners:
        member(segment, partner)
    return partners


def test_upsell_finds_the_planted_product_with_the_median_of_comparable_partners(brand, base, segment):
    program = ProgramFactory(brand=brand, base=base, segment=segment)
    me = PartnerFactory(brand=brand)
    member(segment, me)
    common, planted = ProductFactory(brand=brand), ProductFactory(brand=brand, name="Niveau laser")
    sell(me, common, day=D)
    for i, partner in enumerate(_sellers(brand, segment, 5)):
        sell(partner, common, day=D)
        sell(partner, planted, day=D, amount=f"{100 + 10 * i}.00")  # 100, 110, 120, 130, 140

    upsell = selectors.partner_suggestions(program=program, partner=me)["upsell"]

    assert [item["product"] for item in upsell] == [planted]
    assert upsell[0]["suggestion"].sellers == 5
    assert upsell[0]["suggestion"].median_amount == 120.0


def test_no_upsell_suggestion_from_fewer_than_five_comparable_partners(brand, base, segment):
    program = ProgramFactory(brand=brand, base=base, segment=segment)
    me = PartnerFactory(brand=brand)
    member(segment, me)
    planted = ProductFactory(brand=brand)
    for partner in _sellers(brand, segment, 4):
        sell(partner, planted, day=D)
    outsider = PartnerFactory(brand=brand)  # sells it too, but is not in the segment: not comparable
    sell(outsider, planted, day=D)

    assert selectors.partner_suggestions(program=program, partner=me)["upsell"] == []


def test_cross_sell_finds_products_bought_together_by_lift(brand, base, segment):
    program = ProgramFactory(brand=brand, base=base, segment=segment)
    me = PartnerFactory(brand=brand)
    member(segment, me)
    drill, bits, other = ProductFactory(brand=brand), ProductFactory(brand=brand), ProductFactory(brand=brand)
    sell(me, drill, day=D)
    for n, partner in enumerate(_sellers(brand, segment, 5)):
        sell(partner, drill, day=D, invoice=f"F{n}-1")
        sell(partner, bits, day=D, invoice=f"F{n}-1")  # drill and bits on the same invoice
        sell(partner, other, day=D, invoice=f"F{n}-2")  # other alone

    cross = selectors.partner_suggestions(program=program, partner=me)["cross_sell"]

    assert [item["product"] for item in cross] == [bits]
    assert cross[0]["with"] == drill and cross[0]["suggestion"].lift == pytest.approx(2.0)


def test_assortment_compliance_is_the_share_of_required_products_sold(brand, base, segment):
    a, b, c = ProductFactory.create_batch(3, brand=brand)
    program = ProgramFactory(
        brand=brand,
        base=base,
        segment=segment,
        content={"assortment": {"required": [a.pk, b.pk], "recommended": [c.pk]}},
    )
    partner = PartnerFactory(brand=brand)
    member(segment, partner)
    sell(partner, a, day=D)
    sell(partner, c, day=D)

    assortment = selectors.program_assortment(program=program)

    assert assortment["compliance"][partner.pk] == 50.0
    assert assortment["required"] == [a, b] and assortment["recommended"] == [c]


def test_a_partner_sees_the_published_program_of_its_segment_else_the_base(brand, base, segment):
    program = ProgramFactory(brand=brand, base=base, segment=segment)
    inside, outside = PartnerFactory.create_batch(2, brand=brand)
    member(segment, inside)

    assert selectors.partner_program_find(partner=inside, at=D) == program
    assert selectors.partner_program_find(partner=outside, at=D) == base
    assert selectors.partner_program_find(partner=PartnerFactory(), at=D) is None  # another brand's partner


def test_new_repeat_and_lost_customers_from_lines_declared_with_customer_numbers(brand, base, segment):
    # Given lines declared through the ingest (clear numbers in, pseudonyms stored), validated by the brand:
    # last quarter C-1, C-2, C-3; this quarter C-1 (again), c 3 (the same customer as C-3), C-4 (new).
    program = ProgramFactory(brand=brand, base=base, segment=segment)  # April-June 2026
    partner = PartnerFactory(brand=brand)
    member(segment, partner)
    product = ProductFactory(brand=brand, list_price="10.00")
    sold = {dt.date(2026, 2, 3): ["C-1", "C-2", "C-3"], dt.date(2026, 5, 4): ["C-1", "c 3", "C-4"]}
    for day, customers in sold.items():
        declaration, _result = declaration_declare(
            partner=partner,
            lines=[
                {"gtin": product.gtin, "quantity": 1, "amount": "10", "sale_date": day, "customer_ref": c}
                for c in customers
            ],
            source=Source.API,
            period_start=day.replace(day=1),
            period_end=day.replace(day=28),
        )
        Declaration.objects.filter(pk=declaration.pk).update(status=Declaration.Status.VALIDATED)

    measures = selectors.program_progress(program=program).partners[partner.pk]

    assert measures["new_customers"] == 1  # C-4
    assert measures["lost_customers"] == 1  # C-2
    assert measures["repeat_share"] == pytest.approx(200 / 3)  # C-1 and C-3 of the three
    assert not DeclarationLine.objects.filter(customer_ref__in=["C-1", "C-2", "C-3", "C-4", "c 3"]).exists()
