"""Forms of merchandising: the brand's POS items and checklists, a partner's order quantity."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.comms.models import Message
from relais.core.models import Brand
from relais.merchandising.models import ChecklistItem
from relais.programs.models import Program


class PosItemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    photo = forms.FileField(label=_("Photo (JPEG or PNG)"), required=False)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, initial=0)
    per_partner_limit = forms.IntegerField(
        label=_("Limit per partner (empty: none)"), min_value=1, required=False
    )
    points_price = forms.IntegerField(label=_("Price in points (0: free)"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("Offered to partners"), required=False, initial=True)


class OrderForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class ChecklistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Message.objects.none(), required=False)
    items = forms.CharField(
        label=_("Items, one per line: yes_no, number or photo, then | and the label"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "photo | Vitrine"}),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Message.objects.filter(brand=brand).exclude(kind="notification")  # type: ignore[attr-defined]

    def clean_items(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            kind, sep, label = line.partition("|")
            if not sep:
                kind, label = ChecklistItem.Kind.YES_NO, line
            rows.append((kind.strip().lower(), label.strip()))
        return rows
