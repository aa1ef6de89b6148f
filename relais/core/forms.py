"""Forms of the operator's console and of the brand's own settings. They clean input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

BRAND_USER_ROLES = [("brand_admin", _("Brand admin")), ("channel_manager", _("Channel manager"))]


class BrandCreateForm(forms.Form):
    name = forms.CharField(label=_("Brand name"), max_length=200)
    slug = forms.SlugField(label=_("Short name (in addresses)"), max_length=60)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    admin_email = forms.EmailField(label=_("E-mail of its first brand admin"))


class BrandSettingsForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), max_length=3)
    languages = forms.MultipleChoiceField(
        label=_("Languages offered"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    declaration_due_days = forms.IntegerField(
        label=_("Days after a month by which its sales are due"), min_value=0, max_value=60, required=False
    )
    holding_days = forms.IntegerField(label=_("Holding period of points (days)"), min_value=0, max_value=365)
    hold_until_reconciled = forms.BooleanField(
        label=_("Hold points until the period is reconciled"), required=False
    )
    anomaly_enabled = forms.BooleanField(label=_("Anomaly checks on"), required=False)
    line_ratio = forms.FloatField(label=_("A line is unusual above its usual size times"), min_value=1.01)
    month_ratio = forms.FloatField(label=_("A month is unusual above its usual volume times"), min_value=1.01)
    week_ratio = forms.FloatField(label=_("A week is unusual above its usual volume times"), min_value=1.01)
    min_excess_units = forms.IntegerField(label=_("Units above the usual before a flag"), min_value=0)
    logo = forms.FileField(label=_("Logo (PNG, JPEG or SVG, at most 512 KB)"), required=False)
    logo_remove = forms.BooleanField(label=_("Remove the logo"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = settings.LANGUAGES  # type: ignore[attr-defined]


# The anomaly thresholds a brand may set from its settings page (the engine's other tunables keep their
# tuned defaults): form field -> AnomalyThresholds field.
ANOMALY_FIELDS = {
    "anomaly_enabled": "enabled",
    "line_ratio": "line_ratio",
    "month_ratio": "month_ratio",
    "week_ratio": "week_ratio",
    "min_excess_units": "min_excess_units",
}


class BrandUserInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=BRAND_USER_ROLES)
