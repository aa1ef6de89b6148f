"""Reading the audit log: a brand admin reads its own brand's entries only."""

from __future__ import annotations

from django.db.models import QuerySet

from relais.audit.models import AuditEntry
from relais.core.models import Brand


def audit_entries(*, brand: Brand, action_prefix: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(brand=brand)
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries.order_by("-created_at", "-id")
