"""A partner's refresh moves the cube by that partner's own difference: after any sequence of declarations
and reviews the cube equals the full rebuild (``cube_refresh``), and the refresh's queries do not grow with
the number of partners."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.core.tests.factories import BrandFactory
from relais.insights.models import CubeDimension, SelloutCube
from relais.insights.services import cube_refresh, rollup_after_declaration, rollup_refresh
from relais.insights.tests.factories import declaration_with_lines, product
from relais.insights.tests.services.test_rollup_refresh import snapshot
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory
from relais.sellout.models import DeclarationLine

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2026, 1, 12), dt.date(2026, 2, 3), dt.date(2026, 3, 30)]
FAMILIES = ["Drills", "Saws"]
_brands = itertools.count(1)

line = st.fixed_dictionaries(
    {
        "month": st.sampled_from(range(len(MONTHS))),
        "family": st.sampled_from(range(len(FAMILIES))),
        "quantity": st.integers(min_value=-3, max_value=9),
        "channel": st.sampled_from(["in_store", "online"]),
        "currency": st.sampled_from(["EUR", "EUR", "CHF"]),
        "status": st.sampled_from(["accepted", "accepted", "flagged", "rejected"]),
    }
)
# A step: a partner declares some lines, or the brand reviews the n-th flagged line still waiting.
declare_step = st.tuples(
    st.just("declare"), st.integers(min_value=0, max_value=3), st.lists(line, max_size=4)
)
review_step = st.tuples(st.just("review"), st.integers(min_value=0, max_value=10), st.booleans())
steps = st.lists(st.one_of(declare_step, review_step), min_size=1, max_size=8)


def network(brand):
    partners = [
        PartnerFactory(brand=brand, kind=kind, country=country, region=region)
        for kind, country, region in (
            ("reseller", "FR", "Bretagne"),
            ("distributor", "FR", "Occitanie"),
            ("reseller", "BE", "Wallonie"),
            ("agent", "FR", "Bretagne"),
        )
    ]
    segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    segment_create(brand=brand, name="France", rules={"country": ["FR"]})
    segment_create(brand=brand, name="Everyone", rules={})
    return partners


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_the_cube_moved_by_deltas_equals_the_full_rebuild(db, sequence):
    brand = BrandFactory(slug=f"cube-delta-{next(_brands)}", currency="EUR")
    partners = network(brand)
    items = [product(brand, family) for family in FAMILIES]
    for step in sequence:
        if step[0] == "declare":
            _, who, lines = step
            declaration = declaration_with_lines(
                partner=partners[who],
                lines=[
                    {
                        "product": items[li["family"]],
                        "quantity": li["quantity"],
                        "amount": li["quantity"] * 10,
                        "sale_date": MONTHS[li["month"]],
                        "channel": li["channel"],
                        "currency": li["currency"],
                        "status": li["status"],
                    }
                    for li in lines
                ],
            )
        else:
            _, nth, approve = step
            waiting = list(
                DeclarationLine.objects.filter(brand=brand, status="flagged").order_by("pk").select_related()
            )
            if not waiting:
                continue
            reviewed = waiting[nth % len(waiting)]
            reviewed.status = "accepted" if approve else "rejected"
            reviewed.save(update_fields=["status"])
            declaration = reviewed.declaration
        # What the follow-up of a declaration or a review runs: that partner, those months.
        rollup_after_declaration(declaration=declaration)

    moved = snapshot(brand)
    cube_refresh(brand=brand)
    assert snapshot(brand) == moved
    # and the rollups themselves are those of a brand-wide refresh from the lines
    rollup_refresh(brand=brand)
    assert snapshot(brand) == moved


def test_a_cube_row_left_without_lines_is_deleted_as_a_rebuild_would(brand, partner, other_partner):
    saw = product(brand, "Saws")
    drill = product(brand, "Drills")
    declaration_with_lines(
        partner=other_partner, lines=[{"product": drill, "quantity": 2, "amount": 20, "sale_date": MONTHS[0]}]
    )
    mine = declaration_with_lines(
        partner=partner, lines=[{"product": saw, "quantity": 1, "amount": 10, "sale_date": MONTHS[0]}]
    )
    rollup_refresh(brand=brand)
    saws = SelloutCube.objects.filter(brand=brand, dimension=CubeDimension.FAMILY, key="Saws")
    assert list(saws.values_list("units", "amount_cents", "lines")) == [(1, 1000, 1)]

    DeclarationLine.objects.filter(declaration=mine).update(status="rejected")
    rollup_after_declaration(declaration=mine)

    assert not saws.exists()
    total = SelloutCube.objects.get(brand=brand, dimension=CubeDimension.TOTAL, segment=None)
    assert (total.units, total.amount_cents, total.lines) == (2, 2000, 1)


@pytest.mark.parametrize("partners", [5, 50])
def test_a_partners_refresh_costs_the_same_queries_whatever_the_network(
    brand, partners, django_assert_max_num_queries
):
    drill, saw = product(brand, "Drills"), product(brand, "Saws")
    segment_create(brand=brand, name="Everyone", rules={})
    segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    network_partners = [PartnerFactory(brand=brand, kind="reseller") for _ in range(partners)]
    for p in network_partners:
        declaration_with_lines(
            partner=p,
            lines=[
                {"product": drill, "quantity": 2, "amount": 20, "sale_date": MONTHS[0]},
                {"product": saw, "quantity": 1, "amount": 15, "sale_date": MONTHS[0], "channel": "online"},
            ],
        )
    rollup_refresh(brand=brand)
    declaration = declaration_with_lines(
        partner=network_partners[0],
        lines=[
            {"product": saw, "quantity": 3, "amount": 45, "sale_date": MONTHS[0], "feedback": "trop cher"},
            {"product": drill, "quantity": 1, "amount": 10, "sale_date": MONTHS[0], "currency": "CHF"},
        ],
    )

    with django_assert_max_num_queries(20):
        rollup_after_declaration(declaration=declaration)

    total = SelloutCube.objects.get(brand=brand, dimension=CubeDimension.TOTAL, segment=None)
    assert (total.units, total.lines) == (3 * partners + 4, 2 * partners + 2)
