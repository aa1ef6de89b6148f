from django import forms
from django.utils.translation import gettext_lazy as _

from relais.api.models import BrandScope


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “ERP nightly export”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class BrandApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “ERP nightly export”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=BrandScope.choices, widget=forms.CheckboxSelectMultiple
    )
