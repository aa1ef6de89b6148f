"""The EDIFACT workflow: a file of several messages and places makes several declarations, each counted."""

import pytest

from relais.catalog.tests.factories import ProductFactory
from relais.core.models import Job
from relais.followups.declarations import edifact_declaration_import
from relais.sellout.models import Declaration
from relais.sellout.tests.test_edifact import fixture_text


@pytest.mark.django_db
def test_each_declaration_of_an_edifact_file_queues_its_points_and_rollups(partner):
    product_a = ProductFactory(brand=partner.brand, list_price="12.50")
    product_b = ProductFactory(brand=partner.brand, list_price="180.00")
    text = fixture_text("two_interchanges.edi", GTIN_A=product_a.gtin, GTIN_B=product_b.gtin)

    outcome = edifact_declaration_import(partner=partner, text=text)

    declarations = set(Declaration.objects.filter(partner=partner).values_list("pk", flat=True))
    assert len(declarations) == 4 and {d.pk for d in outcome.declarations} == declarations
    scored = [job.payload["declaration_id"] for job in Job.objects.filter(kind="incentives_score")]
    assert sorted(scored) == sorted(declarations)
    rolled = sorted(job.payload["months"] for job in Job.objects.filter(kind="insights_rollup"))
    assert rolled == [["2006-02-01"], ["2006-02-01"], ["2006-03-01"], ["2007-12-01"]]
