"""The brand's products, identified by GTIN (stored normalised to GTIN-14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class Product(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")
    gtin = models.CharField(_("GTIN"), max_length=14)
    name = models.CharField(_("name"), max_length=200)
    family = models.CharField(_("family"), max_length=100, blank=True)
    list_price = models.DecimalField(_("list price"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["family", "name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "gtin"], name="product_gtin_unique_per_brand")
        ]
        indexes = [models.Index(fields=["brand", "family"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.gtin})"
