"""The brand admin's form for a channel manager's scope: countries and segments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.network.models import Segment


class ChannelScopeForm(forms.Form):
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Two-letter codes separated by commas, e.g. FR, BE. Empty: every country."),
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Segments"),
        queryset=Segment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every segment."),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segments: forms.ModelMultipleChoiceField = self.fields["segments"]  # type: ignore[assignment]
        segments.queryset = Segment.objects.filter(brand=brand).order_by("name")

    @property
    def country_codes(self) -> list[str]:
        text = self.cleaned_data.get("countries") or ""
        return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
