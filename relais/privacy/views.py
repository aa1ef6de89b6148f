"""Personal data pages: the brand admin's (retention, a user's export and erasure) and each user's own
export. Exports are JSON downloads answered to a POST, so a prefetch or a crawler never triggers one (each
is audited)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import access_brand_admin
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.privacy.forms import ErasureConfirmForm, RetentionForm
from relais.privacy.selectors import privacy_subject_get, privacy_user_search, privacy_user_search_all
from relais.privacy.services import (
    feedback_retention_months,
    personal_data_erase,
    personal_data_export,
    privacy_settings_set,
)


def _json_download(data: dict, user_id: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="relais-personal-data-{user_id}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def brand_privacy(request: AuthedRequest) -> HttpResponse:
    """Retention setting (POST) and the brand's users, found by e-mail or name, to export or erase."""
    brand = access_brand_admin(request.user)
    form = RetentionForm(
        request.POST or None, initial={"feedback_retention_months": feedback_retention_months(brand=brand)}
    )
    if request.method == "POST" and form.is_valid():
        privacy_settings_set(
            brand=brand,
            feedback_retention_months=form.cleaned_data["feedback_retention_months"],
            by=request.user,
        )
        messages.success(request, _("The retention is saved."))
        return redirect("privacy:brand")
    query = request.GET.get("q", "")
    return render(
        request,
        "privacy/brand_privacy.html",
        {"form": form, "query": query, "users": privacy_user_search(brand=brand, query=query)},
    )


@login_required
@require_POST
def user_export(request: AuthedRequest, user_id: int) -> HttpResponse:
    subject = privacy_subject_get(by=request.user, user_id=user_id)
    try:
        data = personal_data_export(subject=subject, by=request.user)
    except ApplicationError as exc:
        raise PermissionDenied(exc.message) from exc
    return _json_download(data, subject.pk)


@login_required
@require_POST
def user_erase(request: AuthedRequest, user_id: int) -> HttpResponse:
    subject = privacy_subject_get(by=request.user, user_id=user_id)
    try:
        personal_data_erase(subject=subject, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The person's personal data is erased."))
    return redirect("privacy:brand" if request.user.brand_id else "home")


@login_required
def my_data(request: AuthedRequest) -> HttpResponse:
    """What a user can do with their own data: download it."""
    return render(request, "privacy/my_data.html", {})


@login_required
@require_POST
def my_export(request: AuthedRequest) -> HttpResponse:
    return _json_download(personal_data_export(subject=request.user, by=request.user), request.user.pk)


# --- the operator console's erasure ------------------------------------------------------------------


def _operator(request: AuthedRequest) -> None:
    if not request.user.is_operator:
        raise PermissionDenied


@login_required
def operator_people(request: AuthedRequest) -> HttpResponse:
    """The operator finds a person of any brand, by e-mail or name, to erase them."""
    _operator(request)
    query = request.GET.get("q", "")
    return render(
        request,
        "privacy/operator_people.html",
        {"query": query, "users": privacy_user_search_all(query=query)},
    )


@login_required
def operator_erase(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Erase one person from the operator console: a page that says what erasure does, confirmed by typing
    the person's e-mail address; the erasure service anonymises and records it in the audit log."""
    _operator(request)
    subject = privacy_subject_get(by=request.user, user_id=user_id)
    form = ErasureConfirmForm(request.POST or None, subject_email=subject.email)
    if request.method == "POST" and form.is_valid():
        try:
            personal_data_erase(subject=subject, by=request.user)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The person's personal data is erased."))
            return redirect("privacy:operator_people")
    return render(request, "privacy/operator_erase.html", {"subject": subject, "form": form})
