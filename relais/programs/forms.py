from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.network.models import Channel, Segment
from relais.programs import rules
from relais.programs.models import PolicyKind, Program

METRIC_LABELS = {
    "new_customers": _("New customers"),
    "repeat_share": _("Customers who buy again (%)"),
    "lost_customers": _("Lost customers"),
    "units": _("Sell-out units"),
    "amount": _("Sell-out amount"),
    "coverage": _("Accounts declaring (%)"),
    "on_time_share": _("Data shared on time (%)"),
}
LEVELS = [("channel", _("The channel as a whole")), ("account", _("Each account"))]


class DateInput(forms.DateInput):
    input_type = "date"


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    base = forms.ModelChoiceField(
        label=_("Base program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("None: this is the base program"),
    )
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none(), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = Program.objects.filter(brand=brand, base__isnull=True)  # type: ignore[attr-defined]
        self.fields["segment"].queryset = Segment.objects.filter(brand=brand)  # type: ignore[attr-defined]


class ObjectiveForm(forms.Form):
    metric = forms.ChoiceField(label=_("Measure"), choices=list(METRIC_LABELS.items()))
    level = forms.ChoiceField(label=_("Level"), choices=LEVELS)
    target = forms.DecimalField(label=_("Target"), min_value=0, decimal_places=2, max_digits=14)


class AspectForm(forms.Form):
    """An aspect written whole, as JSON (assortment: product ids; tiers: codes, criteria and benefits)."""

    key = forms.ChoiceField(choices=[(k, k) for k in rules.INHERITED_KEYS], widget=forms.HiddenInput())
    value = forms.CharField(label=_("Value (JSON)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def clean_value(self) -> Any:
        text = self.cleaned_data["value"].strip()
        if not text:
            return None  # back to the base's
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON.")) from exc


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PolicyKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))


class ObjectiveFileForm(forms.Form):
    """An objectives file and the period (and program) its rows are for."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: partner code, metric (units, amount, mix), target; optional family or product GTIN."
        ),
    )
    period_start = forms.DateField(label=_("Period start"), widget=DateInput)
    period_end = forms.DateField(label=_("Period end"), widget=DateInput)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Program.objects.filter(brand=brand)
