"""The operators' Django admin: brands (editable) and background jobs (read-only).

Only platform operators reach /admin/: the site lets in ``is_staff`` users, and a user is staff exactly when
its role is operator (``relais.accounts.services.user_create``, ``relais.accounts.admin.UserAdmin``).

``ReadOnlyAdmin`` is the base of every admin that shows a ledger or a record nobody edits by hand (points,
orders, declarations, jobs): list, filters, search and detail, no add, change nor delete, whoever asks.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from relais.core import validators
from relais.core.models import Brand, Job


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show every field of a row, change none. Changelists never count the whole table (large ledgers)."""

    show_full_result_count = False
    # Fields never shown, not even read-only (a secret's hash).
    hidden_fields: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return tuple(field.name for field in self.model._meta.fields if field.name not in self.hidden_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> tuple[str, ...]:
        return self.get_fields(request, obj)


def form_value_checked(validator: Callable[[object], str], value: object) -> str:
    """A value normalised by one of ``relais.core.validators``, its ``ValueError`` made a form error."""
    try:
        return validator(value)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from exc


class BrandForm(forms.ModelForm):
    class Meta:
        model = Brand
        fields = ("slug", "name", "currency", "is_active")

    def clean_currency(self) -> str:
        return form_value_checked(validators.validate_currency, self.cleaned_data["currency"])


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    """The tenants. Not deleted here: a brand's deletion would take its whole network and ledger with it;
    ``is_active`` switches a brand off."""

    form = BrandForm
    list_display = ("name", "slug", "currency", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    readonly_fields = ("created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Brand | None = None) -> tuple[str, ...]:
        # The slug names the brand in commands and files: set once, at creation.
        return (*self.readonly_fields, "slug") if obj is not None else tuple(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Brand | None = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "status", "brand", "partner_id", "progress", "finished_at")
    list_select_related = ("brand",)
    list_filter = ("status", "brand")
    search_fields = ("kind", "message")
    raw_id_fields = ("brand", "created_by")

    @admin.display(description=_("progress"))
    def progress(self, job: Job) -> str:
        return f"{job.percent} %"
