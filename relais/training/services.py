"""Writes of training: the brand's modules, questions, files, assignments and certifications; a partner
user's tries at a quiz, their completion and the certifications it grants.

Points for a completion are not posted here (incentives sits above training): the follow-up
``relais.followups.training.module_attempt`` calls ``attempt_submit`` and then the ledger, once per
completion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import PARTNER_ROLES, User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import Segment
from relais.training import selectors
from relais.training.models import (
    Assignment,
    AssignmentTarget,
    Attempt,
    Certification,
    CertificationAward,
    Choice,
    Completion,
    ModuleFile,
    ModuleStatus,
    Question,
    TrainingModule,
)
from relais.training.rules import (
    MAX_FILE_BYTES,
    REMINDER_DAYS,
    file_type_of,
    is_https_link,
    months_later,
    quiz_score,
)

MODULE_FIELDS = ("title", "summary", "body", "language", "product_family", "points", "pass_mark")


def _module_fields_clean(fields: Mapping[str, Any]) -> None:
    if not (fields.get("title") or "").strip():
        raise ApplicationError(_("A module needs a title."))
    pass_mark = fields.get("pass_mark")
    if pass_mark is None or not 0 <= int(pass_mark) <= 100:
        raise ApplicationError(_("The pass mark is a percentage between 0 and 100."))
    if int(fields.get("points") or 0) < 0:
        raise ApplicationError(_("Points for completion cannot be negative."))
    for number, video in enumerate(fields.get("videos") or [], start=1):
        if not is_https_link(video.get("url", "")):
            raise ApplicationError(
                _("Video link %(number)s: only https links are accepted (%(url)s).")
                % {"number": number, "url": video.get("url", "")}
            )


@transaction.atomic
def module_save(
    *, brand: Brand, fields: Mapping[str, Any], module: TrainingModule | None = None
) -> TrainingModule:
    """Create a module (a draft) or edit one: texts, video links, language, family, points, pass mark."""
    _module_fields_clean(fields)
    if module is None:
        module = TrainingModule(brand=brand)
    elif module.brand_id != brand.pk:
        raise ApplicationError(_("Unknown module."))
    for name in MODULE_FIELDS:
        setattr(module, name, fields.get(name) or (0 if name == "points" else ""))
    module.pass_mark = int(fields["pass_mark"])
    module.title = module.title.strip()
    module.videos = [
        {"title": (v.get("title") or "").strip(), "url": v["url"].strip()} for v in fields.get("videos") or []
    ]
    module.save()
    return module


def _quiz_complete(module: TrainingModule) -> None:
    questions = list(module.questions.prefetch_related("choices"))
    if not questions:
        raise ApplicationError(_("Add at least one question before publishing."))
    for question in questions:
        choices = list(question.choices.all())
        if len(choices) < 2 or not any(c.is_correct for c in choices):
            raise ApplicationError(
                _("Question “%(question)s” needs two answers or more, one of them right at least.")
                % {"question": question.text}
            )


@transaction.atomic
def module_publish(*, module: TrainingModule, publish: bool = True) -> TrainingModule:
    """Publish a module (its quiz must be complete: the assigned partners see it from now), or take it back
    to draft."""
    module = TrainingModule.objects.select_for_update().get(pk=module.pk)
    if publish:
        _quiz_complete(module)
        module.status, module.published_at = ModuleStatus.PUBLISHED, module.published_at or timezone.now()
    else:
        module.status = ModuleStatus.DRAFT
    module.save(update_fields=["status", "published_at", "updated_at"])
    return module


@transaction.atomic
def question_add(*, module: TrainingModule, text: str, choices: Sequence[tuple[str, bool]]) -> Question:
    """Add a question with its answers (``(text, right)``; one right answer or more)."""
    if not text.strip():
        raise ApplicationError(_("A question needs its text."))
    answers = [(t.strip(), right) for t, right in choices if t.strip()]
    if len(answers) < 2:
        raise ApplicationError(_("A question needs two answers or more."))
    if not any(right for _t, right in answers):
        raise ApplicationError(_("Mark at least one answer as right."))
    position = module.questions.count()
    question = Question.objects.create(module=module, text=text.strip(), position=position)
    Choice.objects.bulk_create(
        Choice(question=question, text=t, is_correct=right, position=i)
        for i, (t, right) in enumerate(answers)
    )
    return question


@transaction.atomic
def question_delete(*, module: TrainingModule, question_id: int) -> None:
    """Remove a question of a draft module (a published quiz keeps its questions: tries were scored on it)."""
    if module.status == ModuleStatus.PUBLISHED:
        raise ApplicationError(_("Take the module back to draft to change its quiz."))
    deleted, _rows = Question.objects.filter(module=module, pk=question_id).delete()
    if not deleted:
        raise ApplicationError(_("Unknown question."))


@transaction.atomic
def module_file_add(*, module: TrainingModule, upload: UploadedFile) -> ModuleFile:
    """Attach a file (PDF, image or Office document, 20 MB at most), checked by its first bytes, stored under
    MEDIA_ROOT and served only through the permission-checked views."""
    name = upload.name or ""
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise ApplicationError(_("%(name)s: the file is larger than 20 MB.") % {"name": name})
    head = upload.read(16)
    upload.seek(0)
    content_type = file_type_of(name=name, head=head)
    if content_type is None:
        raise ApplicationError(
            _("%(name)s: only PDF, PNG, JPEG, Word, PowerPoint and Excel files are accepted.")
            % {"name": name}
        )
    attached = ModuleFile(
        brand_id=module.brand_id,
        module=module,
        name=name[:200],
        content_type=content_type,
        size=upload.size or 0,
    )
    attached.file.save(f"module-{module.pk}.{name.rsplit('.', 1)[-1].lower()}", upload, save=False)
    attached.save()
    return attached


@transaction.atomic
def assignment_add(
    *,
    module: TrainingModule,
    target: str,
    segment: Segment | None = None,
    role: str = "",
    program_id: int | None = None,
    due_on: dt.date | None = None,
) -> Assignment:
    """Assign a module to everyone of the brand, a segment or a partner role, optionally for a program."""
    if target not in AssignmentTarget.values:
        raise ApplicationError(_("Choose whom the module is assigned to."))
    if target == AssignmentTarget.SEGMENT and (segment is None or segment.brand_id != module.brand_id):
        raise ApplicationError(_("Choose a segment of your network."))
    if target == AssignmentTarget.ROLE and role not in PARTNER_ROLES:
        raise ApplicationError(_("Choose a partner role: administrator or seller."))
    return Assignment.objects.create(
        brand_id=module.brand_id,
        module=module,
        target=target,
        segment=segment if target == AssignmentTarget.SEGMENT else None,
        role=role if target == AssignmentTarget.ROLE else "",
        program_id=program_id,
        due_on=due_on,
    )


@transaction.atomic
def assignment_delete(*, module: TrainingModule, assignment_id: int) -> None:
    deleted, _rows = Assignment.objects.filter(module=module, pk=assignment_id).delete()
    if not deleted:
        raise ApplicationError(_("Unknown assignment."))


@transaction.atomic
def certification_save(
    *,
    brand: Brand,
    name: str,
    validity_months: int,
    modules: Sequence[TrainingModule],
    certification: Certification | None = None,
) -> Certification:
    """Create or edit a certification: the modules that grant it and how long it is valid."""
    if not name.strip():
        raise ApplicationError(_("A certification needs a name."))
    if not 1 <= validity_months <= 120:
        raise ApplicationError(_("A certification is valid for 1 to 120 months."))
    if not modules or any(m.brand_id != brand.pk for m in modules):
        raise ApplicationError(_("Choose the modules that grant the certification."))
    if certification is None:
        certification = Certification(brand=brand)
    certification.name, certification.validity_months = name.strip(), validity_months
    certification.save()
    certification.modules.set(modules)
    return certification


# --- A partner user takes a module ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptOutcome:
    attempt: Attempt
    completion: Completion | None  # the user's completion of the module, when they ever passed it
    first_pass: bool
    awards: list[CertificationAward] = field(default_factory=list)


def _answers_clean(
    module: TrainingModule, key: dict[int, set[int]], answers: Mapping[Any, Sequence[Any]]
) -> dict[int, list[int]]:
    choices = Choice.objects.filter(question__module=module).values_list("question_id", "pk")
    choice_ids = {pk: question for question, pk in choices}
    clean: dict[int, list[int]] = {}
    for question, chosen in answers.items():
        if int(question) not in key:
            raise ApplicationError(_("An answer is for a question of another quiz."))
        ids = sorted({int(c) for c in chosen})
        if any(choice_ids.get(c) != int(question) for c in ids):
            raise ApplicationError(_("An answer is not one of the question's answers."))
        clean[int(question)] = ids
    return clean


@transaction.atomic
def attempt_submit(
    *, module: TrainingModule, user: User, answers: Mapping[Any, Sequence[Any]]
) -> AttemptOutcome:
    """Score one try at the quiz. A pass records the user's completion (the first one) or keeps the best
    score and the date of the last pass; it may grant (or renew) the certifications of the module.

    Locks the user's row first so that two tries sent at once make one completion."""
    if user.partner_id is None or user.brand_id != module.brand_id or module.status != ModuleStatus.PUBLISHED:
        raise ApplicationError(_("This module is not open to you."))
    User.objects.select_for_update().filter(pk=user.pk).first()
    key = selectors.quiz_key(module=module)
    clean = _answers_clean(module, key, answers)
    score = quiz_score(key=key, answers=clean)
    passed = score >= module.pass_mark
    attempt = Attempt.objects.create(
        brand_id=module.brand_id,
        module=module,
        user=user,
        partner_id=user.partner_id,
        score=score,
        passed=passed,
        answers={str(q): c for q, c in clean.items()},
    )
    completion = Completion.objects.filter(module=module, user=user).first()
    if not passed:
        return AttemptOutcome(attempt=attempt, completion=completion, first_pass=False)
    now = attempt.created_at
    first_pass = completion is None
    if completion is None:
        completion = Completion.objects.create(
            brand_id=module.brand_id,
            module=module,
            user=user,
            partner_id=user.partner_id,
            score=score,
            completed_at=now,
            last_passed_at=now,
        )
    else:
        completion.score = max(completion.score, score)
        completion.last_passed_at = now
        completion.save(update_fields=["score", "last_passed_at"])
    awards = _certifications_grant(
        module=module, user=user, partner_id=user.partner_id, today=timezone.localdate()
    )
    return AttemptOutcome(attempt=attempt, completion=completion, first_pass=first_pass, awards=awards)


def _certifications_grant(
    *, module: TrainingModule, user: User, partner_id: int, today: dt.date
) -> list[CertificationAward]:
    """Grant each certification of ``module`` whose modules the user has all passed — since its renewal
    window opened (``REMINDER_DAYS`` before the current grant expires) when they hold it already."""
    granted = []
    for certification in module.certifications.prefetch_related("modules"):
        current = (
            CertificationAward.objects.filter(certification=certification, user=user)
            .order_by("-awarded_on", "-id")
            .first()
        )
        window: dt.datetime | None = None
        if current is not None:
            opens = current.expires_on - dt.timedelta(days=REMINDER_DAYS)
            if today < opens or current.awarded_on == today:
                continue  # still well valid, or granted today already
            window = dt.datetime.combine(opens, dt.time.min, tzinfo=timezone.get_current_timezone())
        needed = {m.pk for m in certification.modules.all()}
        passes = Completion.objects.filter(user=user, module_id__in=needed)
        if window is not None:
            passes = passes.filter(last_passed_at__gte=window)
        if set(passes.values_list("module_id", flat=True)) != needed:
            continue
        granted.append(
            CertificationAward.objects.create(
                brand_id=module.brand_id,
                certification=certification,
                user=user,
                partner_id=partner_id,
                awarded_on=today,
                expires_on=months_later(today, certification.validity_months),
            )
        )
    return granted


@transaction.atomic
def awards_mark_reminded(*, award_ids: Sequence[int]) -> int:
    """Record that the renewal reminder of these grants went out (the daily run then skips them)."""
    return CertificationAward.objects.filter(pk__in=list(award_ids), reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    )
