"""Co-op advertising / market development funds: budgets, allocations, requests, claims and an append-only fund ledger.

A brand sets a **budget** (for one program, or brand-wide) over a period, with a total; each partner gets an
**allocation** of it, a fixed amount or accrued as a percentage of its validated sell-out (with a cap). Money
moves only through **fund entries**, appended, never updated nor deleted; every balance of an allocation
(granted, available, reserved, paid, expired) is a sum of its entries (``relais.funds.ledger``).

A partner's **request** (an activity of one of the brand's types, planned cost, dates, expected results) is
decided by the brand (full, partial, refused); an approval reserves the amount. The partner's **claim**
(actual cost, proof files checked against the activity type's rules) is decided too, then paid: the payment
comes out of the reservation and the rest is released.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


def proof_storage() -> FileSystemStorage:
    """Where claim proofs are kept: ``PRIVATE_MEDIA_ROOT`` when set, else a sibling of MEDIA_ROOT
    (``<MEDIA_ROOT>-private``). Never under MEDIA_ROOT: the development server serves MEDIA_ROOT to anyone;
    proofs are only served by the permission-checked view. No base URL: a proof has no public address."""
    root = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if not root:
        media = Path(settings.MEDIA_ROOT)
        root = media.with_name(media.name + "-private")
    return FileSystemStorage(location=Path(root) / "funds", base_url=None)


class ProofKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice (PDF)")
    PHOTO = "photo", _("Photo (JPEG or PNG)")


class ActivityType(TimeStampedModel):
    """A kind of marketing activity the brand co-funds, with the proofs a claim for it must carry."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    # The proof kinds a claim must hold at least one file of each (``ProofKind`` values).
    required_proofs = models.JSONField(_("required proofs"), default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["brand", "code"], name="funds_activity_type_code")]

    def __str__(self) -> str:
        return self.name


class FundBudget(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    # None: a brand-wide budget.
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="funds_budget_total_not_negative"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="funds_budget_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AllocationKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    ACCRUED = "accrued", _("Accrued on sell-out")


class FundAllocation(TimeStampedModel):
    """One partner's share of a budget; the row every ledger write locks (after its budget)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    budget = models.ForeignKey(FundBudget, on_delete=models.CASCADE, related_name="allocations")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=AllocationKind.choices)
    amount = models.DecimalField(_("fixed amount"), max_digits=14, decimal_places=2, default=0)
    percent = models.DecimalField(_("percentage of sell-out"), max_digits=5, decimal_places=2, default=0)
    cap = models.DecimalField(_("cap"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["budget_id", "partner_id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "partner"], name="funds_one_allocation_per_partner"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funds_allocation_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="funds_allocation_percent_range"
            ),
        ]
        indexes = [models.Index(fields=["partner", "budget"])]

    def __str__(self) -> str:
        return f"{self.budget_id}/{self.partner_id}"


class EntryKind(models.TextChoices):
    ACCRUAL = "accrual", _("Accrual on sell-out")
    ALLOCATION = "allocation", _("Fixed allocation")
    REVERSAL = "reversal", _("Accrual reversed")
    RESERVATION = "reservation", _("Reservation")
    RELEASE = "release", _("Release")
    PAYMENT = "payment", _("Payment")
    EXPIRY = "expiry", _("Expiry")


class FundRequest(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        PARTIAL = "partial", _("Partly approved")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")
        CLOSED = "closed", _("Closed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    allocation = models.ForeignKey(FundAllocation, on_delete=models.PROTECT, related_name="requests")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    planned_cost = models.DecimalField(_("planned cost"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    approved_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "idempotency_key"], name="funds_request_idempotency"),
            models.CheckConstraint(condition=Q(planned_cost__gt=0), name="funds_request_cost_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="funds_request_dates"
            ),
        ]
        indexes = [models.Index(fields=["brand", "status"]), models.Index(fields=["partner", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class FundClaim(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        PARTIAL = "partial", _("Partly approved")
        REFUSED = "refused", _("Refused")
        PAID = "paid", _("Paid")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(FundRequest, on_delete=models.PROTECT, related_name="claims")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    actual_cost = models.DecimalField(_("actual cost"), max_digits=14, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    approved_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    idempotency_key = models.CharField(max_length=255)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "idempotency_key"], name="funds_claim_idempotency"),
            models.CheckConstraint(condition=Q(actual_cost__gt=0), name="funds_claim_cost_positive"),
        ]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.actual_cost}"


class ClaimProof(models.Model):
    claim = models.ForeignKey(FundClaim, on_delete=models.CASCADE, related_name="proofs")
    kind = models.CharField(max_length=10, choices=ProofKind.choices)
    file = models.FileField(storage=proof_storage, upload_to="proofs/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class FundEntry(models.Model):
    """One movement of an allocation's money: appended, never updated nor deleted; ``amount`` is positive
    and the kind says which balances it moves (``relais.funds.ledger``)."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    allocation = models.ForeignKey(FundAllocation, on_delete=models.PROTECT, related_name="entries")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    request = models.ForeignKey(
        FundRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    claim = models.ForeignKey(
        FundClaim, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    # The validated sell-out the accrual was computed from (accrual entries only).
    basis = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "idempotency_key"], name="funds_entry_idempotency"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_entry_amount_positive"),
        ]
        indexes = [models.Index(fields=["allocation", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
