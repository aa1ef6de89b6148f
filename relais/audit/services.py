"""Writing to the audit log: one call per brand-admin action or export of personal data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from relais.audit.models import AuditEntry
from relais.core.models import Brand


def audit_record(
    *,
    brand: Brand | None,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    target_label: str = "",
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. ``actor`` is the user who acted (None for the platform itself, e.g. a job); ``target``
    the object acted on, named by its model, primary key and ``str`` unless ``target_label`` says otherwise.
    Runs inside the caller's transaction: the entry exists exactly when the action does."""
    entry = AuditEntry(
        brand=brand,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", "") or "")[:254],
        action=action,
        details=dict(details or {}),
    )
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_label = (target_label or str(target))[:200]
    else:
        entry.target_label = target_label[:200]
    entry.save()
    return entry


def audit_actor_forget(*, actor_id: int) -> int:
    """A user's erasure: their e-mail leaves the log, the entries stay (who did what stays countable)."""
    return AuditEntry.objects.filter(actor_id=actor_id).exclude(actor_label="").update(actor_label="")
