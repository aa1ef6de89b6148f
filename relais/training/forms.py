"""Forms of the training pages: the module editor, a question, a file, an assignment, a certification."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from relais.accounts.models import Role
from relais.network.models import Segment
from relais.training.models import AssignmentTarget, TrainingModule


class DateInput(forms.DateInput):
    input_type = "date"


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, *italics*, lists, links."),
    )
    videos = forms.CharField(
        label=_("Video links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: a title, a vertical bar, then the https link."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any")), *settings.LANGUAGES], required=False
    )
    product_family = forms.CharField(label=_("Product family"), max_length=100, required=False)
    points = forms.IntegerField(label=_("Points for completion"), min_value=0, initial=0, required=False)
    pass_mark = forms.IntegerField(label=_("Pass mark (%)"), min_value=0, max_value=100, initial=80)

    def clean_videos(self) -> list[dict[str, str]]:
        videos = []
        for line in (self.cleaned_data.get("videos") or "").splitlines():
            if not line.strip():
                continue
            title, _bar, url = line.rpartition("|")
            videos.append({"title": title.strip(), "url": url.strip()})
        return videos

    @staticmethod
    def initial_of(module: TrainingModule) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(module, name) for name in ModuleForm.base_fields}
        initial["videos"] = "\n".join(
            f"{v['title']} | {v['url']}" if v.get("title") else v["url"] for v in module.videos
        )
        return initial


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    choices = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One answer per line; start the right ones with a star (*)."),
    )

    def clean_choices(self) -> list[tuple[str, bool]]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        return [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


ROLE_CHOICES = [(Role.PARTNER_ADMIN.value, _("Administrators")), (Role.PARTNER_SELLER.value, _("Sellers"))]


class AssignmentForm(forms.Form):
    target = forms.ChoiceField(label=_("Assigned to"), choices=AssignmentTarget.choices)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none(), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *ROLE_CHOICES], required=False)
    program_id = forms.TypedChoiceField(
        label=_("Program"), choices=[], coerce=int, required=False, empty_value=None
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, brand: Any, programs: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = Segment.objects.filter(brand=brand)  # type: ignore[attr-defined]
        self.fields["program_id"].choices = [("", "—"), *programs]  # type: ignore[attr-defined]


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"), min_value=1, max_value=120, initial=12
    )
    modules = forms.ModelMultipleChoiceField(
        label=_("Modules to pass"),
        queryset=TrainingModule.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = TrainingModule.objects.filter(brand=brand)  # type: ignore[attr-defined]
