"""Store execution checks: the brand's checklists, the partner's visits (answers and photos) and the brand's
review of each answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.comms.models import Message
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.merchandising import locks
from relais.merchandising.models import Checklist, ChecklistItem, StoreVisit, VisitAnswer
from relais.merchandising.photos import photo_checked
from relais.network.models import PartnerCompany
from relais.programs.models import Program

YES = {"yes", "oui", "1", "true", "on"}
NO = {"no", "non", "0", "false"}


@transaction.atomic
def checklist_save(
    *,
    brand: Brand,
    name: str,
    items: Sequence[tuple[str, str]],
    program: Program | None = None,
    campaign: Message | None = None,
) -> Checklist:
    """Create a checklist of ``items`` (kind, label), for a program or a campaign of the brand (or neither)."""
    if not name.strip():
        raise ApplicationError(_("Give the checklist a name."), extra={"field": "name"})
    if not items:
        raise ApplicationError(_("A checklist needs at least one item."), extra={"field": "items"})
    kinds = set(ChecklistItem.Kind.values)
    for number, (kind, label) in enumerate(items, start=1):
        if kind not in kinds or not label.strip():
            raise ApplicationError(
                _("Item %(number)s: give a kind (yes_no, number or photo) and a label.") % {"number": number},
                extra={"field": "items"},
            )
    if (program is not None and program.brand_id != brand.pk) or (
        campaign is not None and campaign.brand_id != brand.pk
    ):
        raise ApplicationError(_("Unknown program or campaign."))
    checklist = Checklist.objects.create(brand=brand, name=name.strip(), program=program, campaign=campaign)
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(checklist=checklist, position=i, label=label.strip()[:200], kind=kind)
            for i, (kind, label) in enumerate(items)
        ]
    )
    return checklist


def _answer(item: ChecklistItem, raw: str, photo: UploadedFile | None, field: str) -> VisitAnswer:
    answer = VisitAnswer(item=item)
    raw = raw.strip()
    if item.kind == ChecklistItem.Kind.YES_NO:
        if raw.lower() not in YES | NO:
            raise ApplicationError(
                _("%(item)s: answer yes or no.") % {"item": item.label}, extra={"field": field}
            )
        answer.value_bool = raw.lower() in YES
    elif item.kind == ChecklistItem.Kind.NUMBER:
        try:
            answer.value_number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ApplicationError(
                _("%(item)s: give a number.") % {"item": item.label}, extra={"field": field}
            ) from None
        if not answer.value_number.is_finite() or abs(answer.value_number) >= Decimal("1e10"):
            raise ApplicationError(
                _("%(item)s: give a number.") % {"item": item.label}, extra={"field": field}
            )
    if item.kind == ChecklistItem.Kind.PHOTO and photo is None:
        raise ApplicationError(
            _("%(item)s: a photo is required.") % {"item": item.label}, extra={"field": field}
        )
    if photo is not None:
        try:
            answer.photo_type, _name = photo_checked(photo, field=field)
        except ApplicationError as exc:
            raise ApplicationError(f"{item.label}: {exc.message}", extra=exc.extra) from None
    return answer


@transaction.atomic
def visit_submit(
    *,
    partner: PartnerCompany,
    checklist: Checklist,
    visited_on: date,
    answers: Mapping[int, str],
    photos: Mapping[int, UploadedFile],
    user: User | None,
    note: str = "",
) -> StoreVisit:
    """A partner's visit of its store: one answer per item of the checklist (``answers`` and ``photos`` by
    item id). Every answer is checked before anything is stored; an error names the item."""
    if checklist.brand_id != partner.brand_id or not checklist.is_active:
        raise ApplicationError(_("Unknown checklist."))
    if visited_on > timezone.localdate():
        raise ApplicationError(_("The visit date cannot be in the future."), extra={"field": "visited_on"})
    items = list(checklist.items.all())
    built = [
        (_answer(item, answers.get(item.pk, ""), photos.get(item.pk), f"item_{item.pk}"), photos.get(item.pk))
        for item in items
    ]
    visit = StoreVisit.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        checklist=checklist,
        visited_on=visited_on,
        note=note.strip(),
        submitted_by=user,
    )
    for answer, photo in built:
        answer.visit = visit
        if photo is not None:
            _type, filename = photo_checked(photo)
            answer.photo.save(filename, photo, save=False)
        answer.save()
    return visit


@transaction.atomic
def visit_review(*, visit: StoreVisit, decisions: Mapping[int, tuple[bool, str]], user: User) -> StoreVisit:
    """The brand accepts or rejects answers of a visit (``decisions``: answer id → (accepted, comment)); a
    rejection needs a comment. Once every answer is decided the visit is reviewed."""
    visit = locks.lock_visit(visit.pk)
    if not user.is_brand_user or user.brand_id != visit.brand_id:
        raise ApplicationError(_("This visit is not one of your brand's."))
    answers = {a.pk: a for a in visit.answers.select_related("item")}
    for answer_id, (accepted, comment) in decisions.items():
        answer = answers.get(answer_id)
        if answer is None:
            raise ApplicationError(_("Unknown answer."))
        if not accepted and not comment.strip():
            raise ApplicationError(
                _("%(item)s: say why it is rejected.") % {"item": answer.item.label},
                extra={"field": f"comment_{answer_id}"},
            )
        answer.status = VisitAnswer.Status.ACCEPTED if accepted else VisitAnswer.Status.REJECTED
        answer.comment = comment.strip()[:300]
        answer.save(update_fields=["status", "comment"])
    if all(a.status != VisitAnswer.Status.PENDING for a in answers.values()):
        visit.status, visit.reviewed_by, visit.reviewed_at = StoreVisit.Status.REVIEWED, user, timezone.now()
        visit.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return visit
