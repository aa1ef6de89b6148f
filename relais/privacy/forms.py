from django import forms
from django.utils.translation import gettext_lazy as _


class RetentionForm(forms.Form):
    feedback_retention_months = forms.IntegerField(
        label=_("Keep customer feedback for (months)"),
        min_value=1,
        max_value=120,
        help_text=_("Older comments are removed by a daily job; the sales themselves stay."),
    )


class ErasureConfirmForm(forms.Form):
    """The operator types the person's e-mail address to confirm an erasure (it cannot be undone)."""

    confirm_email = forms.CharField(label=_("Type the person's e-mail address to confirm"), max_length=254)

    def __init__(self, *args, subject_email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subject_email = subject_email

    def clean_confirm_email(self) -> str:
        value = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.subject_email.lower():
            raise forms.ValidationError(_("This is not the person's e-mail address."))
        return value
