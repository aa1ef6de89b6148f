from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts import selectors, services
from relais.accounts.access import access_partner_by_id
from relais.accounts.forms import InvitationAcceptForm, InvitationForm, LoginForm, PasswordResetRequestForm
from relais.accounts.models import Role, User
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError


def login_view(request: HttpRequest) -> HttpResponse:
    return _login(request, operators_only=False)


def admin_login_view(request: HttpRequest) -> HttpResponse:
    """The Django admin's login, through the same throttled form; only platform operators get in."""
    return _login(request, operators_only=True)


def _login(request: HttpRequest, *, operators_only: bool) -> HttpResponse:
    if request.user.is_authenticated and not operators_only:
        return redirect("home")
    form = LoginForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid() and operators_only and not form.user_is_operator():
        form.add_error(None, _("This login is for platform operators. Log in on the home page instead."))
    if request.method == "POST" and form.is_valid():
        user = form.user
        assert user is not None  # a valid login form authenticated its user
        login(request, user)
        next_url = request.POST.get("next") or request.GET.get("next")
        response = redirect(
            next_url
            if next_url
            and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
            else "home"
        )
        if user.preferred_language:
            translation.activate(user.preferred_language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            )
        return response
    status = (
        429 if form.errors and any(e.code == "throttled" for e in form.non_field_errors().as_data()) else 200
    )
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status
    )


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Django's reset view with the rate-limited form: a refused request is a 429 naming the wait."""

    form_class = PasswordResetRequestForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if any(error.code == "throttled" for error in form.errors.as_data().get("email", [])):
            response.status_code = 429
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


# --- invitations ------------------------------------------------------------------------------------


def _back_to_partner(user: User, partner_id: int) -> HttpResponse:
    if user.is_partner_user:
        return redirect("network:portal_home")
    return redirect("network:partner_detail", pk=partner_id)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_POST
def invitation_create_view(request: AuthedRequest, partner_id: int) -> HttpResponse:
    """Invite a user into a partner company: brand staff (admin or seller) or the partner's own admin (seller)."""
    user = request.user
    if not (user.is_brand_user or user.role == Role.PARTNER_ADMIN):
        raise PermissionDenied
    partner = access_partner_by_id(user=user, partner_id=partner_id)
    form = InvitationForm(request.POST, inviter=user)
    if form.is_valid():
        try:
            invitation = services.invitation_send(
                invited_by=user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                partner=partner,
                base_url=_base_url(request),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            # The same words whether or not the address has an account (then no invitation is made).
            email = invitation.email if invitation else form.cleaned_data["email"].strip().lower()
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return _back_to_partner(user, partner.pk)


@login_required
@require_POST
def invitation_resend_view(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_find_for_user(user=request.user, invitation_id=pk)
    if invitation is None or invitation.partner_id is None:
        raise Http404
    try:
        services.invitation_resend(invitation=invitation, by=request.user, base_url=_base_url(request))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return _back_to_partner(request.user, invitation.partner_id)


@login_required
@require_POST
def invitation_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_find_for_user(user=request.user, invitation_id=pk)
    if invitation is None or invitation.partner_id is None:
        raise Http404
    partner_id = invitation.partner_id
    try:
        services.invitation_revoke(invitation=invitation, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return _back_to_partner(request.user, partner_id)


@login_required
@require_POST
def user_set_active_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Switch a partner user's access off or back on (POST ``is_active`` = "true"/"false")."""
    target = selectors.partner_user_find_for_manager(by=request.user, user_id=pk)
    if target is None or target.partner_id is None:
        raise Http404
    is_active = request.POST.get("is_active") == "true"
    try:
        services.user_set_active(user=target, by=request.user, is_active=is_active)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if is_active:
            messages.success(request, _("%(email)s can log in again.") % {"email": target.email})
        else:
            messages.success(request, _("%(email)s can no longer log in.") % {"email": target.email})
    return _back_to_partner(request.user, target.partner_id)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitee lands on from the e-mail: choose a name and password, then straight in."""
    invitation = selectors.invitation_find_by_token(token=token)
    try:
        services.invitation_check(invitation)
    except ApplicationError as exc:
        return render(request, "accounts/invitation_invalid.html", {"message": exc.message}, status=410)
    assert invitation is not None
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Relais, %(name)s.") % {"name": user.display_name})
            return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})
