"""The operators' admin of users (editable, e-mail login) and invitations (read-only, without the token).

A user's role decides what it reaches: operators are staff (the admin) and superusers; nobody else is. The
admin keeps that true on every save, as ``relais.accounts.services.user_create`` does, so groups and
per-user permissions are not used (the auth ``Group`` admin is taken off the site).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from relais.accounts.models import PARTNER_ROLES, Invitation, Role, User
from relais.core.admin import ReadOnlyAdmin


def _role_attachment_clean(form: forms.ModelForm) -> None:
    """An operator belongs to no brand, only partner users to a partner (of their brand), as in
    ``user_create``; the check constraints then hold for every other role."""
    cleaned = form.cleaned_data
    role = cleaned.get("role")
    if role == Role.OPERATOR:
        cleaned["brand"] = None
    if role not in PARTNER_ROLES:
        cleaned["partner"] = None
    partner = cleaned.get("partner")
    if partner is not None:
        if cleaned.get("brand") is None:
            cleaned["brand"] = partner.brand
        elif cleaned["brand"].pk != partner.brand_id:
            form.add_error("partner", _("The partner company must belong to the user's brand."))


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role", "brand", "partner")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        _role_attachment_clean(self)
        return self.cleaned_data


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        _role_attachment_clean(self)
        return self.cleaned_data


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin (password set and changed through its forms, hashed) on an e-mail login."""

    form = UserEditForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Role"), {"fields": ("role", "brand", "partner", "is_active")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "preferred_language")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "role", "brand", "partner", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("email", "role", "brand", "partner", "is_active", "last_login")
    list_select_related = ("brand", "partner")
    list_filter = ("role", "is_active", "brand")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    # A select of every partner company would load the whole network.
    raw_id_fields = ("partner",)
    filter_horizontal = ()
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        obj.is_staff = obj.is_superuser = obj.role == Role.OPERATOR
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # A user's points and declarations stay; a user who leaves is made inactive.
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    hidden_fields = ("token_hash",)
    list_display = ("email", "role", "brand", "partner", "created_at", "expires_at", "accepted_at")
    list_select_related = ("brand", "partner")
    list_filter = ("role", "brand")
    search_fields = ("email",)


admin.site.unregister(Group)
