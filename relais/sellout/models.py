"""Sell-out declarations: what partners sold to end customers, line by line.

Lines that fail validation are not stored as lines: they become ``ImportRowError`` rows of their import,
with the row number and field, and can be downloaded, fixed and re-uploaded. A line that is already known
(same ``dedup_key``) is counted once: see docs/sellout.md for the rule.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel
from relais.sellout.anomalies.reasons import anomaly_text


class Source(models.TextChoices):
    FORM = "form", _("Web form")
    FILE = "file", _("File")
    API = "api", _("API")
    EDI = "edi", _("EDIFACT")


class SaleChannel(models.TextChoices):
    IN_STORE = "in_store", _("In store")
    ONLINE = "online", _("Online")


class CustomerType(models.TextChoices):
    B2B = "b2b", _("Business (B2B)")
    B2C = "b2c", _("Consumer (B2C)")


class Declaration(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VALIDATED = "validated", _("Validated")
        PARTLY_REJECTED = "partly_rejected", _("Partly rejected")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="declarations")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, related_name="declarations"
    )
    site = models.ForeignKey(
        "network.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who submitted it: a user of the partner (web form, file, EDIFACT upload), or the API key it came with.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey(
        "api.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations"
    )
    # The distributor that declared these sales on behalf of ``partner``, its reseller (whose sales they
    # are); empty when the partner declared them itself (relais.sellout.distributor).
    declared_by_partner = models.ForeignKey(
        "network.PartnerCompany",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations_on_behalf",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Outcome counters, maintained by the services that add lines or review them.
    lines_accepted = models.PositiveIntegerField(default=0)
    lines_rejected = models.PositiveIntegerField(default=0)
    lines_duplicate = models.PositiveIntegerField(default=0)
    lines_flagged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period_start", "-created_at"]
        indexes = [
            models.Index(fields=["brand", "partner", "period_start"]),
            models.Index(fields=["brand", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d} ({self.source})"


class DeclarationLine(models.Model):
    """One sale (or return, when quantity < 0) of one product on one date.

    Written in bulk (COPY / executemany), never one ORM save per line on a hot path. ``brand`` and
    ``partner`` are denormalised so dedup and analytics need no join.
    """

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        FLAGGED = "flagged", _("Flagged for review")
        REJECTED = "rejected", _("Rejected by the brand")

    # No single-column index on brand, partner and declaration: the composite indexes below start with
    # them, and every index costs each bulk insert (docs/performance.md).
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    gtin = models.CharField(max_length=14)
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    sale_date = models.DateField()
    channel = models.CharField(max_length=10, choices=SaleChannel.choices, default=SaleChannel.IN_STORE)
    invoice_ref = models.CharField(max_length=60, blank=True)
    customer_type = models.CharField(max_length=3, choices=CustomerType.choices, blank=True)
    customer_postcode_area = models.CharField(max_length=10, blank=True)
    customer_segment = models.CharField(max_length=60, blank=True)
    # The partner's own customer number, pseudonymised at ingest (HMAC-SHA256 with the brand's secret, hex):
    # never stored in clear. What acquisition and retention objectives count (relais.programs).
    customer_ref = models.CharField(max_length=64, blank=True)
    feedback = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACCEPTED)
    flag_reason = models.CharField(max_length=200, blank=True)
    # What the anomaly checks found (``relais.sellout.anomalies``): a list of {"code": ..., parameters},
    # translated when shown, in the reader's language.
    anomalies = models.JSONField(default=list, blank=True)
    source_row = models.PositiveIntegerField(null=True, blank=True)
    dedup_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "dedup_key"], name="sellout_line_dedup_unique")
        ]
        indexes = [
            models.Index(fields=["brand", "sale_date"]),
            models.Index(fields=["declaration", "status"]),
            models.Index(fields=["partner", "sale_date"]),
            # The review queue: a brand's flagged lines, most amount first, without reading its other lines.
            models.Index(fields=["brand", "status", "amount"], name="sellout_line_status_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.gtin} × {self.quantity} on {self.sale_date}"

    @property
    def flag_text(self) -> str:
        """Why the line is flagged, in the reader's language (the anomalies found, else the price check)."""
        texts = [anomaly_text(item) for item in self.anomalies or []]
        return " · ".join(t for t in texts if t) or self.flag_reason


class SalesHistory(models.Model):
    """A partner's sell-out of one product in one month (accepted lines): what the anomaly checks compare
    a new line with, read without scanning the lines. Maintained by the ingest engine, a delta per batch."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month
    units = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    lines = models.PositiveIntegerField(default=0)
    max_quantity = models.IntegerField(default=0)
    max_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product", "month"], name="sellout_history_unique_per_month"
            )
        ]
        indexes = [models.Index(fields=["brand", "product", "month"])]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.product_id} {self.month:%Y-%m}: {self.units}"


class AnomalyThresholds(TimeStampedModel):
    """A brand's thresholds for the anomaly checks; a brand without a row gets the defaults
    (``relais.sellout.anomalies.thresholds.DEFAULTS``, documented in docs/sellout.md)."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="anomaly_thresholds")
    enabled = models.BooleanField(_("anomaly checks on"), default=True)
    line_ratio = models.FloatField(_("line above its usual size, times"), default=4.0)
    robust_z = models.FloatField(_("robust score above"), default=4.0)
    month_ratio = models.FloatField(_("month volume above its usual, times"), default=3.0)
    week_ratio = models.FloatField(_("week volume above its usual, times"), default=2.0)
    min_excess_units = models.PositiveIntegerField(_("minimum excess units"), default=10)
    min_history_months = models.PositiveIntegerField(_("months of history needed"), default=3)
    min_peers = models.PositiveIntegerField(_("comparable partners needed"), default=5)
    duplicates_in_file = models.BooleanField(_("flag duplicates within a file"), default=True)

    def __str__(self) -> str:
        return f"anomaly thresholds of {self.brand_id}"


class ColumnMapping(TimeStampedModel):
    """A partner's own file layout: which of its columns holds which field, saved and reused."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, related_name="column_mappings"
    )
    # Normalised header row; the same layout arriving again gets the same signature.
    signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)  # field name -> column header
    options = models.JSONField(default=dict, blank=True)  # date order, decimal separator...
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "signature"], name="column_mapping_unique_per_layout")
        ]

    def __str__(self) -> str:
        return f"mapping {self.signature[:8]} of {self.partner_id}"


class SelloutImport(TimeStampedModel):
    """One file (or API batch) on its way in: uploaded, mapped, run as a job, with its outcome."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        MAPPED = "mapped", _("Mapping confirmed")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, related_name="sellout_imports"
    )
    declaration = models.ForeignKey(
        Declaration, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FILE)
    file = models.FileField(upload_to="sellout/%Y/%m/", blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    mapping = models.ForeignKey(
        ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rows_total = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name or f"import {self.pk}"


class ImportRowError(models.Model):
    """A rejected or duplicate row of an import, with the row number as in the file and the field at fault."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", _("Rejected")
        DUPLICATE = "duplicate", _("Duplicate")

    sellout_import = models.ForeignKey(SelloutImport, on_delete=models.CASCADE, related_name="row_errors")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REJECTED)
    row = models.PositiveIntegerField()
    field = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["row"]
        indexes = [models.Index(fields=["sellout_import", "kind", "row"])]

    def __str__(self) -> str:
        return f"row {self.row} {self.field}: {self.message}"


class ReviewReason(models.TextChoices):
    """The preset reasons a brand gives when it approves or rejects flagged lines."""

    QUANTITY_IMPLAUSIBLE = "quantity_implausible", _("Quantity implausible")
    DUPLICATE = "duplicate", _("Duplicate")
    PRICE_INCONSISTENT = "price_inconsistent", _("Price inconsistent")
    CHECKED = "checked", _("Checked with the partner")
    OTHER = "other", _("Other")


# What the partner reads on its declaration, rendered at display time in the reader's language from the code
# and the parameters stored with the decision (numbers formatted by ``review_reason_text``).
REVIEW_REASON_TEXTS = {
    ReviewReason.QUANTITY_IMPLAUSIBLE: _("The quantity declared (%(quantity)s) is implausible."),
    ReviewReason.DUPLICATE: _("This line duplicates a sale already declared."),
    ReviewReason.PRICE_INCONSISTENT: _("The unit price declared (%(unit_price)s) is inconsistent."),
    ReviewReason.CHECKED: _("Checked with you: the sale is confirmed."),
    ReviewReason.OTHER: _("Other reason."),
}


class ReviewDecision(models.Model):
    """The brand's decision on one flagged line: who, when, approved or rejected, why. Append-only: one row per
    line (a line is reviewed once), never updated; written by ``relais.sellout.review.lines_review``.

    The reason is a code plus parameters (the line's quantity and unit price at the time), put into words when
    shown, so the partner reads it in its own language; ``note`` is the reviewer's own words, shown as written.
    Lines decided together share a ``batch``.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="review_decisions")
    line = models.ForeignKey(DeclarationLine, on_delete=models.CASCADE, related_name="review_decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason_code = models.CharField(max_length=30, choices=ReviewReason.choices)
    params = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    batch = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["line"], name="sellout_review_one_decision_per_line")]
        indexes = [models.Index(fields=["brand", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.decision} line {self.line_id} ({self.reason_code})"

    @property
    def reason_text(self) -> str:
        """The reason in the reader's language, its numbers in the reader's format."""
        return review_reason_text(self.reason_code, self.params)


def review_reason_text(code: str, params: dict[str, object] | None) -> str:
    """A review reason code and its parameters in the active language (empty for an unknown code)."""
    template = REVIEW_REASON_TEXTS.get(code)  # type: ignore[call-overload]
    if template is None:
        return ""
    params = params or {}
    quantity, unit_price = params.get("quantity"), params.get("unit_price")
    price = Decimal(str(unit_price)) if unit_price is not None else None
    values = {
        "quantity": number_format(str(quantity)) if quantity is not None else "",
        "unit_price": number_format(price, decimal_pos=2) if price is not None else "",
    }
    return str(template) % values
