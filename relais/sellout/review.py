"""The brand's review of flagged sell-out lines: approve (the line counts) or reject (it does not), one line or
many at once, each decision recorded with its reason (``ReviewDecision``, append-only)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.sellout.models import Declaration, DeclarationLine, ReviewDecision, ReviewReason

if TYPE_CHECKING:
    from relais.accounts.models import User
    from relais.core.models import Brand

MAX_LINES_PER_REVIEW = 500
NOTE_MAX_LENGTH = 500


@dataclass
class ReviewOutcome:
    """What one review did: the lines decided now, those skipped (already reviewed: nothing done twice), and
    the declarations whose counted lines changed, as they are now."""

    decided: list[DeclarationLine] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)


def _reason_params(line: DeclarationLine) -> dict[str, object]:
    """The line as it was decided, for the reason's words (numbers as text: JSON keeps no Decimal)."""
    return {
        "quantity": line.quantity,
        "unit_price": str(line.unit_price) if line.unit_price is not None else None,
    }


def _check(*, brand: Brand, user: User, line_ids: list[int], reason_code: str) -> None:
    if not user.is_brand_user or user.brand_id != brand.pk:
        raise ApplicationError(_("These lines are not your brand's."))
    if reason_code not in ReviewReason.values:
        raise ApplicationError(_("Choose a reason from the list."))
    if not line_ids:
        raise ApplicationError(_("Select at least one line."))
    if len(line_ids) > MAX_LINES_PER_REVIEW:
        raise ApplicationError(
            _("Review at most %(max)s lines at once.") % {"max": MAX_LINES_PER_REVIEW},
        )


@transaction.atomic
def lines_review(
    *,
    brand: Brand,
    line_ids: Iterable[int],
    approve: bool,
    reason_code: str,
    user: User,
    note: str = "",
) -> ReviewOutcome:
    """Approve (→ accepted) or reject (→ rejected) flagged lines of ``brand``, with a preset reason and an
    optional note, and move their declarations' counters and status.

    Brand-scoped: ``user`` must be staff of ``brand``, and every line must be the brand's. The declarations
    are locked first (in id order), then the lines (in id order), so concurrent reviews queue up and counters
    stay exact. Idempotent: a line already reviewed (here or by a concurrent reviewer) is skipped, not decided
    twice; the unique decision per line holds it in the database too. A declaration left with no flagged line
    is validated (or partly rejected when any of its lines was rejected) with its review time. What follows
    (rollups, points) is the caller's: ``relais.followups.review.lines_review``.
    """
    ids = sorted({int(pk) for pk in line_ids})
    _check(brand=brand, user=user, line_ids=ids, reason_code=reason_code)
    declaration_ids = set(
        DeclarationLine.objects.filter(brand=brand, pk__in=ids).values_list("declaration_id", flat=True)
    )
    declarations = list(
        Declaration.objects.select_for_update().filter(brand=brand, pk__in=declaration_ids).order_by("pk")
    )
    lines = list(DeclarationLine.objects.select_for_update().filter(brand=brand, pk__in=ids).order_by("pk"))
    if len(lines) != len(ids):
        raise ApplicationError(_("These lines are not your brand's."))
    outcome = ReviewOutcome()
    flagged = [line for line in lines if line.status == DeclarationLine.Status.FLAGGED]
    outcome.skipped = [line.pk for line in lines if line.status != DeclarationLine.Status.FLAGGED]
    if not flagged:
        return outcome
    _apply(flagged, approve=approve)
    batch = uuid.uuid4()
    ReviewDecision.objects.bulk_create(
        ReviewDecision(
            brand=brand,
            partner_id=line.partner_id,
            declaration_id=line.declaration_id,
            line=line,
            decision=ReviewDecision.Decision.APPROVED if approve else ReviewDecision.Decision.REJECTED,
            reason_code=reason_code,
            params=_reason_params(line),
            note=note.strip()[:NOTE_MAX_LENGTH],
            decided_by=user,
            batch=batch,
        )
        for line in flagged
    )
    per_declaration = Counter(line.declaration_id for line in flagged)
    outcome.declarations = [
        _declaration_move(declaration, per_declaration[declaration.pk], approve=approve)
        for declaration in declarations
        if declaration.pk in per_declaration
    ]
    by_id = {declaration.pk: declaration for declaration in outcome.declarations}
    for line in flagged:
        line.status = DeclarationLine.Status.ACCEPTED if approve else DeclarationLine.Status.REJECTED
        line.declaration = by_id[line.declaration_id]
    outcome.decided = flagged
    return outcome


def _apply(lines: list[DeclarationLine], *, approve: bool) -> None:
    pks = [line.pk for line in lines]
    if approve:
        DeclarationLine.objects.filter(pk__in=pks).update(status=DeclarationLine.Status.ACCEPTED)
        return
    # A rejected line stays on record but no longer holds its sale's key: the partner's corrected line for
    # the same sale is then counted instead of being taken for a duplicate.
    DeclarationLine.objects.filter(pk__in=pks).update(
        status=DeclarationLine.Status.REJECTED,
        dedup_key=Concat(Value("rejected:"), Cast("pk", output_field=CharField())),
    )


def _declaration_move(declaration: Declaration, count: int, *, approve: bool) -> Declaration:
    counter = "lines_accepted" if approve else "lines_rejected"
    Declaration.objects.filter(pk=declaration.pk).update(
        lines_flagged=F("lines_flagged") - count, **{counter: F(counter) + count}, updated_at=timezone.now()
    )
    declaration.refresh_from_db()
    still_flagged = DeclarationLine.objects.filter(
        declaration=declaration, status=DeclarationLine.Status.FLAGGED
    ).exists()
    if not still_flagged and declaration.status != Declaration.Status.DRAFT:
        # ``lines_rejected`` counts the lines rejected here and those the checks refused at declaration.
        declaration.status = (
            Declaration.Status.PARTLY_REJECTED if declaration.lines_rejected else Declaration.Status.VALIDATED
        )
        declaration.reviewed_at = timezone.now()
        declaration.save(update_fields=["status", "reviewed_at", "updated_at"])
    return declaration


@transaction.atomic
def line_review(
    *,
    line: DeclarationLine,
    approve: bool,
    user: User,
    reason_code: str = "",
    note: str = "",
) -> DeclarationLine:
    """Approve or reject one flagged line (``lines_review`` of one line); a line already reviewed is refused.

    Without a reason, an approval records "checked with the partner" and a rejection "other".
    """
    if not user.is_brand_user or user.brand_id != line.brand_id:
        raise ApplicationError(_("This line is not one of your brand's."))
    reason = reason_code or (ReviewReason.CHECKED if approve else ReviewReason.OTHER)
    outcome = lines_review(
        brand=user.brand,  # type: ignore[arg-type]  # a brand user always has one (checked above)
        line_ids=[line.pk],
        approve=approve,
        reason_code=reason,
        user=user,
        note=note,
    )
    if not outcome.decided:
        raise ApplicationError(_("This line was already reviewed."))
    return outcome.decided[0]
