"""A distributor's pages: its resellers' sell-out, and declaring on their behalf (the form, or a file with a
reseller-code column). Thin: ``access_distributor`` first, then ``relais.sellout.distributor``; each
declaration stored is then counted (``relais.followups.declarations.declaration_counted``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.access import access_distributor, access_partner_admin
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.followups.declarations import declaration_counted
from relais.network.portal import portal_section_register
from relais.sellout import distributor as hierarchy
from relais.sellout.forms import UploadForm
from relais.sellout.forms_distributor import (
    ON_BEHALF_FIELDS,
    OnBehalfForm,
    OnBehalfLineFormSet,
    OnBehalfMappingForm,
)
from relais.sellout.models import SelloutImport
from relais.sellout.selectors import partner_import_get
from relais.sellout.services import sellout_import_create, sellout_import_propose_mapping

# A distributor's admin reaches its resellers' pages from the portal home (the section shows to them only).
portal_section_register(
    key="resellers", template="sellout/distributor/partials/portal_section.html", order=15
)


@login_required
def distributor_resellers(request: AuthedRequest) -> HttpResponse:
    """The distributor's resellers with their sell-out totals, and their latest declarations. A partner the
    brand has not marked as a distributor reads that it has none."""
    distributor = access_partner_admin(request.user)
    return render(
        request,
        "sellout/distributor/resellers.html",
        {
            "distributor": distributor,
            "totals": hierarchy.reseller_totals(distributor=distributor),
            "declarations": hierarchy.reseller_declarations(distributor=distributor, limit=50),
        },
    )


def _counted(outcome: hierarchy.OnBehalfOutcome) -> None:
    for declaration in outcome.declarations:
        declaration_counted(declaration=declaration)


@login_required
def distributor_declare(request: AuthedRequest) -> HttpResponse:
    """Declare sales of one reseller by the form: the reseller, the period and the lines, submitted at once."""
    if not access_partner_admin(request.user).is_distributor:
        return redirect("sellout:distributor_resellers")
    distributor = access_distributor(request.user)
    resellers = hierarchy.resellers_of(distributor=distributor).order_by("name")
    form = OnBehalfForm(request.POST or None, resellers=resellers, today=timezone.localdate())
    lines = OnBehalfLineFormSet(request.POST or None, prefix="line")
    outcome = None
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        rows = [row for row in (line.as_row() for line in lines) if row]
        try:
            with transaction.atomic():
                outcome = hierarchy.declaration_on_behalf_declare(
                    distributor=distributor,
                    reseller=form.cleaned_data["reseller"],
                    lines=rows,
                    period_start=form.cleaned_data["period_start"],
                    period_end=form.cleaned_data["period_end"],
                    user=request.user,
                )
                _counted(outcome)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        if outcome is not None and outcome.declarations and not outcome.result.errors:
            messages.success(request, _("The sales were declared for the reseller."))
            return redirect("sellout:distributor_resellers")
    return render(
        request,
        "sellout/distributor/declare.html",
        {"form": form, "lines": lines, "outcome": outcome, "distributor": distributor},
    )


@login_required
def distributor_import_upload(request: AuthedRequest) -> HttpResponse:
    """Upload a file of the resellers' sales (a column names the reseller of each line)."""
    if not access_partner_admin(request.user).is_distributor:
        return redirect("sellout:distributor_resellers")
    distributor = access_distributor(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            sellout_import = sellout_import_create(
                partner=distributor, uploaded_file=form.cleaned_data["file"], created_by=request.user
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("sellout:distributor_import_mapping", import_id=sellout_import.pk)
    return render(request, "sellout/distributor/import_upload.html", {"form": form})


@login_required
def distributor_import_mapping(request: AuthedRequest, import_id: int) -> HttpResponse:
    """The mapping step with the reseller-code column; POST imports the file, one declaration per reseller."""
    distributor = access_distributor(request.user)
    sellout_import = partner_import_get(partner=distributor, import_id=import_id)
    if sellout_import.status == SelloutImport.Status.DONE:
        raise Http404
    try:
        proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("sellout:distributor_import_upload")
    proposed = {
        **proposal.mapping,
        hierarchy.RESELLER_FIELD: hierarchy.reseller_column_propose(proposal.headers),
    }
    form = OnBehalfMappingForm(request.POST or None, headers=list(proposal.headers), proposed=proposed)
    outcome = None
    if request.method == "POST" and form.is_valid():
        chosen = form.mapping
        try:
            with transaction.atomic():
                outcome = hierarchy.sellout_import_on_behalf_run(
                    distributor=distributor,
                    sellout_import=sellout_import,
                    chosen=chosen,
                    reseller_column=chosen.get(hierarchy.RESELLER_FIELD, ""),
                    user=request.user,
                )
                _counted(outcome)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "sellout/distributor/import_result.html",
                {"outcome": outcome, "sellout_import": sellout_import},
            )
    rows = [{"label": spec.label, "field": form[f"map_{spec.name}"]} for spec in ON_BEHALF_FIELDS]
    return render(
        request,
        "sellout/distributor/import_mapping.html",
        {"form": form, "rows": rows, "proposal": proposal, "sellout_import": sellout_import},
    )
