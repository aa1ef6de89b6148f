"""The append-only audit log of brand-admin actions and of exports of personal data.

An entry is written once and never changed: ``save`` refuses an update and ``delete`` refuses outright, so the
log can be shown to the brand admin as the record of who did what. The actor is kept as a foreign key *and* as
the e-mail it had at the time (``actor_label``), so erasing a user later does not rewrite history's meaning:
the privacy erasure blanks ``actor_label`` (one bulk update, ``audit_actor_forget``), the entries stay.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand


class AuditEntryImmutable(Exception):
    """An audit entry is never updated nor deleted."""


class AuditEntry(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # None for what the platform operator does outside any brand (a brand created, suspended).
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    # A dotted code, e.g. "brand.settings_changed", "partner.created", "personal_data.exported".
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    target_label = models.CharField(_("on"), max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["brand", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditEntryImmutable("an audit entry is never updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEntryImmutable("an audit entry is never deleted")
