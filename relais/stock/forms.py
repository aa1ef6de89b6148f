"""The partner's stock form: one product's stock on hand on a date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StockEntryForm(forms.Form):
    gtin = forms.CharField(label=_("GTIN"), max_length=20)
    stock_date = forms.DateField(label=_("Stock date"), widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label=_("Quantity on hand"), min_value=0, max_value=10_000_000)
