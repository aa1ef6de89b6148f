"""Reads of training, brand- and partner-scoped: modules, who is assigned what, completions, certifications,
the completion share a program tier reads, the brand's completion report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from relais.accounts.models import PARTNER_ROLES, User
from relais.core.models import Brand
from relais.network.models import PartnerCompany, SegmentMembership
from relais.training.models import (
    Assignment,
    AssignmentTarget,
    Attempt,
    Certification,
    CertificationAward,
    Completion,
    ModuleFile,
    ModuleStatus,
    Question,
    TrainingModule,
)
from relais.training.rules import REMINDER_DAYS

# --- The brand's modules -------------------------------------------------------------------------------------


def module_list(*, brand: Brand) -> QuerySet[TrainingModule]:
    return TrainingModule.objects.filter(brand=brand).order_by("status", "title", "id")


def module_find(*, brand: Brand, module_id: int) -> TrainingModule | None:
    return TrainingModule.objects.filter(brand=brand, pk=module_id).first()


def module_get(*, brand: Brand, module_id: int) -> TrainingModule:
    """One of the brand's modules; another brand's is a 404."""
    module = module_find(brand=brand, module_id=module_id)
    if module is None:
        raise Http404
    return module


def module_file_get(*, module: TrainingModule, file_id: int) -> ModuleFile:
    file = ModuleFile.objects.filter(module=module, pk=file_id).first()
    if file is None:
        raise Http404
    return file


def quiz_key(*, module: TrainingModule) -> dict[int, set[int]]:
    """Each question of the module with its right choices."""
    key: dict[int, set[int]] = {q.pk: set() for q in module.questions.all()}
    right = Question.objects.filter(module=module, choices__is_correct=True)
    for question_id, choice_id in right.values_list("pk", "choices__pk"):
        key[question_id].add(choice_id)
    return key


def certification_list(*, brand: Brand) -> QuerySet[Certification]:
    return Certification.objects.filter(brand=brand).prefetch_related("modules")


# --- Who is assigned what ------------------------------------------------------------------------------------


def _published_assignments(*, brand_id: int) -> list[Assignment]:
    return list(
        Assignment.objects.filter(brand_id=brand_id, module__status=ModuleStatus.PUBLISHED).order_by("id")
    )


def _segments_by_partner(
    *, partner_ids: list[int], segment_ids: set[int], at: dt.datetime
) -> dict[int, set[int]]:
    """The segments (of ``segment_ids``) each partner was a member of at ``at``."""
    found: dict[int, set[int]] = defaultdict(set)
    if not segment_ids or not partner_ids:
        return found
    rows = SegmentMembership.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=at),
        partner_id__in=partner_ids,
        segment_id__in=segment_ids,
        valid_from__lte=at,
    ).values_list("partner_id", "segment_id")
    for partner_id, segment_id in rows:
        found[partner_id].add(segment_id)
    return found


def _modules_due(assignments: list[Assignment], *, segments: set[int], role: str | None) -> dict[int, Any]:
    """Module id → its earliest due date (None: no date) among the assignments that reach a user of
    ``role`` (None: any role) in ``segments``."""
    due: dict[int, Any] = {}
    for a in assignments:
        reached = (
            a.target == AssignmentTarget.EVERYONE
            or (a.target == AssignmentTarget.SEGMENT and a.segment_id in segments)
            or (a.target == AssignmentTarget.ROLE and (role is None or a.role == role))
        )
        if not reached:
            continue
        known = due.get(a.module_id)
        if a.module_id not in due or (a.due_on and (known is None or a.due_on < known)):
            due[a.module_id] = a.due_on
    return due


def assigned_modules(
    *, partner: PartnerCompany, role: str | None, at: dt.datetime | None = None
) -> dict[int, Any]:
    """The published modules assigned to a user of ``role`` at ``partner`` (None: to anyone there), with
    their due dates."""
    at = at or timezone.now()
    assignments = _published_assignments(brand_id=partner.brand_id)
    segment_ids = {a.segment_id for a in assignments if a.segment_id}
    segments = _segments_by_partner(partner_ids=[partner.pk], segment_ids=segment_ids, at=at)
    return _modules_due(assignments, segments=segments.get(partner.pk, set()), role=role)


@dataclass(frozen=True)
class MyModule:
    module: TrainingModule
    due_on: dt.date | None
    completion: Completion | None
    best_try: int | None  # the best score of the tries so far (passed or not)

    @property
    def overdue(self) -> bool:
        return self.completion is None and self.due_on is not None and self.due_on < timezone.localdate()


def my_modules(*, user: User) -> list[MyModule]:
    """The modules assigned to a partner user: the ones to do first (by due date), then the ones done."""
    assert user.partner is not None
    due = assigned_modules(partner=user.partner, role=user.role)
    modules = TrainingModule.objects.filter(pk__in=due)
    completions = {c.module_id: c for c in Completion.objects.filter(user=user, module_id__in=due)}
    tries = dict(
        Attempt.objects.filter(user=user, module_id__in=due)
        .values("module_id")
        .annotate(best=Max("score"))
        .values_list("module_id", "best")
    )
    items = [MyModule(m, due[m.pk], completions.get(m.pk), tries.get(m.pk)) for m in modules]
    return sorted(
        items,
        key=lambda i: (i.completion is not None, i.due_on or dt.date.max, i.module.title),
    )


def my_module_get(*, user: User, module_id: int) -> TrainingModule:
    """A published module assigned to the partner user; anything else is a 404."""
    if user.partner is None or module_id not in assigned_modules(partner=user.partner, role=user.role):
        raise Http404
    return TrainingModule.objects.get(pk=module_id)


def my_completion_find(*, user: User, module: TrainingModule) -> Completion | None:
    return Completion.objects.filter(user=user, module=module).first()


def partner_completions(*, partner: PartnerCompany) -> QuerySet[Completion]:
    """The completions of the partner's users, newest first."""
    return Completion.objects.filter(partner=partner).select_related("module", "user")


# --- Certifications ------------------------------------------------------------------------------------------


def _current_awards(awards: QuerySet[CertificationAward]) -> list[CertificationAward]:
    """The latest award of each (certification, user) among ``awards``."""
    latest: dict[tuple[int, int], CertificationAward] = {}
    for award in awards.order_by("awarded_on", "id"):
        latest[(award.certification_id, award.user_id)] = award
    return list(latest.values())


def user_certifications(*, user: User) -> list[CertificationAward]:
    """The user's certifications, each with its latest grant (valid or expired)."""
    awards = CertificationAward.objects.filter(user=user).select_related("certification")
    return sorted(_current_awards(awards), key=lambda a: a.expires_on)


def partner_certifications(
    *, brand: Brand, partner_ids: list[int], at: dt.date | None = None
) -> dict[int, list[CertificationAward]]:
    """Per partner, the certifications of its users valid on ``at`` (default today): the latest grant of
    each certification and user, when it covers the day."""
    day = at or timezone.localdate()
    awards = CertificationAward.objects.filter(
        brand=brand, partner_id__in=partner_ids, awarded_on__lte=day
    ).select_related("certification", "user")
    found: dict[int, list[CertificationAward]] = {pid: [] for pid in partner_ids}
    for award in _current_awards(awards):
        if award.expires_on >= day:
            found[award.partner_id].append(award)
    return found


def awards_expiring(*, today: dt.date | None = None) -> list[CertificationAward]:
    """The current grants (not renewed) expiring within ``REMINDER_DAYS`` days whose holder was not
    reminded yet, of every brand."""
    day = today or timezone.localdate()
    candidates = CertificationAward.objects.filter(
        expires_on__gte=day,
        expires_on__lte=day + dt.timedelta(days=REMINDER_DAYS),
        reminded_at__isnull=True,
        user__is_active=True,
    ).select_related("certification", "user", "brand")
    renewed = set(
        CertificationAward.objects.filter(
            certification_id__in={a.certification_id for a in candidates},
            user_id__in={a.user_id for a in candidates},
            awarded_on__gt=day - dt.timedelta(days=REMINDER_DAYS),
        ).values_list("certification_id", "user_id", "awarded_on")
    )
    return [
        a
        for a in candidates
        if not any(c == a.certification_id and u == a.user_id and d > a.awarded_on for c, u, d in renewed)
    ]


# --- Completion share (a tier criterion of programs) and the brand's report ---------------------------------


def _partner_users(*, brand: Brand, partner_ids: list[int]) -> list[User]:
    return list(
        User.objects.filter(
            brand=brand, partner_id__in=partner_ids, role__in=list(PARTNER_ROLES), is_active=True
        ).order_by("partner_id", "email")
    )


def _assigned_per_user(*, brand: Brand, users: list[User], at: dt.datetime) -> dict[int, dict[int, Any]]:
    """User id → the modules assigned to them at ``at`` (module id → due date)."""
    assignments = _published_assignments(brand_id=brand.pk)
    segment_ids = {a.segment_id for a in assignments if a.segment_id}
    partner_ids = sorted({u.partner_id for u in users if u.partner_id})
    segments = _segments_by_partner(partner_ids=partner_ids, segment_ids=segment_ids, at=at)
    cache: dict[tuple[int, str], dict[int, Any]] = {}
    out = {}
    for user in users:
        key = (user.partner_id or 0, user.role)
        if key not in cache:
            cache[key] = _modules_due(assignments, segments=segments.get(key[0], set()), role=user.role)
        out[user.pk] = cache[key]
    return out


def training_completion_share(
    *, brand: Brand, partner_ids: list[int], at: dt.datetime | None = None
) -> dict[int, float]:
    """Per partner, the share (0 to 1) of its active users with modules assigned who completed every one of
    them by ``at`` (default now). A partner with nobody assigned anything reads 0.0. A few queries whatever
    the number of partners: assignments, memberships, users, completions."""
    at = at or timezone.now()
    users = _partner_users(brand=brand, partner_ids=partner_ids)
    assigned = _assigned_per_user(brand=brand, users=users, at=at)
    module_ids = {m for modules in assigned.values() for m in modules}
    done = set(
        Completion.objects.filter(
            brand=brand, user_id__in=[u.pk for u in users], module_id__in=module_ids, completed_at__lte=at
        ).values_list("user_id", "module_id")
    )
    counted: dict[int, list[int]] = {pid: [0, 0] for pid in partner_ids}  # [complete, assigned]
    for user in users:
        modules = assigned[user.pk]
        if not modules or user.partner_id not in counted:
            continue
        counted[user.partner_id][1] += 1
        if all((user.pk, m) in done for m in modules):
            counted[user.partner_id][0] += 1
    return {pid: (c / n if n else 0.0) for pid, (c, n) in counted.items()}


@dataclass(frozen=True)
class ReportRow:
    partner: PartnerCompany
    user: User
    module: TrainingModule
    due_on: dt.date | None
    completion: Completion | None


def completion_report(*, brand: Brand, module_id: int | None = None) -> list[ReportRow]:
    """One row per (partner user, module assigned to them): done with score and date, or not yet."""
    partners = {p.pk: p for p in PartnerCompany.objects.filter(brand=brand, is_active=True)}
    users = _partner_users(brand=brand, partner_ids=list(partners))
    assigned = _assigned_per_user(brand=brand, users=users, at=timezone.now())
    modules = {m.pk: m for m in TrainingModule.objects.filter(brand=brand)}
    completions = {
        (c.user_id, c.module_id): c for c in Completion.objects.filter(brand=brand, partner_id__in=partners)
    }
    rows = []
    for user in users:
        for mid, due_on in assigned[user.pk].items():
            if module_id is not None and mid != module_id:
                continue
            rows.append(
                ReportRow(
                    partners[user.partner_id or 0],
                    user,
                    modules[mid],
                    due_on,
                    completions.get((user.pk, mid)),
                )
            )
    return sorted(rows, key=lambda r: (r.partner.name, r.user.email, r.module.title))


def report_by_partner(rows: list[ReportRow]) -> list[dict[str, Any]]:
    """The report's rows summed per partner: users assigned, modules due and done, the completion share."""
    per: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = per.setdefault(
            row.partner.pk, {"partner": row.partner, "users": set(), "due": 0, "done": 0, "incomplete": set()}
        )
        entry["users"].add(row.user.pk)
        entry["due"] += 1
        if row.completion is not None:
            entry["done"] += 1
        else:
            entry["incomplete"].add(row.user.pk)
    return [
        {
            "partner": e["partner"],
            "users": len(e["users"]),
            "due": e["due"],
            "done": e["done"],
            "share": (len(e["users"]) - len(e["incomplete"])) / len(e["users"]),
        }
        for e in per.values()
    ]
