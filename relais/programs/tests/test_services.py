"""Writes of programs: create and publish, policy versions and acknowledgements, tiers per period."""

import datetime as dt

import pytest

from relais.accounts.tests.factories import partner_user
from relais.catalog.tests.factories import ProductFactory
from relais.core.errors import ApplicationError
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import selectors, services
from relais.programs.models import ProgramStatus, TierMove
from relais.programs.tests.factories import ProgramFactory, member, sell
from relais.training.services import attempt_submit
from relais.training.tests.factories import published_module

pytestmark = pytest.mark.django_db
TIERS = [
    {"code": "silver", "name": "Silver", "min_amount": 100},
    {"code": "gold", "name": "Gold", "min_amount": 500},
]


def test_a_segment_program_is_created_as_a_draft_and_published_after_its_base(brand, brand_admin):
    base = services.program_create(
        brand=brand, name="Base 2026", period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31)
    )
    pros = services.program_create(
        brand=brand,
        name="Pros",
        base=base,
        segment=SegmentFactory(brand=brand),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        owner=brand_admin,
    )
    assert pros.status == ProgramStatus.DRAFT

    with pytest.raises(ApplicationError):
        services.program_publish(program=pros)
    services.program_publish(program=base)
    services.program_publish(program=pros)

    pros.refresh_from_db()
    assert pros.status == ProgramStatus.PUBLISHED and pros.published_at is not None


def test_a_program_refuses_another_brands_segment_and_unknown_measures(brand, other_brand):
    base = ProgramFactory(brand=brand)
    with pytest.raises(ApplicationError):
        services.program_create(
            brand=brand,
            name="x",
            base=base,
            segment=SegmentFactory(brand=other_brand),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 2, 1),
        )
    with pytest.raises(ApplicationError):
        services.program_aspect_set(
            program=base, key="objectives", value=[{"metric": "smiles", "level": "account", "target": 1}]
        )


def test_a_partner_admin_acknowledges_the_current_version_and_a_new_version_asks_again(
    brand, partner, partner_admin, partner_seller
):
    base = ProgramFactory(brand=brand)
    first = services.policy_version_publish(
        program=base, kind="pricing", title="Remises", body="Remise de 10 %."
    )

    with pytest.raises(ApplicationError):
        services.policy_acknowledge(version=first, partner=partner, user=partner_seller)
    services.policy_acknowledge(version=first, partner=partner, user=partner_admin)
    services.policy_acknowledge(version=first, partner=partner, user=partner_admin)  # again: a no-op

    [item] = selectors.partner_policies(program=base, partner=partner)
    assert item["acknowledged"] is True
    assert selectors.policy_coverage(program=base)[0]["acknowledged"] == 1

    second = services.policy_version_publish(
        program=base, kind="pricing", title="Remises", body="Remise de 12 %."
    )

    [item] = selectors.partner_policies(program=base, partner=partner)
    assert item["version"] == second and item["acknowledged"] is False
    coverage = selectors.policy_coverage(program=base)[0]
    assert (coverage["acknowledged"], coverage["older_only"]) == (0, 1)
    with pytest.raises(ApplicationError):  # the old version can no longer be acknowledged
        services.policy_acknowledge(version=first, partner=partner, user=partner_admin)


def test_a_segment_program_inherits_the_base_policy_of_a_kind_it_does_not_set(brand):
    base = ProgramFactory(brand=brand)
    segment_program = ProgramFactory(brand=brand, base=base, segment=SegmentFactory(brand=brand))
    services.policy_version_publish(program=base, kind="pricing", title="Prix", body="Prix de base.")
    services.policy_version_publish(program=base, kind="order_handling", title="Commandes", body="48 h.")
    services.policy_version_publish(
        program=segment_program, kind="order_handling", title="Commandes pros", body="24 h."
    )

    policies = {p.kind: p.program_id for p in selectors.program_policies(program=segment_program)}

    assert policies == {"order_handling": segment_program.pk, "pricing": base.pk}


def test_tiers_are_computed_per_period_and_the_moves_are_kept(brand):
    segment = SegmentFactory(brand=brand)
    base = ProgramFactory(brand=brand, content={"tiers": TIERS})
    q1 = ProgramFactory(
        brand=brand,
        base=base,
        segment=segment,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    q2 = ProgramFactory(
        brand=brand,
        base=base,
        segment=segment,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
    )
    rising, falling = PartnerFactory.create_batch(2, brand=brand)
    for partner in (rising, falling):
        member(segment, partner)
    product = ProductFactory(brand=brand)
    sell(rising, product, day=dt.date(2026, 2, 1), amount="100.00")  # exactly silver
    sell(falling, product, day=dt.date(2026, 2, 1), amount="500.00")  # exactly gold
    sell(rising, product, day=dt.date(2026, 5, 1), amount="500.00")
    sell(falling, product, day=dt.date(2026, 5, 1), amount="99.99")  # just below silver

    services.program_tiers_compute(program=q1)
    services.program_tiers_compute(program=q2)
    services.program_tiers_compute(program=q2)  # a period computed again adds nothing

    moves = {(m.partner_id, m.period_start.month): (m.previous_tier, m.tier) for m in TierMove.objects.all()}
    assert moves == {
        (rising.pk, 1): ("", "silver"),
        (falling.pk, 1): ("", "gold"),
        (rising.pk, 4): ("silver", "gold"),
        (falling.pk, 4): ("gold", ""),
    }
    latest = selectors.partner_tier_moves(program=q2, partner=falling).first()
    assert latest is not None
    assert latest.measures["next_tier"] == "silver" and latest.measures["missing"] == {"amount": 0.01}
    assert selectors.program_tier_distribution(program=q2) == {"gold": 1, "": 1}


def test_a_tier_that_asks_for_training_is_reached_once_the_partners_people_completed_their_modules(brand):
    segment = SegmentFactory(brand=brand)
    tiers = [
        {"code": "silver", "name": "Silver", "min_amount": 100},
        {"code": "gold", "name": "Gold", "min_amount": 100, "min_training": 100},
    ]
    program = ProgramFactory(
        brand=brand,
        segment=segment,
        content={"tiers": tiers},
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),  # training done by its end counts
    )
    trained, untrained = PartnerFactory.create_batch(2, brand=brand)
    product = ProductFactory(brand=brand)
    module = published_module(brand)
    for partner in (trained, untrained):
        member(segment, partner)
        sell(partner, product, day=dt.date(2026, 2, 1), amount="200.00")
        partner_user(partner)
    attempt_submit(module=module, user=trained.users.get(), answers=module.right)

    services.program_tiers_compute(program=program)

    moves = {m.partner_id: m for m in TierMove.objects.filter(program=program)}
    assert (moves[trained.pk].tier, moves[untrained.pk].tier) == ("gold", "silver")
    assert moves[trained.pk].measures["training"] == 100.0
    assert moves[untrained.pk].measures["missing"] == {"training": 100.0}
