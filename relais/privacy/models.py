"""Personal data: a brand's retention setting for free-text feedback."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel

DEFAULT_FEEDBACK_RETENTION_MONTHS = 24


class PrivacySettings(TimeStampedModel):
    """One row per brand that changed the default; absent, the defaults apply."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="+")
    feedback_retention_months = models.PositiveSmallIntegerField(
        _("keep customer feedback for (months)"),
        default=DEFAULT_FEEDBACK_RETENTION_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    def __str__(self) -> str:
        return f"{self.brand_id}: {self.feedback_retention_months} months"
