"""Forms of the brand's review queue: its filters, and a review (lines, decision, reason, note)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from relais.network.models import PartnerCompany
from relais.network.widgets import PartnerPicker
from relais.sellout.models import ReviewReason
from relais.sellout.review import MAX_LINES_PER_REVIEW, NOTE_MAX_LENGTH
from relais.sellout.review_queue import ReviewQueueFilter, flag_reason_choices


class _DateInput(forms.DateInput):
    input_type = "date"


class ReviewQueueFilterForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=PartnerCompany.objects.none(),
        required=False,
        widget=PartnerPicker(),
    )
    period_from = forms.DateField(label=_("Sold from"), required=False, widget=_DateInput())
    period_to = forms.DateField(label=_("Sold until"), required=False, widget=_DateInput())

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reason_field: forms.ChoiceField = self.fields["reason"]  # type: ignore[assignment]
        reason_field.choices = [("", _("All reasons")), *flag_reason_choices()]
        partner_field: forms.ModelChoiceField = self.fields["partner"]  # type: ignore[assignment]
        partner_field.queryset = PartnerCompany.objects.filter(brand=brand).only("pk", "name", "code")

    def criteria(self) -> ReviewQueueFilter:
        """The filter the form says (none when it is not valid)."""
        if not self.is_valid():
            return ReviewQueueFilter()
        data = self.cleaned_data
        return ReviewQueueFilter(
            reason=data.get("reason") or "",
            partner=data.get("partner"),
            period_from=data.get("period_from"),
            period_to=data.get("period_to"),
        )


class ReviewForm(forms.Form):
    """A review of one line or many: which lines, approve or reject, a preset reason, an optional note."""

    line = forms.TypedMultipleChoiceField(coerce=int, required=True)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.ChoiceField(label=_("Reason"), choices=ReviewReason.choices, required=False)
    note = forms.CharField(label=_("Note (optional)"), max_length=NOTE_MAX_LENGTH, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        line_field: forms.TypedMultipleChoiceField = self.fields["line"]  # type: ignore[assignment]
        # Any id is a choice here: the service refuses lines that are not the brand's.
        values = self.data.getlist("line") if isinstance(self.data, QueryDict) else []
        line_field.choices = [(value, value) for value in values]
        line_field.error_messages["required"] = _("Select at least one line.")

    def clean_line(self) -> list[int]:
        lines: list[int] = self.cleaned_data["line"]
        if len(lines) > MAX_LINES_PER_REVIEW:
            raise forms.ValidationError(
                _("Review at most %(max)s lines at once."), params={"max": MAX_LINES_PER_REVIEW}
            )
        return lines

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"

    @property
    def reason_code(self) -> str:
        """The reason chosen, else the default of the decision (approved: checked; rejected: other)."""
        chosen: str = self.cleaned_data.get("reason") or ""
        return chosen or (ReviewReason.CHECKED if self.approve else ReviewReason.OTHER)
