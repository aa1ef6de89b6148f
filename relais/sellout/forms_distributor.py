"""Forms of a distributor's pages: declare for one of its resellers, and map a file with a reseller column."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from relais.network.models import PartnerCompany
from relais.sellout.distributor import RESELLER_FIELD, RESELLER_LABEL
from relais.sellout.forms import DateInput, MappingForm, period_check, previous_month
from relais.sellout.ingest.fields import FIELDS, FieldSpec


def _reseller_label(partner: PartnerCompany) -> str:
    return f"{partner.name} ({partner.code})"


class OnBehalfForm(forms.Form):
    """Whose sales (one of the distributor's resellers) and for which period."""

    reseller = forms.ModelChoiceField(label=_("Reseller"), queryset=PartnerCompany.objects.none())
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args: Any, resellers: QuerySet[PartnerCompany], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        reseller_field: forms.ModelChoiceField = self.fields["reseller"]  # type: ignore[assignment]
        reseller_field.queryset = resellers
        reseller_field.label_from_instance = _reseller_label  # type: ignore[method-assign,assignment]
        start, end = previous_month(today)
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period_check(self, data.get("period_start"), data.get("period_end"), today=self.today)
        return data


class OnBehalfLineForm(forms.Form):
    """One sale typed by hand; text only, the engine checks it (and names the field at fault)."""

    gtin = forms.CharField(label=_("GTIN"), required=False, max_length=20)
    sale_date = forms.CharField(label=_("Date of sale"), required=False, widget=DateInput())
    quantity = forms.CharField(
        label=_("Quantity"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    amount = forms.CharField(
        label=_("Amount"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    invoice_ref = forms.CharField(label=_("Invoice ref."), required=False, max_length=60)

    def as_row(self) -> dict[str, object]:
        data = getattr(self, "cleaned_data", {})
        return {name: str(data.get(name) or "").strip() for name in self.fields if data.get(name)}


OnBehalfLineFormSet = forms.formset_factory(OnBehalfLineForm, extra=5, max_num=50)

# The mapping of a distributor's file: the line's fields and, required, the reseller of each line.
ON_BEHALF_FIELDS: list[FieldSpec] = [
    *FIELDS,
    FieldSpec(name=RESELLER_FIELD, label=RESELLER_LABEL, required=True),
]


class OnBehalfMappingForm(MappingForm):
    """The partner's mapping step with one more target: the column of the reseller code."""

    def __init__(self, *args: Any, headers: list[str], proposed: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, fields_spec=ON_BEHALF_FIELDS, headers=headers, proposed=proposed, **kwargs)
        del self.fields["period_start"], self.fields["period_end"]
