"""Forms of the communications pages (validation of shape; the rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.accounts.models import Role
from relais.comms.models import Category, ContentItem, ContentKind, MessageKind
from relais.core.models import Brand
from relais.network.models import PartnerKind, Segment

LANGUAGE_CHOICES = [("", _("Every language")), ("en", _("English")), ("fr", _("French"))]


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(MessageKind.ANNOUNCEMENT, _("Announcement")), (MessageKind.NEWSLETTER, _("Newsletter"))],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Category.choices,
        help_text=_("Marketing e-mails carry an unsubscribe link; transactional ones do not."),
    )
    subject_fr = forms.CharField(label=_("Subject (French)"), max_length=200, required=False)
    body_fr = forms.CharField(
        label=_("Text (French, Markdown)"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Text (English, Markdown)"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Segments"),
        queryset=Segment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_kinds = forms.MultipleChoiceField(
        label=_("Partner kinds"),
        choices=PartnerKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.CharField(
        label=_("Countries"), required=False, help_text=_("Two-letter codes separated by commas (FR, BE).")
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=[(Role.PARTNER_ADMIN, _("Partner admin")), (Role.PARTNER_SELLER, _("Partner seller"))],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    content_items = forms.ModelMultipleChoiceField(
        label=_("Sales aids"),
        queryset=ContentItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segments = self.fields["segments"]
        assert isinstance(segments, forms.ModelMultipleChoiceField)
        segments.queryset = Segment.objects.filter(brand=brand).order_by("name")
        items = self.fields["content_items"]
        assert isinstance(items, forms.ModelMultipleChoiceField)
        items.queryset = ContentItem.objects.filter(
            brand=brand, status=ContentItem.Status.PUBLISHED
        ).order_by("title")

    def clean_countries(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["countries"].split(",") if c.strip()]


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to send now."),
    )


class ContentItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    segments = forms.ModelMultipleChoiceField(
        label=_("Segments"),
        queryset=Segment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: every partner."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    co_branded = forms.BooleanField(
        label=_("Co-branded PDF"),
        required=False,
        help_text=_("Each partner downloads it stamped with its name and contact block."),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        segments = self.fields["segments"]
        assert isinstance(segments, forms.ModelMultipleChoiceField)
        segments.queryset = Segment.objects.filter(brand=brand).order_by("name")


class ContentVersionForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Every kind")), *ContentKind.choices], required=False
    )
