"""The operators' admin of the network: partner companies with their sites (editable), segments (read-only).

A partner is changed through ``relais.followups.network.partner_update`` and its sites through the network
services, as on the brand's pages: the same validation, segment memberships and dashboard cube follow. Partners
are not added nor deleted here (they come with the brand's partner file; deleting one would take its
declarations and points with it): ``is_active`` switches one off.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from relais.core import validators
from relais.core.admin import ReadOnlyAdmin, form_value_checked
from relais.core.errors import ApplicationError
from relais.followups import network as network_followups
from relais.network import services
from relais.network.models import PartnerCompany, Segment, Site

PARTNER_FIELDS = services.PARTNER_EDITABLE_FIELDS
SITE_FIELDS = services.SITE_EDITABLE_FIELDS


class PartnerForm(forms.ModelForm):
    # Wider than the stored values: typed with spaces or as a name, they are normalised by the validators.
    country = forms.CharField(label=_("country"), max_length=60)
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=12, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=30, required=False)

    class Meta:
        model = PartnerCompany
        fields = PARTNER_FIELDS

    def clean_country(self) -> str:
        return form_value_checked(validators.normalise_country, self.cleaned_data["country"])

    def clean_siret(self) -> str:
        value = self.cleaned_data["siret"]
        return form_value_checked(validators.validate_siret, value) if value else ""

    def clean_siren(self) -> str:
        value = self.cleaned_data["siren"]
        return form_value_checked(validators.validate_siren, value) if value else ""

    def clean_vat_number(self) -> str:
        value = self.cleaned_data["vat_number"]
        return form_value_checked(validators.validate_vat, value) if value else ""


class SiteForm(forms.ModelForm):
    country = forms.CharField(label=_("country"), max_length=60)
    gln = forms.CharField(label=_("GLN"), max_length=20, required=False)

    class Meta:
        model = Site
        fields = SITE_FIELDS

    def clean_country(self) -> str:
        return form_value_checked(validators.normalise_country, self.cleaned_data["country"])

    def clean_gln(self) -> str:
        value = self.cleaned_data["gln"]
        return form_value_checked(validators.validate_gln, value) if value else ""


class SiteInline(admin.TabularInline):
    model = Site
    form = SiteForm
    fields = SITE_FIELDS
    extra = 0

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Declarations keep their site; a site is renamed or moved, not deleted.
        return False


@admin.register(PartnerCompany)
class PartnerCompanyAdmin(admin.ModelAdmin):
    form = PartnerForm
    inlines = (SiteInline,)
    fields = (
        "brand",
        "code",
        *PARTNER_FIELDS,
        "activity_amount_12m",
        "activity_tier",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("brand", "code", "activity_amount_12m", "activity_tier", "created_at", "updated_at")
    list_display = ("name", "code", "brand", "kind", "country", "city", "activity_tier", "is_active")
    list_select_related = ("brand",)
    list_filter = ("brand", "kind", "activity_tier", "is_active")
    search_fields = ("name", "code", "city", "siret")
    # A select of every partner company would load the whole network.
    raw_id_fields = ("parent",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PartnerCompany | None = None) -> bool:
        return False

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # What the forms cannot check (a parent that makes a cycle) the services refuse: the whole save is
        # rolled back and the operator reads why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: PartnerCompany, form: Any, change: bool) -> None:
        # The form has already set the new values on ``obj``: the service compares them to the stored row.
        stored = PartnerCompany.objects.get(pk=obj.pk)
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in PARTNER_FIELDS}
        network_followups.partner_update(partner=stored, **changed)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        partner = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for site_form in formset.forms:
            if not site_form.has_changed():
                continue
            if site_form.instance.pk is None:
                values = {name: site_form.cleaned_data[name] for name in SITE_FIELDS}
                formset.new_objects.append(services.site_create(partner=partner, **values))
            else:
                changed = [name for name in site_form.changed_data if name in SITE_FIELDS]
                values = {name: site_form.cleaned_data[name] for name in changed}
                site = services.site_update(site=site_form.instance, **values)
                formset.changed_objects.append((site, changed))


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    """Read-only: a segment's rules decide its members, which ``relais.followups.network`` recomputes."""

    list_display = ("name", "brand", "member_count", "computed_at")
    list_select_related = ("brand",)
    list_filter = ("brand",)
    search_fields = ("name",)
