"""Sell-in and channel inventory: what the brand shipped to each partner, and what the partner holds.

``SellInLine`` is one shipment line (from the brand's ERP export); the same line imported twice is one line
(unique on brand, partner, GTIN, date, reference and quantity). ``StockSnapshot`` is the stock on hand of a
product at a partner on a date (per location when the report gives one); a newer report of the same date and
place replaces its quantity. Reconciliation (sell-out domain) reads both. See docs/stock.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand


class StockSource(models.TextChoices):
    FORM = "form", _("Web form")
    FILE = "file", _("File")
    EDI = "edi", _("EDIFACT")


class SellInLine(models.Model):
    """One shipment line from the brand to a partner; append-only, written in bulk."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    gtin = models.CharField(max_length=14)
    ship_date = models.DateField(_("date"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    quantity = models.IntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "partner", "gtin", "ship_date", "reference", "quantity"],
                name="sellin_line_unique",
            )
        ]
        indexes = [models.Index(fields=["brand", "ship_date"])]

    def __str__(self) -> str:
        return f"{self.gtin} × {self.quantity} shipped {self.ship_date}"


class StockSnapshot(models.Model):
    """Stock on hand of one product at one partner (and location) at the end of a date."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    gtin = models.CharField(max_length=14)
    stock_date = models.DateField(_("stock date"))
    location = models.CharField(_("location"), max_length=13, blank=True)  # GLN of the place, if given
    quantity = models.IntegerField(_("quantity"))
    source = models.CharField(max_length=10, choices=StockSource.choices, default=StockSource.FILE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "partner", "gtin", "stock_date", "location"], name="stock_snapshot_unique"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="stock_snapshot_quantity_gte_0"),
        ]
        indexes = [models.Index(fields=["brand", "stock_date"])]

    def __str__(self) -> str:
        return f"{self.gtin}: {self.quantity} on {self.stock_date}"
