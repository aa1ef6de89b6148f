from datetime import date
from decimal import Decimal

import pytest

from relais.core.errors import ApplicationError
from relais.incentives import services
from relais.incentives.models import Objective
from relais.incentives.selectors import objective_progress
from relais.incentives.tests.factories import declaration_with_lines
from relais.network.services import segment_memberships_recompute
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.sellout.models import Declaration


def test_import_csv_saves_valid_rows_and_reports_the_others(partner, other_partner):
    content = (
        "partner_code;period_start;period_end;metric;target\n"
        "R001;2026-01-01;2026-03-31;amount;12000\n"
        "R002;01/01/2026;31/03/2026;units;150\n"
        "NOPE;2026-01-01;2026-03-31;units;10\n"
        "R001;2026-01-01;2026-03-31;units;-3\n"
    )

    result = services.objectives_import_csv(brand=partner.brand, content=content)

    assert result["saved"] == 2
    assert [e["row"] for e in result["errors"]] == [4, 5]
    assert Objective.objects.get(partner=other_partner).target == Decimal(150)
    assert Objective.objects.get(partner=partner).source == "imported"


def test_propose_uses_last_year_times_the_trend(brand):
    partner = PartnerFactory(brand=brand)
    # Same quarter last year: 100 units; the network grew from 100 to 150 units over the two previous years.
    declaration_with_lines(
        partner,
        lines=[{"quantity": 100, "sale_date": date(2025, 2, 10)}],
        status=Declaration.Status.VALIDATED,
    )
    declaration_with_lines(
        partner, lines=[{"quantity": 50, "sale_date": date(2025, 6, 10)}], status=Declaration.Status.VALIDATED
    )
    declaration_with_lines(
        partner,
        lines=[{"quantity": 100, "sale_date": date(2024, 6, 10)}],
        status=Declaration.Status.VALIDATED,
    )

    proposals = services.objectives_propose(
        brand=brand, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), metric="units"
    )

    assert len(proposals) == 1
    assert proposals[0]["last_year"] == 100
    assert proposals[0]["trend"] == Decimal("1.500")
    objective = Objective.objects.get(partner=partner)
    assert (objective.target, objective.source) == (Decimal(150), "proposed")


def test_progress_counts_validated_lines_and_shows_pending(partner):
    objective = services.objective_set(
        brand=partner.brand,
        partner=partner,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
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

    assert progress["validated"] == 50
    assert progress["pending"] == 30
    assert progress["attainment_percent"] == Decimal("25.0")


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
            partner, lines=[{"quantity": before, "sale_date": date(2024, 6, 10)}], status="validated"
        )
        declaration_with_lines(
            partner, lines=[{"quantity": 40, "sale_date": date(2025, 2, 10)}], status="validated"
        )
        declaration_with_lines(
            partner, lines=[{"quantity": recent, "sale_date": date(2025, 6, 10)}], status="validated"
        )

    proposals = {
        p["partner"].pk: p
        for p in services.objectives_propose(
            brand=brand, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), metric="units"
        )
    }

    assert proposals[growing.pk]["trend"] == Decimal("2.000")
    assert proposals[growing.pk]["target"] == Decimal(80)
    assert proposals[shrinking.pk]["trend"] == Decimal("0.750")
    assert proposals[shrinking.pk]["target"] == Decimal(30)


def test_import_reads_commas_and_windows_1252_like_every_other_import(partner):
    content = (
        "Partner code,Period start,Period end,Metric,Target\n"
        'R001,2026-01-01,2026-03-31,amount,"12 000,50"\n'
        "R001,2026-01-01,2026-03-31,units,été\n"
    ).encode("cp1252")

    result = services.objectives_import_csv(brand=partner.brand, content=content, filename="objectifs.csv")

    assert result["saved"] == 1
    assert Objective.objects.get(partner=partner).target == Decimal("12000.50")
    assert result["errors"] == [{"row": 3, "message": "invalid target été"}]


def test_import_names_the_missing_columns(partner):
    with pytest.raises(ApplicationError, match=r"Missing columns: metric, target\."):
        services.objectives_import_csv(brand=partner.brand, content="partner_code;period_start;period_end\n")
