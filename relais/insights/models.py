"""Sell-out rollups: small tables the dashboards read, so no page ever scans the line table.

Three levels, all rebuilt by ``relais.insights.services.rollup_refresh`` from the counted lines of the
affected months — accepted lines only: a flagged line counts nowhere until the brand approves it, a rejected
one never:

- ``SelloutRollup``: month × partner × product family × channel × currency — the partner grain;
- ``ProductRollup``: month × partner × product — best sellers;
- ``SelloutCube``: month × (segment or the whole network) × one breakdown dimension — what the brand
  dashboard charts, a few hundred rows per month whatever the number of lines;
- ``FeedbackThemeRollup``: month × partner × feedback theme — counts of customer feedback by theme.

Amounts are kept as integer cents (exact sums on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand


class SelloutRollup(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # first day of the month of sale
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    units = models.BigIntegerField(default=0)
    amount_cents = models.BigIntegerField(default=0)
    lines = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["brand", "month"]),
            models.Index(fields=["brand", "partner", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month:%Y-%m} {self.family}/{self.channel}: {self.units}"


class ProductRollup(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    units = models.BigIntegerField(default=0)
    amount_cents = models.BigIntegerField(default=0)  # brand currency only
    lines = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["brand", "month"]),
            models.Index(fields=["brand", "partner", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month:%Y-%m} {self.product_id}: {self.units}"


class CubeDimension(models.TextChoices):
    TOTAL = "total", _("Total")
    FAMILY = "family", _("Product family")
    CHANNEL = "channel", _("Sales channel")
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    KIND = "kind", _("Partner kind")
    SEGMENT = "segment", _("Segment")


class SelloutCube(models.Model):
    """One figure of one breakdown for one month, over the whole network (``segment`` null) or a segment.

    Partner dimensions (country, region, kind, segment memberships) are read from the partner tables when
    the cube is rebuilt: a partner that moves is reflected at the next ``cube_refresh``. A partner's own
    refresh moves these rows by that partner's difference, so they always equal a rebuild from the rollups.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    segment = models.ForeignKey(
        "network.Segment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    dimension = models.CharField(max_length=10, choices=CubeDimension.choices)
    key = models.CharField(max_length=210, blank=True)
    units = models.BigIntegerField(default=0)
    amount_cents = models.BigIntegerField(default=0)  # brand currency only
    lines = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["brand", "dimension", "segment", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.key}: {self.units}"


class FeedbackThemeRollup(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    theme = models.CharField(max_length=20)
    lines = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["brand", "month"]), models.Index(fields=["brand", "partner"])]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month:%Y-%m} {self.theme}: {self.lines}"


class FeedbackThemeKeywords(models.Model):
    """A brand's own keyword list for one feedback theme, in place of ``feedback.DEFAULT_KEYWORDS``'s.

    Keywords are whole words or phrases as people write them (stemmed and accent-folded when comments are
    classified, see ``relais.insights.feedback``); one row per brand and theme, absent = the defaults.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    theme = models.CharField(_("theme"), max_length=20)
    keywords = models.JSONField(_("keywords"), default=list)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "theme"], name="insights_feedback_keywords_one_per_theme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.brand_id} {self.theme}: {len(self.keywords)}"
