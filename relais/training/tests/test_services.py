"""Training writes: the module editor's checks, quiz scoring, completions (best score kept), certifications
(granted, renewed), and the follow-up that credits a completion's points once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from relais.accounts.models import Role
from relais.accounts.tests.factories import partner_user
from relais.core.errors import ApplicationError
from relais.followups.training import completion_credit, module_attempt
from relais.incentives.models import PointsAccount, PointsEntry
from relais.training import rules, services
from relais.training.models import Attempt, CertificationAward, Completion, ModuleStatus
from relais.training.tests.factories import TrainingModuleFactory, published_module

pytestmark = pytest.mark.django_db


# --- Quiz scoring (pure) ---------------------------------------------------------------------------------------


def test_a_question_is_right_only_with_exactly_its_right_answers():
    key = {1: {10}, 2: {20, 21}}

    assert rules.quiz_score(key=key, answers={1: [10], 2: [20, 21]}) == 100
    assert rules.quiz_score(key=key, answers={1: [10], 2: [20]}) == 50  # one of two right answers: wrong
    assert rules.quiz_score(key=key, answers={1: [10, 11], 2: [20, 21, 22]}) == 0  # more than the right ones
    assert rules.quiz_score(key=key, answers={}) == 0


@given(
    right=st.lists(st.sets(st.integers(0, 5), min_size=1), min_size=1, max_size=8),
    picks=st.lists(st.sets(st.integers(0, 5)), max_size=8),
)
def test_a_score_is_a_percentage_that_full_marks_reach(right, picks):
    key = {i: s for i, s in enumerate(right)}
    answers = {i: list(p) for i, p in enumerate(picks)}

    assert 0 <= rules.quiz_score(key=key, answers=answers) <= 100
    assert rules.quiz_score(key=key, answers={i: list(s) for i, s in key.items()}) == 100


def test_months_later_keeps_the_day_or_takes_the_months_last():
    assert rules.months_later(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.months_later(dt.date(2026, 12, 2), 12) == dt.date(2027, 12, 2)
    assert rules.months_later(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


# --- The brand's editor ------------------------------------------------------------------------------------------


def test_video_links_must_be_https(brand):
    fields = {"title": "Atlas", "pass_mark": 80, "videos": [{"title": "Démo", "url": "http://x.test/v"}]}

    with pytest.raises(ApplicationError, match="Video link 1: only https"):
        services.module_save(brand=brand, fields=fields)

    fields["videos"] = [{"title": "Démo", "url": "https://video.test/atlas"}]
    module = services.module_save(brand=brand, fields=fields)
    assert module.videos == [{"title": "Démo", "url": "https://video.test/atlas"}]
    assert module.status == ModuleStatus.DRAFT


def test_a_module_is_published_only_with_a_complete_quiz(brand):
    module = TrainingModuleFactory(brand=brand)
    with pytest.raises(ApplicationError, match="at least one question"):
        services.module_publish(module=module)
    with pytest.raises(ApplicationError, match="Mark at least one answer"):
        services.question_add(module=module, text="Q ?", choices=[("a", False), ("b", False)])
    with pytest.raises(ApplicationError, match="two answers"):
        services.question_add(module=module, text="Q ?", choices=[("a", True)])

    services.question_add(module=module, text="Q ?", choices=[("a", True), ("b", False)])
    assert services.module_publish(module=module).status == ModuleStatus.PUBLISHED


def test_attachments_are_checked_by_type_and_content(brand):
    module = TrainingModuleFactory(brand=brand)
    fake = SimpleUploadedFile("fiche.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ApplicationError, match=r"fiche\.pdf: only PDF"):
        services.module_file_add(module=module, upload=fake)
    script = SimpleUploadedFile("run.sh", b"#!/bin/sh\n", content_type="text/plain")
    with pytest.raises(ApplicationError, match=r"run\.sh"):
        services.module_file_add(module=module, upload=script)

    pdf = services.module_file_add(
        module=module, upload=SimpleUploadedFile("Fiche Atlas.pdf", b"%PDF-1.7\n...", content_type="x/y")
    )
    assert pdf.content_type == "application/pdf"
    assert pdf.name == "Fiche Atlas.pdf"
    assert str(pdf.file.name).startswith("training/")


def test_a_file_over_20_mb_is_refused(brand, settings):
    module = TrainingModuleFactory(brand=brand)
    big = SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * 10)
    big.size = rules.MAX_FILE_BYTES + 1

    with pytest.raises(ApplicationError, match="larger than 20 MB"):
        services.module_file_add(module=module, upload=big)


def test_an_assignment_needs_a_segment_or_a_partner_role(brand, other_brand):
    module = published_module(brand, assign=False)
    with pytest.raises(ApplicationError, match="segment"):
        services.assignment_add(module=module, target="segment")
    with pytest.raises(ApplicationError, match="partner role"):
        services.assignment_add(module=module, target="role", role="brand_admin")

    assignment = services.assignment_add(
        module=module, target="role", role=Role.PARTNER_SELLER, program_id=42, due_on=dt.date(2026, 12, 31)
    )
    assert (assignment.role, assignment.program_id) == ("partner_seller", 42)


# --- A seller takes a module ---------------------------------------------------------------------------------


def test_a_failed_try_records_no_completion_and_a_pass_does(brand, partner_seller):
    module = published_module(brand, pass_mark=80)

    failed = services.attempt_submit(module=module, user=partner_seller, answers=module.half)
    assert (failed.attempt.score, failed.attempt.passed, failed.completion) == (50, False, None)

    passed = services.attempt_submit(module=module, user=partner_seller, answers=module.right)
    assert passed.attempt.score == 100 and passed.first_pass
    completion = Completion.objects.get(module=module, user=partner_seller)
    assert (completion.score, completion.partner_id) == (100, partner_seller.partner_id)
    assert Attempt.objects.filter(module=module, user=partner_seller).count() == 2


def test_retries_keep_the_best_score_and_one_completion(brand, partner_seller):
    module = published_module(brand, pass_mark=50)

    services.attempt_submit(module=module, user=partner_seller, answers=module.right)
    again = services.attempt_submit(module=module, user=partner_seller, answers=module.half)

    assert again.attempt.score == 50 and not again.first_pass
    completion = Completion.objects.get(module=module, user=partner_seller)
    assert completion.score == 100  # the best one kept
    assert completion.last_passed_at == again.attempt.created_at
    assert Completion.objects.filter(module=module).count() == 1


def test_an_answer_from_another_quiz_is_refused(brand, partner_seller):
    module = published_module(brand)
    other = published_module(brand)

    with pytest.raises(ApplicationError, match="another quiz"):
        services.attempt_submit(module=module, user=partner_seller, answers=other.right)
    q1, _q2 = module.right
    foreign_choice = next(iter(other.right.values()))[0]
    with pytest.raises(ApplicationError, match="not one of the question"):
        services.attempt_submit(module=module, user=partner_seller, answers={q1: [foreign_choice]})


def test_a_draft_or_another_brands_module_is_not_open(brand, other_brand, partner_seller):
    draft = TrainingModuleFactory(brand=brand)
    foreign = published_module(other_brand)

    for module in (draft, foreign):
        with pytest.raises(ApplicationError, match="not open to you"):
            services.attempt_submit(module=module, user=partner_seller, answers={})


# --- Points through the ledger, once per completion ----------------------------------------------------------


def test_a_completion_credits_its_points_once_whatever_the_retries(brand, partner_seller):
    module = published_module(brand, points=150)

    module_attempt(module=module, user=partner_seller, answers=module.right)
    module_attempt(module=module, user=partner_seller, answers=module.right)
    completion = Completion.objects.get(module=module, user=partner_seller)
    completion_credit(completion=completion)  # run twice more: still one credit

    entries = PointsEntry.objects.filter(brand=brand, reason_code="training_completed")
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.amount, entry.partner_id, entry.kind) == (150, partner_seller.partner_id, "earn")
    assert entry.reason_params == {"module": module.title}
    assert entry.reason.startswith("Training completed: ")
    # A seller earns on their own account, as the ledger does for every earn.
    account = PointsAccount.objects.get(pk=entry.account_id)
    assert account.user_id == partner_seller.pk and account.balance == 150


def test_a_failed_try_or_a_module_without_points_credits_nothing(brand, partner_seller):
    paying = published_module(brand, points=100, pass_mark=100)
    free = published_module(brand, points=0)

    module_attempt(module=paying, user=partner_seller, answers=paying.half)
    module_attempt(module=free, user=partner_seller, answers=free.right)

    assert not PointsEntry.objects.filter(brand=brand).exists()
    assert Completion.objects.filter(module=free).count() == 1


def test_two_sellers_each_earn_their_own_credit(brand, partner):
    module = published_module(brand, points=20)
    sellers = [partner_user(partner, role=Role.PARTNER_SELLER) for _ in range(2)]

    for seller in sellers:
        module_attempt(module=module, user=seller, answers=module.right)

    assert PointsEntry.objects.filter(reason_code="training_completed").count() == 2


# --- Certifications ----------------------------------------------------------------------------------------------


def test_passing_every_module_of_a_certification_grants_it_for_its_months(brand, partner_seller):
    first, second = published_module(brand), published_module(brand)
    certification = services.certification_save(
        brand=brand, name="Expert éclairage", validity_months=12, modules=[first, second]
    )

    after_one = services.attempt_submit(module=first, user=partner_seller, answers=first.right)
    after_two = services.attempt_submit(module=second, user=partner_seller, answers=second.right)

    assert after_one.awards == []
    [award] = after_two.awards
    today = timezone.localdate()
    assert (award.certification, award.awarded_on) == (certification, today)
    assert award.expires_on == rules.months_later(today, 12)


def test_a_certification_is_renewed_only_within_its_renewal_window(brand, partner_seller):
    module = published_module(brand)
    certification = services.certification_save(brand=brand, name="Pro", validity_months=12, modules=[module])
    services.attempt_submit(module=module, user=partner_seller, answers=module.right)
    award = CertificationAward.objects.get(certification=certification)

    # Still valid for months: a retake grants nothing new.
    CertificationAward.objects.filter(pk=award.pk).update(awarded_on=dt.date(2026, 6, 1))
    assert services.attempt_submit(module=module, user=partner_seller, answers=module.right).awards == []

    # 20 days before expiry: the retake renews it, from today.
    soon = timezone.localdate() + dt.timedelta(days=20)
    CertificationAward.objects.filter(pk=award.pk).update(awarded_on=dt.date(2025, 12, 1), expires_on=soon)
    [renewal] = services.attempt_submit(module=module, user=partner_seller, answers=module.right).awards
    assert renewal.expires_on == rules.months_later(timezone.localdate(), 12)
    assert CertificationAward.objects.filter(certification=certification, user=partner_seller).count() == 2


def test_a_certification_needs_modules_of_the_brand(brand, other_brand):
    with pytest.raises(ApplicationError, match="Choose the modules"):
        services.certification_save(
            brand=brand, name="X", validity_months=12, modules=[published_module(other_brand)]
        )
    with pytest.raises(ApplicationError, match="1 to 120 months"):
        services.certification_save(
            brand=brand, name="X", validity_months=0, modules=[published_module(brand)]
        )


def test_an_attached_file_is_stored_whole_after_its_check(brand):
    module = TrainingModuleFactory(brand=brand)
    content = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100

    attached = services.module_file_add(module=module, upload=SimpleUploadedFile("vitrine.PNG", content))

    with attached.file.open("rb") as stored:
        assert stored.read() == content
    assert (attached.content_type, attached.size) == ("image/png", len(content))
