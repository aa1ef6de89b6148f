"""The brand's review of flagged sell-out lines: approve (the line counts) or reject (it does not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.sellout.models import Declaration, DeclarationLine

if TYPE_CHECKING:
    from relais.accounts.models import User


@transaction.atomic
def line_review(*, line: DeclarationLine, approve: bool, user: User) -> DeclarationLine:
    """Approve (→ accepted) or reject (→ rejected) a flagged line, and move the declaration's counters.

    Brand-scoped: ``user`` must be staff of the line's brand. The declaration row is locked first, then the
    line, so two reviewers of the same declaration queue up and counters stay exact; a line already reviewed
    is refused. When the declaration has no flagged line left it is marked validated (or partly rejected if
    any of its lines was rejected, here or by the checks when it was declared) with its review time. What
    follows (the rollups and points of a submitted declaration) is the caller's:
    ``relais.followups.declarations.line_review``.
    """
    if not user.is_brand_user or user.brand_id != line.brand_id:
        raise ApplicationError(_("This line is not one of your brand's."))
    declaration = Declaration.objects.select_for_update().get(pk=line.declaration_id, brand_id=line.brand_id)
    locked = DeclarationLine.objects.select_for_update().get(pk=line.pk, brand_id=line.brand_id)
    if locked.status != DeclarationLine.Status.FLAGGED:
        raise ApplicationError(_("This line was already reviewed."))
    locked.status = DeclarationLine.Status.ACCEPTED if approve else DeclarationLine.Status.REJECTED
    if not approve:
        # A rejected line stays on record but no longer holds its sale's key: the partner's corrected line
        # for the same sale is then counted instead of being taken for a duplicate.
        locked.dedup_key = f"rejected:{locked.pk}"
    locked.save(update_fields=["status", "dedup_key"])

    counter = "lines_accepted" if approve else "lines_rejected"
    Declaration.objects.filter(pk=declaration.pk).update(
        lines_flagged=F("lines_flagged") - 1, **{counter: F(counter) + 1}, updated_at=timezone.now()
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
    locked.declaration = declaration  # as it is now (counters, status), for the caller
    return locked
