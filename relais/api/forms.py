from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the key is for, e.g. “ERP nightly export”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
