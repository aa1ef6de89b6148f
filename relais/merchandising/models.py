"""Point-of-sale material partners order, and store execution checks (checklist and photos) the brand reviews.

POS material: the brand's catalogue of items (stock, a per-partner limit, free or paid in points) and the
partners' orders (requested → approved or refused → shipped). An order takes its stock when requested, under
the item's row lock, so the stock never goes below zero; a refusal gives it back (and the points, by a refund
entry of the ledger). Store checks: a checklist per program or campaign; a partner's visit answers each item
(yes/no, a number, a photo); the brand accepts or rejects each answer with a comment. Photos are stored in the
private media directory (never served by the web server) and reach users only through a permission-checked view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import BrandOwnedModel


def _item_photo_path(instance: PosItem, filename: str) -> str:
    return f"merchandising/{instance.brand_id}/items/{filename}"


def _answer_photo_path(instance: VisitAnswer, filename: str) -> str:
    return f"merchandising/{instance.visit.brand_id}/visits/{instance.visit_id}/{filename}"


class PosItem(BrandOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    photo = models.FileField(_("photo"), upload_to=_item_photo_path, blank=True)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    per_partner_limit = models.PositiveIntegerField(_("limit per partner"), null=True, blank=True)
    # 0: free. Paid items are debited from the partner's points when ordered.
    points_price = models.PositiveIntegerField(_("price (points)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PosOrder(BrandOwnedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SHIPPED = "shipped", _("Shipped")

    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PosItem, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    points_total = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    idempotency_key = models.CharField(max_length=120)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=300, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "idempotency_key"], name="pos_order_key_once"),
            models.CheckConstraint(name="pos_order_quantity_positive", condition=models.Q(quantity__gt=0)),
        ]
        indexes = [models.Index(fields=["brand", "status"]), models.Index(fields=["item", "partner"])]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id} ({self.status})"


class Checklist(BrandOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    campaign = models.ForeignKey(
        "comms.Message",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        NUMBER = "number", _("Number")
        PHOTO = "photo", _("Photo required")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.YES_NO)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class StoreVisit(BrandOwnedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        REVIEWED = "reviewed", _("Reviewed")

    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visit date"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["brand", "status"]), models.Index(fields=["partner", "checklist"])]

    def __str__(self) -> str:
        return f"{self.checklist_id} {self.visited_on}"


class VisitAnswer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    visit = models.ForeignKey(StoreVisit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    value_bool = models.BooleanField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    photo = models.FileField(upload_to=_answer_photo_path, blank=True)
    photo_type = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="visit_answer_once")]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.item_id} {self.status}"
