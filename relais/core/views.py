from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts import services as accounts_services
from relais.accounts.access import access_brand_admin
from relais.accounts.models import BRAND_ROLES, Role, User
from relais.accounts.selectors import brand_people
from relais.accounts.types import AuthedRequest
from relais.audit.services import audit_record
from relais.core.brand_settings import brand_languages, brand_settings_find, brand_settings_save
from relais.core.errors import ApplicationError
from relais.core.forms import ANOMALY_FIELDS, BrandCreateForm, BrandSettingsForm, BrandUserInviteForm
from relais.core.jobs import job_live
from relais.core.models import Brand, Job
from relais.core.operator import brand_usage
from relais.incentives.selectors import incentive_settings_of
from relais.incentives.services import incentive_settings_save
from relais.network.models import PartnerCompany
from relais.sellout.anomalies.thresholds import anomaly_thresholds_set, thresholds_for
from relais.sellout.models import Declaration, DeclarationLine

USAGE_DAYS = 30


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Send each role to its own home."""
    user = request.user
    if user.is_operator:
        return redirect("operator_home")
    if user.is_brand_user:
        return redirect("network:brand_home")
    if user.is_partner_user:
        return redirect("network:portal_home")
    raise PermissionDenied


@login_required
def job_status(request: AuthedRequest, job_id: int) -> HttpResponse:
    """The progress fragment an htmx page polls while a job runs."""
    job = job_live(get_object_or_404(_jobs_visible_to(request.user), pk=job_id))
    response = render(request, "core/partials/job_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Trigger"] = "job-finished"
    return response


def _jobs_visible_to(user: User) -> QuerySet[Job]:
    """Every job for an operator, the brand's jobs for its users, a partner's own jobs for a partner user."""
    if user.is_operator:
        return Job.objects.all()
    # A check constraint gives every brand and partner user a brand.
    if user.brand_id is None or not (user.is_brand_user or user.is_partner_user):
        raise PermissionDenied
    jobs = Job.objects.filter(brand_id=user.brand_id)
    if user.is_partner_user:
        jobs = jobs.filter(partner_id=user.partner_id)
    return jobs


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# --- the operator's console -------------------------------------------------------------------------


def _operator(request: AuthedRequest) -> User:
    if not request.user.is_operator:
        raise PermissionDenied
    return request.user


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _usage() -> list[Any]:
    since = timezone.now() - timedelta(days=USAGE_DAYS)
    return brand_usage(
        counts={
            "partners": PartnerCompany.objects.all(),
            "users": User.objects.filter(brand__isnull=False, is_active=True),
            "declarations": Declaration.objects.filter(created_at__gte=since),
            "lines": DeclarationLine.objects.filter(declaration__created_at__gte=since),
        },
        activity={
            "declaration": (Declaration.objects.all(), "created_at"),
            "login": (User.objects.filter(brand__isnull=False), "last_login"),
        },
    )


@login_required
def operator_home(request: AuthedRequest) -> HttpResponse:
    """The brands with their usage; the form that creates a brand and invites its first admin."""
    operator = _operator(request)
    form = BrandCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            brand, invitation = accounts_services.brand_create_with_admin(
                by=operator, **form.cleaned_data, base_url=_base_url(request)
            )
        except ApplicationError as exc:
            form.add_error(
                exc.extra.get("field") if exc.extra.get("field") in form.fields else None, exc.message
            )
        else:
            messages.success(
                request,
                _("Brand %(brand)s created; %(email)s was invited as its admin.")
                % {"brand": brand.name, "email": invitation.email},
            )
            return redirect("operator_home")
    return render(
        request, "core/operator_home.html", {"usage": _usage(), "form": form, "usage_days": USAGE_DAYS}
    )


@login_required
@require_POST
def operator_brand_active(request: AuthedRequest, pk: int) -> HttpResponse:
    """Suspend (``is_active`` = "false") or reactivate a brand."""
    operator = _operator(request)
    brand = get_object_or_404(Brand, pk=pk)
    is_active = request.POST.get("is_active") == "true"
    accounts_services.brand_activation_set(by=operator, brand=brand, is_active=is_active)
    if is_active:
        messages.success(request, _("%(brand)s is active again.") % {"brand": brand.name})
    else:
        messages.success(
            request, _("%(brand)s is suspended: its users cannot log in.") % {"brand": brand.name}
        )
    return redirect("operator_home")


# --- the brand's settings and users -----------------------------------------------------------------


def _settings_initial(brand: Brand) -> dict[str, Any]:
    row = brand_settings_find(brand=brand)
    points = incentive_settings_of(brand_id=brand.pk)
    thresholds = thresholds_for(brand_id=brand.pk)
    initial: dict[str, Any] = {
        "currency": brand.currency,
        "languages": brand_languages(brand=brand),
        "declaration_due_days": row.declaration_due_days if row else None,
        "holding_days": points.holding_days,
        "hold_until_reconciled": points.hold_until_reconciled,
    }
    initial.update({form_field: getattr(thresholds, field) for form_field, field in ANOMALY_FIELDS.items()})
    return initial


def _settings_save(request: AuthedRequest, brand: Brand, form: BrandSettingsForm) -> dict[str, list[Any]]:
    """Every setting in one transaction, each through its own domain's service; one audit entry with what
    moved, before and after."""
    data = form.cleaned_data
    before = _settings_initial(brand)
    logo = data.get("logo")
    with transaction.atomic():
        changes = brand_settings_save(
            brand=brand,
            currency=data["currency"],
            languages=list(data["languages"]),
            declaration_due_days=data["declaration_due_days"],
            logo_content=logo.read() if logo else None,
            logo_remove=data["logo_remove"],
        )
        incentive_settings_save(
            brand=brand,
            holding_days=data["holding_days"],
            hold_until_reconciled=data["hold_until_reconciled"],
        )
        anomaly_thresholds_set(
            brand_id=brand.pk,
            values={field: data[form_field] for form_field, field in ANOMALY_FIELDS.items()},
        )
        for name in ("holding_days", "hold_until_reconciled", *ANOMALY_FIELDS):
            if before[name] != data[name]:
                changes[name] = [before[name], data[name]]
        if changes:
            audit_record(
                brand=brand,
                actor=request.user,
                action="brand.settings_changed",
                target=brand,
                details=changes,
            )
    return changes


@login_required
def brand_settings(request: AuthedRequest) -> HttpResponse:
    """The brand admin's settings page; a channel manager may not change them."""
    brand = access_brand_admin(request.user)
    form = BrandSettingsForm(request.POST or None, request.FILES or None, initial=_settings_initial(brand))
    if request.method == "POST" and form.is_valid():
        try:
            changes = _settings_save(request, brand, form)
        except ApplicationError as exc:
            field = exc.extra.get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Settings saved.") if changes else _("Nothing changed."))
            return redirect("brand_settings")
    row = brand_settings_find(brand=brand)
    return render(
        request,
        "core/brand_settings.html",
        {"form": form, "brand": brand, "logo_url": row.logo.url if row and row.logo else ""},
    )


@login_required
def brand_users(request: AuthedRequest) -> HttpResponse:
    """The brand's people (its staff, then its partners' users, read through their memberships of this
    brand): invite a brand admin or a channel manager, switch a colleague's access off."""
    brand = access_brand_admin(request.user)
    form = BrandUserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts_services.invitation_brand_user_create(
                invited_by=request.user, brand=brand, base_url=_base_url(request), **form.cleaned_data
            )
        except ApplicationError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("brand_users")
    pending = brand.invitations.filter(
        partner__isnull=True, accepted_at__isnull=True, role__in=list(BRAND_ROLES)
    )
    return render(
        request,
        "core/brand_users.html",
        {"form": form, "people": brand_people(brand=brand), "pending": pending},
    )


@login_required
@require_POST
def brand_user_active(request: AuthedRequest, pk: int) -> HttpResponse:
    brand = access_brand_admin(request.user)
    target = User.objects.filter(
        brand=brand, role__in=[Role.BRAND_ADMIN, Role.CHANNEL_MANAGER], pk=pk
    ).first()
    if target is None:
        raise Http404
    is_active = request.POST.get("is_active") == "true"
    try:
        accounts_services.brand_user_set_active(user=target, by=request.user, is_active=is_active)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if is_active:
            messages.success(request, _("%(email)s can log in again.") % {"email": target.email})
        else:
            messages.success(request, _("%(email)s can no longer log in.") % {"email": target.email})
    return redirect("brand_users")
