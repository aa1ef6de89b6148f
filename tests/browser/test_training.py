"""Product training in a real browser: a seller on a phone opens the module assigned to them, fails the quiz
once, retries it and passes; the result comes in place of the quiz (htmx), the points are credited once and
the module moves to "Done" with its score."""

import pytest
from playwright.sync_api import Page, expect

from relais.accounts.tests.factories import PASSWORD
from relais.incentives.models import PointsEntry
from relais.training.models import Completion
from relais.training.tests.factories import published_module
from tests.browser.support import has_no_horizontal_scroll, login, screenshot

pytestmark = pytest.mark.browser


def _answer(page: Page, answers: list[str]) -> None:
    for text in answers:
        page.get_by_label(text, exact=True).check()
    page.get_by_test_id("quiz-submit").click()


def test_a_seller_completes_a_training_on_a_phone(phone_page: Page, brand, partner_seller):
    module = published_module(brand, title="Lampes de chantier Atlas", points=100, pass_mark=100)
    login(phone_page, partner_seller.email, PASSWORD)

    phone_page.goto("/portal/training/")
    expect(phone_page.get_by_test_id("training-todo")).to_contain_text("Lampes de chantier Atlas")
    phone_page.get_by_role("link", name="Lampes de chantier Atlas").click()
    expect(phone_page.get_by_test_id("module-title")).to_have_text("Lampes de chantier Atlas")
    assert has_no_horizontal_scroll(phone_page)

    # One of the two right answers of the second question only: not passed.
    _answer(phone_page, ["8 h", "Chantier"])
    expect(phone_page.get_by_test_id("quiz-failed")).to_be_visible()
    expect(phone_page.get_by_test_id("quiz-score")).to_have_text("50 %")
    assert phone_page.url.endswith(f"/portal/training/{module.pk}/")  # htmx: the page stayed

    phone_page.get_by_test_id("quiz-retry").click()
    _answer(phone_page, ["8 h", "Chantier", "Atelier"])
    expect(phone_page.get_by_test_id("quiz-passed")).to_contain_text("100 points were credited")
    expect(phone_page.get_by_test_id("quiz-score")).to_have_text("100 %")
    assert has_no_horizontal_scroll(phone_page)
    screenshot(phone_page, "training-passed-phone")

    phone_page.goto("/portal/training/")
    expect(phone_page.get_by_test_id("training-done-row")).to_contain_text("100 %")
    completion = Completion.objects.get(module=module, user=partner_seller)
    assert completion.score == 100
    assert PointsEntry.objects.filter(reason_code="training_completed", user=partner_seller).count() == 1
