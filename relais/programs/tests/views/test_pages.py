"""The brand's program pages and the partner's "My program", one test per page and role."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login_client
from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import services
from relais.programs.models import PolicyAcknowledgement, Program, ProgramStatus
from relais.programs.tests.factories import ProgramFactory, member, sell

pytestmark = pytest.mark.django_db


def _current(brand, **kwargs):
    today = timezone.localdate()
    return ProgramFactory(
        brand=brand,
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=60),
        **kwargs,
    )


def test_the_brand_creates_a_segment_program_and_publishes_it(brand, brand_admin):
    base = _current(brand, name="Base")
    segment = SegmentFactory(brand=brand, name="Pros")
    client = login_client(brand_admin)

    response = client.post(
        "/programs/new/",
        {
            "name": "Pros 2026",
            "base": base.pk,
            "segment": segment.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    program = Program.objects.get(name="Pros 2026")
    assert response.status_code == 302 and program.status == ProgramStatus.DRAFT
    assert client.get(f"/programs/{program.pk}/").status_code == 200

    client.post(f"/programs/{program.pk}/publish/")

    program.refresh_from_db()
    assert program.status == ProgramStatus.PUBLISHED
    assert "Pros 2026" in client.get("/programs/").content.decode()


def test_the_brand_sets_an_objective_and_the_comparison_shows_it_as_its_own(brand, brand_admin):
    base = _current(
        brand, name="Base", content={"objectives": [{"metric": "amount", "level": "account", "target": 100}]}
    )
    program = _current(brand, name="Pros", base=base, segment=SegmentFactory(brand=brand))
    client = login_client(brand_admin)

    client.post(
        f"/programs/{program.pk}/aspect/",
        {"action": "objective", "metric": "new_customers", "level": "channel", "target": "40"},
    )

    program.refresh_from_db()
    assert {o["metric"] for o in program.content["objectives"]} == {"amount", "new_customers"}
    page = client.get("/programs/compare/").content.decode()
    assert "Pros" in page and "new_customers" in page


def test_a_policy_version_is_published_from_the_editor(brand, brand_admin):
    program = _current(brand)
    client = login_client(brand_admin)

    client.post(f"/programs/{program.pk}/policy/", {"kind": "pricing", "title": "Remises", "body": "10 %"})

    assert program.policies.get().versions.count() == 1


def test_another_brands_program_is_a_404_and_a_partner_cannot_open_the_editor(
    brand, other_brand, brand_admin, partner_admin
):
    foreign = ProgramFactory(brand=other_brand)

    assert login_client(brand_admin).get(f"/programs/{foreign.pk}/").status_code == 404
    assert login_client(partner_admin).get("/programs/").status_code in {302, 403, 404}


def test_my_program_shows_objectives_policies_and_an_upsell_and_the_admin_acknowledges(
    brand, partner, partner_admin
):
    segment = SegmentFactory(brand=brand)
    base = _current(brand, name="Base")
    program = _current(
        brand,
        name="Pros",
        base=base,
        segment=segment,
        content={"objectives": [{"metric": "amount", "level": "account", "target": 100}]},
    )
    member(segment, partner)
    today = timezone.localdate()
    planted = ProductFactory(brand=brand, name="Niveau laser")
    for other in PartnerFactory.create_batch(5, brand=brand):
        member(segment, other)
        sell(other, planted, day=today, amount="80.00")
    version = services.policy_version_publish(
        program=program, kind="pricing", title="Remises pros", body="12 %"
    )
    client = login_client(partner_admin)

    page = client.get("/portal/program/").content.decode()

    assert "Pros" in page and "Remises pros" in page and "Niveau laser" in page
    client.post(f"/portal/program/policies/{version.pk}/acknowledge/")
    assert PolicyAcknowledgement.objects.filter(version=version, partner=partner).exists()


def test_a_seller_sees_the_program_but_cannot_acknowledge(brand, partner, partner_seller):
    program = _current(brand)
    version = services.policy_version_publish(program=program, kind="pricing", title="Remises", body="10 %")
    client = login_client(partner_seller)

    assert client.get("/portal/program/").status_code == 200
    response = client.post(f"/portal/program/policies/{version.pk}/acknowledge/")

    assert response.status_code in {403, 404}
    assert not PolicyAcknowledgement.objects.exists()


def test_my_program_in_french(brand, partner_admin):
    _current(
        brand, name="Base", content={"objectives": [{"metric": "amount", "level": "account", "target": 100}]}
    )
    client = login_client(partner_admin)

    page = client.get("/portal/program/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Mon programme" in page and "Objectifs" in page
