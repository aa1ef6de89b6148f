from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from relais.accounts import services
from relais.accounts.models import Role, User
from relais.core.client_ip import client_ip


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        email = (cleaned.get("email") or "").lower()
        password = cleaned.get("password")
        if not email or not password:
            return cleaned
        ip = client_ip(self.request) if self.request else ""
        if services.login_is_throttled(email=email, ip=ip):
            raise forms.ValidationError(
                _("Too many failed attempts. Wait 15 minutes or reset your password."), code="throttled"
            )
        user = authenticate(self.request, email=email, password=password)
        if not isinstance(user, User):  # None: no such user, or a wrong password
            services.login_failure_record(email=email, ip=ip)
            raise forms.ValidationError(_("E-mail or password is incorrect."), code="invalid_login")
        services.login_failures_clear(email=email, ip=ip)
        self.user = user
        return cleaned

    def user_is_operator(self) -> bool:
        """The authenticated user is a platform operator (the only role the admin's login lets in)."""
        return self.user is not None and self.user.is_operator


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form, with a limit on requests per e-mail and per client IP (``services``)."""

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        ip = client_ip(self.request) if self.request else ""
        if not services.password_reset_request_allow(email=email, ip=ip):
            raise forms.ValidationError(
                _("Too many password-reset requests. Wait an hour, then ask again."), code="throttled"
            )
        return email


class InvitationForm(forms.Form):
    """Who to invite into a partner company; the role choices depend on who invites."""

    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, inviter: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(Role.PARTNER_SELLER.value, Role.PARTNER_SELLER.label)]
        if inviter is not None and inviter.is_brand_user:
            choices.insert(0, (Role.PARTNER_ADMIN.value, Role.PARTNER_ADMIN.label))
        self.fields["role"].choices = choices  # type: ignore[attr-defined]
        self.fields["role"].initial = Role.PARTNER_SELLER.value
        if len(choices) == 1:
            self.fields["role"].widget = forms.HiddenInput()


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not too close to your name or e-mail."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
