"""API keys and idempotency records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class ApiKey(TimeStampedModel):
    """A partner's key for the JSON API. Only the SHA-256 of the secret is stored; the key is shown once.

    The key reads ``rk_<prefix>_<secret>``: the prefix finds the row, the secret is compared by hash.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["partner", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} (rk_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class BrandScope(models.TextChoices):
    """What a brand key may do: each brand endpoint requires one of these."""

    SELLOUT_READ = "sellout:read", _("Read validated sell-out")
    CATALOG_WRITE = "catalog:write", _("Write the catalogue")
    PARTNERS_WRITE = "partners:write", _("Write the partners")
    OBJECTIVES_WRITE = "objectives:write", _("Write the objectives")
    SELLIN_WRITE = "sellin:write", _("Write the sell-in")


class BrandApiKey(TimeStampedModel):
    """A brand's key for the brand endpoints (``/api/v1/brand/``), with the scopes it was given.

    The key reads ``rb_<prefix>_<secret>`` (a partner key reads ``rk_…``): the first part tells the two
    kinds apart before any lookup, so a partner key can never authenticate on a brand endpoint nor the
    reverse. Only the SHA-256 of the secret is stored; the key is shown once.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["brand", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} (rb_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST sent with an ``Idempotency-Key`` header (Stripe's semantics).

    The row is reserved (``status_code`` null) before the work starts, in its own committed transaction, so
    a concurrent request with the same key hits the unique constraint instead of doing the work twice.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    # Scoped to the partner (a partner key) or to the brand key that sent it (a brand key): one of the two.
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    brand_api_key = models.ForeignKey(
        BrandApiKey, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and canonical body: the same key with another request is a conflict.
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="idempotency_key_unique_per_partner"),
            models.UniqueConstraint(
                fields=["brand_api_key", "key"], name="idempotency_key_unique_per_brand_key"
            ),
            models.CheckConstraint(
                name="idempotency_partner_or_brand_key",
                condition=models.Q(partner__isnull=False, brand_api_key__isnull=True)
                | models.Q(partner__isnull=True, brand_api_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id or self.brand_api_key_id}:{self.key} → {self.status_code}"
