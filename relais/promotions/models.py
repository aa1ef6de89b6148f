"""Seasonal promotions: dated offers on products or families, their mechanics and eligible segments.

A promotion is shown to its eligible partners from ``announce_from`` (ahead of ``start``) and runs from
``start`` to ``end`` (local dates, inclusive). Its mechanics add to each other: extra points per unit sold of
a promoted product, a bonus reward once a partner's promoted units reach a threshold, a price message shown
to partners. Points are posted through the incentives ledger; ``PromotionCredit`` records which validated
line each posting covered, so a line never earns twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class PromotionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Promotion(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    announce_from = models.DateField(_("announced from"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    product_gtins = models.JSONField(_("products (GTIN)"), default=list, blank=True)
    families = models.JSONField(_("product families"), default=list, blank=True)
    # None of them: the whole network.
    segments = models.ManyToManyField(
        "network.Segment", blank=True, related_name="+", verbose_name=_("eligible segments")
    )
    points_per_unit = models.PositiveIntegerField(_("extra points per unit"), default=0)
    bonus_reward = models.ForeignKey(
        "incentives.Reward",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bonus reward"),
    )
    bonus_threshold_units = models.PositiveIntegerField(
        _("units for the bonus reward"), null=True, blank=True
    )
    price_message = models.CharField(_("price message"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PromotionStatus.choices, default=PromotionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start", "name"]
        indexes = [models.Index(fields=["brand", "status", "end"])]
        constraints = [
            models.CheckConstraint(
                name="promotion_dates_in_order", condition=models.Q(start__lte=models.F("end"))
            ),
            models.CheckConstraint(
                name="promotion_announced_before_start",
                condition=models.Q(announce_from__lte=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PromotionCredit(models.Model):
    """A validated line of an eligible partner that earned the promotion's extra points (once per line), or
    the partner's bonus reward (``line`` empty, once per partner). ``idempotency_key`` is the ledger entry's."""

    class Kind(models.TextChoices):
        UNITS = "units", _("Extra points per unit")
        BONUS = "bonus", _("Bonus reward")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="credits")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(
        "sellout.DeclarationLine", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.UNITS)
    units = models.IntegerField(default=0)
    points = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["promotion", "line"], name="promotion_credit_line_once"),
            models.UniqueConstraint(
                fields=["promotion", "partner"],
                condition=models.Q(kind="bonus"),
                name="promotion_bonus_once_per_partner",
            ),
        ]
        indexes = [models.Index(fields=["promotion", "partner"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.points} ({self.idempotency_key})"
