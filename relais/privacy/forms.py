from django import forms
from django.utils.translation import gettext_lazy as _


class RetentionForm(forms.Form):
    feedback_retention_months = forms.IntegerField(
        label=_("Keep customer feedback for (months)"),
        min_value=1,
        max_value=120,
        help_text=_("Older comments are removed by a daily job; the sales themselves stay."),
    )
