"""Forms of the funds pages; the services check the rules again (the API has no forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.funds.models import ActivityType, AllocationKind, FundAllocation, ProofKind
from relais.network.models import PartnerCompany
from relais.programs.models import Program

DECISIONS = [("full", _("Approve in full")), ("partial", _("Approve in part")), ("refused", _("Refuse"))]


class ActivityTypeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    required_proofs = forms.MultipleChoiceField(
        label=_("Proofs required"),
        choices=ProofKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BudgetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    total = forms.DecimalField(label=_("Total"), min_value=0, decimal_places=2)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["program"].empty_label = _("Brand-wide")  # type: ignore[attr-defined]


class AllocationForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=PartnerCompany.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AllocationKind.choices)
    amount = forms.DecimalField(label=_("Fixed amount"), min_value=0, decimal_places=2, required=False)
    percent = forms.DecimalField(
        label=_("Percentage of sell-out"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    cap = forms.DecimalField(label=_("Cap"), min_value=0, decimal_places=2, required=False)

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerCompany.objects.filter(brand=brand, is_active=True)  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    allocation = forms.ModelChoiceField(label=_("Budget"), queryset=FundAllocation.objects.none())
    activity_type = forms.ModelChoiceField(label=_("Activity"), queryset=ActivityType.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    planned_cost = forms.DecimalField(label=_("Planned cost"), min_value=0.01, decimal_places=2)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    expected_results = forms.CharField(label=_("Expected results"), widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)

    def __init__(self, *args: Any, partner: PartnerCompany, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = FundAllocation.objects.filter(  # type: ignore[attr-defined]
            brand_id=partner.brand_id, partner=partner
        ).select_related("budget")
        self.fields["allocation"].label_from_instance = lambda a: a.budget.name  # type: ignore[attr-defined]
        self.fields["activity_type"].queryset = ActivityType.objects.filter(  # type: ignore[attr-defined]
            brand_id=partner.brand_id, is_active=True
        )
        # A single budget or activity type is chosen already (the usual case on a phone).
        for name in ("allocation", "activity_type"):
            choices = list(self.fields[name].queryset[:2])  # type: ignore[attr-defined]
            if len(choices) == 1:
                self.fields[name].initial = choices[0].pk


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ClaimForm(forms.Form):
    actual_cost = forms.DecimalField(label=_("Actual cost"), min_value=0.01, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    amount = forms.DecimalField(label=_("Amount (in part)"), min_value=0, decimal_places=2, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class PaymentForm(forms.Form):
    reference = forms.CharField(label=_("Payment reference"), max_length=100)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
