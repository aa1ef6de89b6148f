"""Forms of the incentives pages. They only parse input; services decide."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.incentives.models import Challenge, ObjectiveMetric, PointsEntry, RuleKind
from relais.incentives.texts import form_field_name
from relais.network.models import PartnerCompany, Segment
from relais.network.widgets import PartnerPicker
from relais.sellout.models import SaleChannel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    """A model choice field of ``form``, to scope its queryset to the brand."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace(";", ",").split(",") if part.strip()]


def _text_fields() -> dict[str, forms.Field]:
    """``name_<lang>`` and ``description_<lang>`` for each language the brand may write in."""
    fields: dict[str, forms.Field] = {}
    for language, label in TEXT_LANGUAGE_LABELS.items():
        fields[form_field_name("name", language)] = forms.CharField(
            label=_("Name · %(language)s") % {"language": label}, max_length=200, required=False
        )
        fields[form_field_name("description", language)] = forms.CharField(
            label=_("Description · %(language)s") % {"language": label},
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            help_text=_("Empty: partners reading this language see the name and description above."),
        )
    return fields


TEXT_LANGUAGE_LABELS = {"fr": _("French"), "en": _("English"), "de": _("German")}


class ChallengeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    budget_points = forms.IntegerField(
        label=_("Budget (points)"), min_value=0, required=False, help_text=_("Empty: no cap.")
    )
    beneficiary = forms.ChoiceField(label=_("Beneficiary"), choices=Challenge.Beneficiary.choices)
    segments = forms.ModelMultipleChoiceField(
        label=_("Eligible segments"),
        queryset=Segment.objects.none(),
        required=False,
        help_text=_("None selected: every partner takes part."),
        widget=forms.CheckboxSelectMultiple,
    )
    points_validity_days = forms.IntegerField(label=_("Points valid for (days)"), min_value=1, initial=365)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "segments").queryset = Segment.objects.filter(brand=brand)
        self.fields.update(_text_fields())


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    points = forms.DecimalField(label=_("Points"), max_digits=12, decimal_places=2, required=False, initial=0)
    factor = forms.DecimalField(label=_("Factor"), max_digits=6, decimal_places=2, required=False, initial=1)
    channel = forms.ChoiceField(
        label=_("Sale channel"), choices=[("", _("Any")), *list(SaleChannel.choices)], required=False
    )
    product_gtins = forms.CharField(label=_("Only these GTINs (comma-separated)"), required=False)
    families = forms.CharField(label=_("Only these families (comma-separated)"), required=False)
    on_time_days = forms.IntegerField(
        label=_("On time: days after the period end"), min_value=0, required=False, initial=10
    )
    tiers = forms.CharField(
        label=_("Tiers (percent:points, comma-separated)"),
        required=False,
        help_text=_("e.g. 80:100, 100:300, 120:600"),
    )

    def clean_tiers(self) -> list[list[Any]]:
        tiers = []
        for part in _split(self.cleaned_data.get("tiers", "")):
            try:
                percent, points = part.split(":")
                tiers.append([float(percent), int(points)])
            except ValueError as exc:
                raise forms.ValidationError(_("Write tiers as percent:points, e.g. 100:300.")) from exc
        return tiers

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data["kind"] == RuleKind.QUALITY_BONUS:
            params["on_time_days"] = data.get("on_time_days") or 0
        if data["kind"] == RuleKind.OBJECTIVE_BONUS:
            params["tiers"] = data["tiers"]
        return {
            "points": data.get("points") or Decimal(0),
            "factor": data.get("factor") or Decimal(1),
            "channel": data.get("channel") or "",
            "product_gtins": _split(data.get("product_gtins", "")),
            "families": _split(data.get("families", "")),
            "params": params,
        }

    @classmethod
    def initial_for(cls, rule: Any) -> dict[str, Any]:
        return {
            "kind": rule.kind,
            "points": rule.points,
            "factor": rule.factor,
            "channel": rule.channel,
            "product_gtins": ", ".join(rule.product_gtins),
            "families": ", ".join(rule.families),
            "on_time_days": rule.params.get("on_time_days", 10),
            "tiers": ", ".join(f"{t:g}:{p}" for t, p in rule.params.get("tiers", [])),
        }


class BacktestForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)


class LedgerFilterForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=PartnerCompany.objects.none(), required=False
    )
    challenge = forms.ModelChoiceField(
        label=_("Challenge"), queryset=Challenge.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All")), *list(PointsEntry.Kind.choices)], required=False
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "partner").queryset = PartnerCompany.objects.filter(brand=brand)
        _choices(self, "challenge").queryset = Challenge.objects.filter(brand=brand)


class AdjustForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=PartnerCompany.objects.none())
    amount = forms.IntegerField(label=_("Points (+/-)"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "partner").queryset = PartnerCompany.objects.filter(brand=brand)


class ObjectiveForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=PartnerCompany.objects.none(), widget=PartnerPicker()
    )
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    metric = forms.ChoiceField(label=_("Metric"), choices=ObjectiveMetric.choices)
    target = forms.DecimalField(label=_("Target"), max_digits=16, decimal_places=2, min_value=Decimal("0.01"))

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "partner").queryset = PartnerCompany.objects.filter(brand=brand)


class ObjectiveProposeForm(forms.Form):
    period_start = forms.DateField(label=_("Period start"), widget=DATE)
    period_end = forms.DateField(label=_("Period end"), widget=DATE)
    metric = forms.ChoiceField(label=_("Metric"), choices=ObjectiveMetric.choices)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none(), required=False)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "segment").queryset = Segment.objects.filter(brand=brand)


class RewardForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    points_price = forms.IntegerField(label=_("Price (points)"), min_value=1)
    stock = forms.IntegerField(
        label=_("Stock"), min_value=0, required=False, help_text=_("Empty: unlimited.")
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Eligible segments"),
        queryset=Segment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None selected: every partner."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    image_url = forms.URLField(label=_("Image URL"), required=False, assume_scheme="https")
    variants = forms.CharField(
        label=_("Variants"),
        required=False,
        max_length=500,
        help_text=_("Comma-separated, e.g. S, M, L, XL: the partner chooses one when ordering."),
    )
    needs_delivery = forms.BooleanField(label=_("Ask for a delivery address"), required=False, initial=False)
    is_premium = forms.BooleanField(
        label=_("Premium: reserved to program tiers with rewards eligibility"),
        required=False,
        initial=False,
        help_text=_(
            "Only partners whose current program tier grants premium rewards (a tier benefit) may order it; "
            "the others see it in their catalogue with the tiers that give access."
        ),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "segments").queryset = Segment.objects.filter(brand=brand)
        self.fields.update(_text_fields())

    def clean_variants(self) -> list[str]:
        return [v.strip() for v in (self.cleaned_data.get("variants") or "").split(",") if v.strip()]


class RedeemForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)
    # A fresh key per rendered form: a double click or a resent form makes one order, not two.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    variant = forms.CharField(label=_("Variant"), required=False, max_length=60)
    delivery_address = forms.CharField(
        label=_("Delivery address"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
