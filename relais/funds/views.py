"""Pages of co-op advertising / market development funds: the brand's budgets, allocations, requests queue,
claims and payments; the partner's "Marketing funds"; the proof files, served to their partner and brand."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.accounts.access import (
    access_brand_for_user,
    access_brand_staff,
    access_partner_admin,
    access_partner_user,
)
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups import funds as followups
from relais.funds import selectors, services
from relais.funds.exports import ledger_export
from relais.funds.forms import (
    ActivityTypeForm,
    AllocationForm,
    BudgetForm,
    ClaimForm,
    DecisionForm,
    PaymentForm,
    RequestForm,
)
from relais.funds.models import FundRequest
from relais.funds.proofs import ProofFile
from relais.insights.selectors.fund_impact import fund_activity_impact

# --- brand ------------------------------------------------------------------------------------------------


@login_required
def funds_home(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    budget_form = BudgetForm(request.POST or None, brand=brand, prefix="budget")
    type_form = ActivityTypeForm(request.POST or None, prefix="type")
    if request.method == "POST":
        try:
            if "budget-name" in request.POST and budget_form.is_valid():
                budget = services.budget_create(brand=brand, **budget_form.cleaned_data)
                messages.success(request, _("Budget created."))
                return redirect("funds:budget_detail", budget_id=budget.pk)
            if "type-code" in request.POST and type_form.is_valid():
                services.activity_type_save(brand=brand, **type_form.cleaned_data)
                messages.success(request, _("Activity type saved."))
                return redirect("funds:brand_home")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    budgets = [
        {"budget": b, "summary": selectors.budget_summary(budget=b)}
        for b in selectors.budget_list(brand=brand)
    ]
    return render(
        request,
        "funds/brand_home.html",
        {
            "budgets": budgets,
            "types": selectors.activity_types(brand=brand),
            "budget_form": budget_form,
            "type_form": type_form,
            "waiting": selectors.request_queue(brand=brand, status=FundRequest.Status.SUBMITTED).count(),
        },
    )


@login_required
def budget_detail(request: AuthedRequest, budget_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    budget = selectors.budget_get(brand=brand, budget_id=budget_id)
    form = AllocationForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.allocation_set(
                budget=budget,
                partner=data["partner"],
                kind=data["kind"],
                amount=Decimal(data["amount"] or 0),
                percent=Decimal(data["percent"] or 0),
                cap=data["cap"],
                by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Allocation saved."))
            return redirect("funds:budget_detail", budget_id=budget.pk)
    return render(
        request,
        "funds/budget_detail.html",
        {
            "budget": budget,
            "summary": selectors.budget_summary(budget=budget),
            "rows": selectors.budget_allocations(budget=budget),
            "form": form,
        },
    )


@login_required
@require_POST
def budget_run(request: AuthedRequest, budget_id: int, action: str) -> HttpResponse:
    brand = access_brand_staff(request.user)
    budget = selectors.budget_get(brand=brand, budget_id=budget_id)
    if action == "accrue":
        entries = services.allocation_accrue(budget=budget)
        messages.success(request, _("Accrual run: %(count)s allocations credited.") % {"count": len(entries)})
    elif action == "expire":
        entries = services.budget_expire(budget=budget)
        messages.success(request, _("Expiry run: %(count)s allocations expired.") % {"count": len(entries)})
    else:
        raise Http404
    return redirect("funds:budget_detail", budget_id=budget.pk)


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    status = request.GET.get("status") or None
    return render(
        request,
        "funds/request_list.html",
        {
            "requests": selectors.request_queue(brand=brand, status=status)[:200],
            "statuses": FundRequest.Status.choices,
            "status": status,
            "claims": selectors.claim_list(brand=brand)[:200],
        },
    )


@login_required
def request_detail(request: AuthedRequest, request_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    fund_request = selectors.request_get(brand=brand, request_id=request_id)
    return render(
        request,
        "funds/request_detail.html",
        {
            "req": fund_request,
            "claims": selectors.request_claims(request=fund_request),
            "decision_form": DecisionForm(),
            "payment_form": PaymentForm(),
            "impact": fund_activity_impact(request=fund_request),
        },
    )


def _brand_action(
    request: AuthedRequest,
    form: forms.Form,
    act: Callable[..., object],
    *,
    done: str,
    invalid: str,
    request_id: int,
) -> HttpResponse:
    """The brand's decisions and payments: a valid ``form`` goes to ``act`` (a follow-up, which also tells
    the partner) with the deciding user; the outcome (``done``, the refusal's reason, or ``invalid``) is a
    message on the request's page."""
    if form.is_valid():
        try:
            act(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
    else:
        messages.error(request, invalid)
    return redirect("funds:request_detail", request_id=request_id)


@login_required
@require_POST
def request_decide(request: AuthedRequest, request_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    fund_request = selectors.request_get(brand=brand, request_id=request_id)
    return _brand_action(
        request,
        DecisionForm(request.POST),
        partial(followups.fund_request_decide, request=fund_request),
        done=_("Decision recorded."),
        invalid=_("Check the decision."),
        request_id=fund_request.pk,
    )


@login_required
@require_POST
def claim_decide(request: AuthedRequest, claim_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    claim = selectors.claim_get(brand=brand, claim_id=claim_id)
    return _brand_action(
        request,
        DecisionForm(request.POST),
        partial(followups.fund_claim_decide, claim=claim),
        done=_("Decision recorded."),
        invalid=_("Check the decision."),
        request_id=claim.request_id,
    )


@login_required
@require_POST
def claim_pay(request: AuthedRequest, claim_id: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    claim = selectors.claim_get(brand=brand, claim_id=claim_id)
    return _brand_action(
        request,
        PaymentForm(request.POST),
        partial(followups.fund_claim_pay, claim=claim),
        done=_("Payment recorded."),
        invalid=_("Enter the payment reference and date."),
        request_id=claim.request_id,
    )


@login_required
def ledger_download(request: AuthedRequest) -> StreamingHttpResponse:
    brand = access_brand_staff(request.user)
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = StreamingHttpResponse(
        ledger_export(entries=selectors.ledger_rows(brand=brand), fmt=fmt), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="fund-ledger.{fmt}"'
    return response


# --- partner ----------------------------------------------------------------------------------------------


def _key() -> str:
    return uuid.uuid4().hex


@login_required
def my_funds(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    can_request = request.user.role == "partner_admin"
    form = RequestForm(request.POST or None, partner=partner, initial={"idempotency_key": _key()})
    if request.method == "POST":
        access_partner_admin(request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                created = services.fund_request_submit(by=request.user, **data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Request sent to the brand."))
                return redirect("funds:my_request", request_id=created.pk)
    context: dict[str, Any] = {
        "allocations": selectors.partner_allocations(partner=partner),
        "requests": selectors.partner_requests(partner=partner)[:100],
        "form": form,
        "can_request": can_request,
    }
    return render(request, "funds/my_funds.html", context)


@login_required
def my_request(request: AuthedRequest, request_id: int) -> HttpResponse:
    partner = access_partner_user(request.user)
    fund_request = selectors.partner_request_get(partner=partner, request_id=request_id)
    form = ClaimForm(request.POST or None, initial={"idempotency_key": _key()})
    if request.method == "POST":
        access_partner_admin(request.user)
        if form.is_valid():
            files = [ProofFile(name=f.name or "", content=f.read()) for f in request.FILES.getlist("proofs")]
            try:
                services.fund_claim_submit(
                    request=fund_request,
                    actual_cost=form.cleaned_data["actual_cost"],
                    note=form.cleaned_data["note"],
                    files=files,
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    by=request.user,
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Claim sent to the brand."))
                return redirect("funds:my_request", request_id=fund_request.pk)
    return render(
        request,
        "funds/my_request.html",
        {
            "req": fund_request,
            "claims": selectors.request_claims(request=fund_request),
            "form": form,
            "can_claim": request.user.role == "partner_admin"
            and fund_request.status in (FundRequest.Status.APPROVED, FundRequest.Status.PARTIAL),
        },
    )


@login_required
@require_POST
def my_request_cancel(request: AuthedRequest, request_id: int) -> HttpResponse:
    partner = access_partner_admin(request.user)
    fund_request = selectors.partner_request_get(partner=partner, request_id=request_id)
    try:
        services.fund_request_cancel(request=fund_request, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request cancelled."))
    return redirect("funds:my_request", request_id=fund_request.pk)


# --- proofs -----------------------------------------------------------------------------------------------


@login_required
def proof_file(request: AuthedRequest, proof_id: int) -> FileResponse:
    """A claim's proof, to its partner's users and its brand's staff only (anyone else: 404)."""
    brand = access_brand_for_user(request.user)
    if request.user.is_partner_user:
        partner_id: int | None = request.user.partner_id
    elif request.user.is_brand_user:
        partner_id = None
    else:
        raise Http404
    proof = selectors.proof_find_for(user_brand_id=brand.pk, partner_id=partner_id, proof_id=proof_id)
    if proof is None:
        raise Http404
    response = FileResponse(proof.file.open("rb"), content_type=proof.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="proof-{proof.pk}.{(proof.file.name or "").rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
