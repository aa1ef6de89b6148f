"""Personal data: a person's export, their erasure, the retention of free-text feedback, and the scrubbing
of e-mail addresses and phone numbers from stored feedback.

Erasure anonymises and never deletes: the user row stays (its id is what the ledger, declarations, orders and
the audit log point to) with its name blanked, its e-mail replaced by ``erased-<id>@invalid``, no usable
password, deactivated. The free text they wrote (customer comments on the lines they declared, their orders'
delivery addresses) is replaced by a placeholder — a comment stays a comment, so a declaration rescored later
still meets the same criteria and its points are the same. No amount, quantity, status or ledger row moves:
every sum, balance and analytics figure is the same after as before (relais/privacy/tests/test_erasure.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import Invitation, Role, User
from relais.audit.services import audit_actor_forget, audit_record
from relais.comms.models import Delivery, NotificationPreference
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives.models import PointsAccount, PointsEntry, RedemptionOrder
from relais.insights.feedback import feedback_scrub
from relais.privacy.models import DEFAULT_FEEDBACK_RETENTION_MONTHS, PrivacySettings
from relais.programs.models import PolicyAcknowledgement
from relais.sellout.models import Declaration, DeclarationLine

ERASED_TEXT = "[erased]"
SCRUB_BATCH = 2000


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@invalid"


def _check_may_act(*, subject: User, by: User, erase: bool) -> None:
    """Self (export only), the operator, or the brand admin of the subject's brand (erasure: partner users)."""
    if by.is_operator:
        return
    if not erase and by.pk == subject.pk:
        return
    own_brand = by.role == Role.BRAND_ADMIN and by.brand_id is not None and by.brand_id == subject.brand_id
    if own_brand and (not erase or subject.is_partner_user):
        return
    raise ApplicationError(_("You may not do this for this person."))


def _declarations(user: User) -> list[dict[str, Any]]:
    rows = Declaration.objects.filter(Q(created_by=user) | Q(submitted_by=user)).select_related("partner")
    return [
        {
            "id": d.pk,
            "partner": d.partner.code,
            "period_start": d.period_start.isoformat(),
            "period_end": d.period_end.isoformat(),
            "source": d.source,
            "status": d.status,
            "submitted_at": d.submitted_at.isoformat() if d.submitted_at else None,
            "lines_accepted": d.lines_accepted,
            "lines_rejected": d.lines_rejected,
            "feedback": list(
                DeclarationLine.objects.filter(declaration=d)
                .exclude(feedback="")
                .values_list("feedback", flat=True)
            ),
        }
        for d in rows
    ]


def _points(user: User) -> dict[str, Any]:
    accounts = PointsAccount.objects.filter(user=user)
    entries = PointsEntry.objects.filter(account__in=accounts).order_by("created_at", "id")
    return {
        "balance": sum(a.balance for a in accounts),
        "entries": [
            {
                "at": e.created_at.isoformat(),
                "amount": e.amount,
                "kind": e.kind,
                "status": e.status,
                "reason": e.reason,
                "declaration_id": e.declaration_id,
            }
            for e in entries
        ],
    }


def personal_data_collect(*, user: User) -> dict[str, Any]:
    """Everything Relais holds about ``user``, as JSON-ready data (no audit: see ``personal_data_export``)."""
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "language": user.preferred_language,
            "is_active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "memberships": [
            {
                "brand": user.brand.name if user.brand else None,
                "partner_code": user.partner.code if user.partner else None,
                "partner_name": user.partner.name if user.partner else None,
                "role": user.role,
            }
        ],
        "invitations": [
            {
                "email": i.email,
                "role": i.role,
                "accepted_at": i.accepted_at.isoformat() if i.accepted_at else None,
            }
            for i in Invitation.objects.filter(accepted_user=user)
        ],
        "declarations": _declarations(user),
        "points": _points(user),
        "orders": [
            {
                "id": o.pk,
                "reward": o.reward.name,
                "quantity": o.quantity,
                "points_total": o.points_total,
                "status": o.status,
                "delivery_address": o.delivery_address,
                "created_at": o.created_at.isoformat(),
            }
            for o in RedemptionOrder.objects.filter(user=user).select_related("reward")
        ],
        "messages": [
            {
                "subject": d.message.subject_fr if d.language == "fr" else d.message.subject_en,
                "code": d.message.code,
                "received_at": d.created_at.isoformat(),
                "read_at": d.read_at.isoformat() if d.read_at else None,
            }
            for d in Delivery.objects.filter(user=user).select_related("message")
        ],
        "consents": {
            "notifications": [
                {
                    "kind": p.kind,
                    "in_portal": p.in_portal,
                    "by_email": p.by_email,
                    "frequency": p.email_frequency,
                }
                for p in NotificationPreference.objects.filter(user=user)
            ],
            "policies_acknowledged": [
                {"version_id": a.version_id, "at": a.created_at.isoformat()}
                for a in PolicyAcknowledgement.objects.filter(user=user)
            ],
        },
    }


@transaction.atomic
def personal_data_export(*, subject: User, by: User) -> dict[str, Any]:
    """The export of ``subject``'s data for ``by`` (themself, their brand admin, the operator), audited as
    ``personal_data.exported`` in the subject's brand."""
    _check_may_act(subject=subject, by=by, erase=False)
    data = personal_data_collect(user=subject)
    audit_record(
        brand=subject.brand,
        actor=by,
        action="personal_data.exported",
        target=subject,
        target_label=f"user #{subject.pk}",
    )
    return {"exported_at": timezone.now().isoformat(), **data}


@transaction.atomic
def personal_data_erase(*, subject: User, by: User) -> User:
    """Anonymise ``subject`` (see the module docstring) and deactivate them; audited as
    ``personal_data.erased``. Erasing twice changes nothing more."""
    _check_may_act(subject=subject, by=by, erase=True)
    if subject.pk == by.pk:
        raise ApplicationError(_("You may not erase yourself."))
    user = User.objects.select_for_update().get(pk=subject.pk)
    declarations = Declaration.objects.filter(Q(created_by=user) | Q(submitted_by=user)).values("pk")
    DeclarationLine.objects.filter(declaration__in=declarations).exclude(feedback="").update(
        feedback=ERASED_TEXT
    )
    RedemptionOrder.objects.filter(user=user).exclude(delivery_address="").update(
        delivery_address=ERASED_TEXT
    )
    Invitation.objects.filter(Q(accepted_user=user) | Q(email__iexact=user.email)).update(
        email=erased_email(user.pk)
    )
    user.first_name = ""
    user.last_name = ""
    user.email = erased_email(user.pk)
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
    audit_actor_forget(actor_id=user.pk)
    audit_record(
        brand=user.brand,
        actor=by,
        action="personal_data.erased",
        target=user,
        target_label=f"user #{user.pk}",
    )
    return user


def feedback_retention_months(*, brand: Brand) -> int:
    settings = PrivacySettings.objects.filter(brand=brand).first()
    return settings.feedback_retention_months if settings else DEFAULT_FEEDBACK_RETENTION_MONTHS


@transaction.atomic
def privacy_settings_set(*, brand: Brand, feedback_retention_months: int, by: User) -> PrivacySettings:
    """Set how long the brand keeps customer feedback (1 to 120 months), audited."""
    if not 1 <= feedback_retention_months <= 120:
        raise ApplicationError(_("Keep feedback between 1 and 120 months."))
    settings, _created = PrivacySettings.objects.update_or_create(
        brand=brand, defaults={"feedback_retention_months": feedback_retention_months}
    )
    audit_record(
        brand=brand,
        actor=by,
        action="privacy.retention_changed",
        target=settings,
        details={"feedback_retention_months": feedback_retention_months},
    )
    return settings


def _months_before(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    return dt.date(year, month + 1, 1)


@transaction.atomic
def feedback_purge(*, brand: Brand, today: dt.date | None = None) -> int:
    """Blank the customer feedback of the brand's lines sold before the retention window (whole months);
    one UPDATE. Returns how many lines lost their comment."""
    today = today or timezone.localdate()
    cutoff = _months_before(today, feedback_retention_months(brand=brand))
    return (
        DeclarationLine.objects.filter(brand=brand, sale_date__lt=cutoff)
        .exclude(feedback="")
        .update(feedback="")
    )


@transaction.atomic
def feedback_scrub_stored(*, brand: Brand, declaration_ids: list[int] | None = None) -> int:
    """Replace e-mail addresses and phone numbers in the brand's stored feedback (all of it, or of some
    declarations) by placeholders. Only comments with an ``@`` or a run of digits are read, in batches, and
    only those that change are written (``bulk_update``). Returns how many changed."""
    lines = DeclarationLine.objects.filter(brand=brand).exclude(feedback="")
    if declaration_ids is not None:
        lines = lines.filter(declaration_id__in=declaration_ids)
    candidates = lines.filter(Q(feedback__contains="@") | Q(feedback__regex=r"[0-9]{2}")).order_by("pk")
    changed = 0
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk).only("pk", "feedback")[:SCRUB_BATCH])
        if not batch:
            return changed
        last_pk = batch[-1].pk
        dirty = []
        for line in batch:
            clean = feedback_scrub(line.feedback)
            if clean != line.feedback:
                line.feedback = clean
                dirty.append(line)
        DeclarationLine.objects.bulk_update(dirty, ["feedback"])
        changed += len(dirty)
