"""Account objectives: proposed from history (moved here from incentives), imported with a preview, per family
or product and product-mix, with their progress from validated sell-out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from relais.catalog.tests.factories import ProductFactory
from relais.core.errors import ApplicationError
from relais.incentives.selectors import objective_progress
from relais.incentives.tests.factories import declaration_with_lines
from relais.network.services import segment_memberships_recompute
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs.models import AccountObjective
from relais.programs.objective_selectors import account_objective_progress
from relais.programs.objectives import (
    account_objective_set,
    account_objectives_import,
    account_objectives_preview,
    account_objectives_propose,
)
from relais.programs.tests.factories import sell
from relais.sellout.models import Declaration

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_propose_uses_last_year_times_the_trend(brand):
    partner = PartnerFactory(brand=brand)
    # Same quarter last year: 100 units; the network grew from 100 to 150 units over the two previous years.
    declaration_with_lines(
        partner, lines=[{"quantity": 100, "sale_date": dt.date(2025, 2, 10)}], status="validated"
    )
    declaration_with_lines(
        partner, lines=[{"quantity": 50, "sale_date": dt.date(2025, 6, 10)}], status="validated"
    )
    declaration_with_lines(
        partner, lines=[{"quantity": 100, "sale_date": dt.date(2024, 6, 10)}], status="validated"
    )

    proposals = account_objectives_propose(brand=brand, period_start=Q1[0], period_end=Q1[1], metric="units")

    assert len(proposals) == 1
    assert proposals[0]["last_year"] == 100
    assert proposals[0]["trend"] == Decimal("1.500")
    objective = AccountObjective.objects.get(partner=partner)
    assert (objective.target, objective.source, objective.scope) == (Decimal(150), "proposed", "")


def test_each_partner_gets_its_own_segments_trend(brand):
    growing = PartnerFactory(brand=brand, country="FR")
    shrinking = PartnerFactory(brand=brand, country="BE")
    SegmentFactory(brand=brand, name="France", rules={"country": ["FR"]})
    SegmentFactory(brand=brand, name="Belgique", rules={"country": ["BE"]})
    segment_memberships_recompute(brand=brand)
    # France: 100 units two years back, 300 over the last 12 months (trend 3, clamped to 2).
    # Belgium: 200 then 150 (trend 0.75). Same quarter last year: 40 units each.
    for partner, before, recent in ((growing, 100, 260), (shrinking, 200, 110)):
        declaration_with_lines(
            partner, lines=[{"quantity": before, "sale_date": dt.date(2024, 6, 10)}], status="validated"
        )
        declaration_with_lines(
            partner, lines=[{"quantity": 40, "sale_date": dt.date(2025, 2, 10)}], status="validated"
        )
        declaration_with_lines(
            partner, lines=[{"quantity": recent, "sale_date": dt.date(2025, 6, 10)}], status="validated"
        )

    proposals = {
        p["partner"].pk: p
        for p in account_objectives_propose(brand=brand, period_start=Q1[0], period_end=Q1[1], metric="units")
    }

    assert proposals[growing.pk]["trend"] == Decimal("2.000")
    assert proposals[growing.pk]["target"] == Decimal(80)
    assert proposals[shrinking.pk]["trend"] == Decimal("0.750")
    assert proposals[shrinking.pk]["target"] == Decimal(30)


def test_whole_account_progress_counts_validated_lines_and_shows_pending(partner):
    objective = account_objective_set(
        brand=partner.brand,
        partner=partner,
        period_start=Q1[0],
        period_end=Q1[1],
        metric="units",
        target=Decimal(200),
    )
    declaration_with_lines(
        partner,
        lines=[{"quantity": 50}, {"quantity": 10, "status": "rejected"}],
        status=Declaration.Status.PARTLY_REJECTED,
    )
    declaration_with_lines(partner, lines=[{"quantity": 30}])

    progress = objective_progress(objective=objective)
    computed = account_objective_progress(brand=partner.brand, objectives=[objective])

    assert (progress["validated"], progress["pending"]) == (50, 30)
    assert progress["attainment_percent"] == Decimal("25.0")
    assert computed[objective.pk] == {"value": 50.0, "attainment": 25.0}


def test_family_product_and_mix_objectives_read_their_share_of_validated_sellout(
    brand, partner, other_partner
):
    lamp = ProductFactory(brand=brand, family="Lampes frontales")
    torch = ProductFactory(brand=brand, family="Lampes torches")
    day = dt.date(2026, 2, 10)
    sell(partner, lamp, day=day, quantity=3, amount="300.00")
    sell(partner, torch, day=day, quantity=7, amount="700.00")
    sell(partner, lamp, day=dt.date(2025, 12, 1), quantity=9, amount="900.00")  # before the period
    sell(
        partner, lamp, day=day, quantity=5, amount="500.00", status=Declaration.Status.SUBMITTED
    )  # not reviewed
    sell(other_partner, lamp, day=day, quantity=50, amount="5000.00")  # another partner
    common = {"brand": brand, "partner": partner, "period_start": Q1[0], "period_end": Q1[1]}
    family = account_objective_set(**common, metric="units", family="Lampes frontales", target=Decimal(6))
    product = account_objective_set(**common, metric="amount", product=torch, target=Decimal(1400))
    mix = account_objective_set(**common, metric="mix_share", family="Lampes frontales", target=Decimal(40))
    account = account_objective_set(**common, metric="amount", target=Decimal(2000))

    values = account_objective_progress(brand=brand, objectives=[family, product, mix, account])

    assert values[family.pk] == {"value": 3.0, "attainment": 50.0}
    assert values[product.pk] == {"value": 700.0, "attainment": 50.0}
    assert values[mix.pk] == {"value": 30.0, "attainment": 75.0}  # 300 of 1,000
    assert values[account.pk] == {"value": 1000.0, "attainment": 50.0}
    assert AccountObjective.objects.filter(partner=partner).count() == 4  # one per metric and scope


def test_a_mix_objective_names_a_family(partner):
    with pytest.raises(ApplicationError):
        account_objective_set(
            brand=partner.brand,
            partner=partner,
            period_start=Q1[0],
            period_end=Q1[1],
            metric="mix_share",
            target=Decimal(30),
        )


def test_import_previews_every_row_and_writes_nothing_until_confirmed(brand, partner, other_partner):
    ProductFactory(brand=brand, family="Lampes frontales", gtin="03760000000017")
    content = (
        "Code partenaire;Mesure;Objectif;Famille;Produit\n"
        "R001;montant;12 000,50;;\n"
        "R002;units;150;Lampes frontales;\n"
        "NOPE;units;10;;\n"
        "R001;mix;140;Lampes frontales;\n"
        "R001;units;5;;3760000000017\n"
        "R002;units;5;Inconnue;\n"
    ).encode("cp1252")

    with translation.override("fr"):
        preview = account_objectives_preview(brand=brand, content=content, filename="objectifs.csv")

    assert AccountObjective.objects.count() == 0
    assert [(r.row, r.metric, r.target) for r in preview.rows] == [
        (2, "amount", "12000.50"),
        (3, "units", "150"),
        (6, "units", "5"),
    ]
    assert [(e.row, e.field) for e in preview.errors] == [(4, "partner_code"), (5, "target"), (7, "family")]
    assert preview.errors[0].message == "code partenaire inconnu « NOPE »"

    written = account_objectives_import(
        brand=brand, rows=preview.valid_rows(), period_start=Q1[0], period_end=Q1[1], program=None
    )

    assert written == 3
    assert set(AccountObjective.objects.values_list("partner__code", "metric", "scope", "source")) == {
        ("R001", "amount", "", "imported"),
        ("R002", "units", "family:Lampes frontales", "imported"),
        ("R001", "units", f"product:{preview.rows[2].product_id}", "imported"),
    }


def test_import_names_the_missing_columns(partner):
    with pytest.raises(ApplicationError, match=r"Missing columns: metric, target\."):
        account_objectives_preview(brand=partner.brand, content=b"partner_code;family\nR001;x\n")
