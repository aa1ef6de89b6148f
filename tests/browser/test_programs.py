"""Channel programs in a real browser: the brand publishes a segment program; a partner admin on a phone
acknowledges its policy and sees its objectives and an upsell suggestion with the brochure of the product."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.catalog.tests.factories import ProductFactory
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import services
from relais.programs.models import PolicyAcknowledgement, Program, ProgramStatus
from relais.programs.tests.factories import ProgramFactory, brochure, member, sell
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def programs(brand, partner):
    """A published base program and a draft segment program of the partner's segment, with an objective and
    a policy; five comparable partners of the segment sell a product the partner does not."""
    today = timezone.localdate()
    period = {"period_start": today - dt.timedelta(days=30), "period_end": today + dt.timedelta(days=30)}
    segment = SegmentFactory(brand=brand, name="Pros du bâtiment")
    member(segment, partner)
    base = ProgramFactory(brand=brand, name="Programme réseau", **period)
    draft = ProgramFactory(
        brand=brand,
        name="Programme pros",
        base=base,
        segment=segment,
        status=ProgramStatus.DRAFT,
        content={"objectives": [{"metric": "amount", "level": "account", "target": 5000}]},
        **period,
    )
    services.policy_version_publish(
        program=draft, kind="pricing", title="Remises pros", body="Remise de base 32 %."
    )
    laser = ProductFactory(brand=brand, name="Niveau laser 360", family="Mesure")
    brochure(brand, "Gamme mesure 2026", "Niveau laser 360, télémètres et accessoires.")
    for other in PartnerFactory.create_batch(5, brand=brand):
        member(segment, other)
        sell(other, laser, day=today, amount="640.00")
    return draft


def test_the_brand_publishes_a_segment_program(page: Page, brand_admin, programs):
    login(page, brand_admin.email, PASSWORD)

    page.goto(f"/programs/{programs.pk}/")
    expect(page.get_by_test_id("program-status")).to_have_text("Draft")
    page.get_by_test_id("program-publish").click()

    expect(page.get_by_test_id("program-status")).to_have_text("Published")
    assert Program.objects.get(pk=programs.pk).status == ProgramStatus.PUBLISHED
    screenshot(page, "program-published")


def test_a_partner_on_a_phone_acknowledges_a_policy_and_sees_objectives_and_an_upsell(
    phone_page: Page, partner_admin, partner, programs
):
    services.program_publish(program=programs)
    login(phone_page, partner_admin.email, PASSWORD)

    phone_page.goto("/portal/program/")
    expect(phone_page.get_by_test_id("my-program-name")).to_have_text("Programme pros")
    expect(phone_page.get_by_test_id("my-objectives")).to_contain_text("Sell-out amount")
    expect(phone_page.get_by_test_id("upsell")).to_contain_text("Niveau laser 360")
    expect(phone_page.get_by_test_id("upsell")).to_contain_text("5 comparable partners")
    expect(phone_page.get_by_test_id("upsell-brochure")).to_have_text("Brochure: Gamme mesure 2026")
    phone_page.get_by_test_id("acknowledge").click()

    expect(phone_page.get_by_test_id("my-policies")).to_contain_text("acknowledged")
    expect(phone_page.get_by_test_id("acknowledge")).to_have_count(0)
    assert PolicyAcknowledgement.objects.filter(partner=partner, user=partner_admin).count() == 1
    assert has_no_horizontal_scroll(phone_page), phone_page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    screenshot(phone_page, "my-program-phone")
