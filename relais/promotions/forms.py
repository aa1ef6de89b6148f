"""The brand's promotion form."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.incentives.models import Reward
from relais.network.models import Segment

SEPARATORS = re.compile(r"[\s,;]+")


class PromotionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    announce_from = forms.DateField(
        label=_("Shown to partners from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    product_gtins = forms.CharField(
        label=_("Promoted products (GTINs)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    families = forms.CharField(label=_("Promoted families (comma separated)"), required=False)
    segments = forms.ModelMultipleChoiceField(
        label=_("Eligible segments (none: the whole network)"),
        queryset=Segment.objects.none(),
        required=False,
    )
    points_per_unit = forms.IntegerField(label=_("Extra points per unit sold"), min_value=0, initial=0)
    bonus_reward = forms.ModelChoiceField(
        label=_("Bonus reward"), queryset=Reward.objects.none(), required=False
    )
    bonus_threshold_units = forms.IntegerField(
        label=_("Units for the bonus reward"), min_value=1, required=False
    )
    price_message = forms.CharField(label=_("Price message to partners"), max_length=200, required=False)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = Segment.objects.filter(brand=brand).order_by("name")  # type: ignore[attr-defined]
        self.fields["bonus_reward"].queryset = Reward.objects.filter(brand=brand, is_active=True)  # type: ignore[attr-defined]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["product_gtins"] = [g for g in SEPARATORS.split(data["product_gtins"] or "") if g]
        data["families"] = [f.strip() for f in (data["families"] or "").split(",") if f.strip()]
        data["segments"] = list(data["segments"] or [])
        return data
