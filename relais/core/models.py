"""Base model, the tenant (Brand) and background jobs with visible progress."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def new_customer_ref_secret() -> str:
    """A brand's own key for pseudonymising its partners' customer numbers (HMAC-SHA256)."""
    return secrets.token_hex(32)


class Brand(TimeStampedModel):
    """The tenant: a manufacturer and everything its network shares with it."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_active = models.BooleanField(default=True)
    # Keys the customer references of sell-out lines (relais.sellout.ingest.store): never shown, never changed,
    # or every pseudonym of the brand changes with it.
    customer_ref_secret = models.CharField(max_length=64, default=new_customer_ref_secret, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BrandOwnedModel(TimeStampedModel):
    """Every row a brand owns carries its brand, so every selector can filter on it."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Job(TimeStampedModel):
    """Long work run off the request path (imports, rollups, closings), with progress a page can poll."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    # The partner company whose portal may show this job. A plain id, not a foreign key: the ground layer
    # must not depend on the network (docs/developing.md); jobs of a brand go with the brand.
    partner_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    kind = models.CharField(max_length=60)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Who runs it: "inprocess:<host>:<pid>" for the thread runner (so a job whose process died is known as
    # interrupted), "celery:<host>:<pid>" or "eager:..." otherwise.
    runner = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["brand", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


def brand_logo_upload_to(instance: BrandSettings, filename: str) -> str:
    return f"brand-logos/{instance.brand_id}/{filename}"


class BrandSettings(TimeStampedModel):
    """What a brand admin sets for the whole brand beside its currency: languages offered to its partners,
    its logo, how many days after a month its sales are due. One row per brand, created on first save."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="settings")
    # Language codes among settings.LANGUAGES; empty: every language of the platform.
    languages = models.JSONField(_("languages offered"), default=list, blank=True)
    logo = models.FileField(_("logo"), upload_to=brand_logo_upload_to, blank=True)
    # None: the platform's default (relais.sellout.periods.due_days()).
    declaration_due_days = models.PositiveSmallIntegerField(
        _("declaration deadline (days)"), null=True, blank=True
    )

    def __str__(self) -> str:
        return f"settings of {self.brand_id}"
