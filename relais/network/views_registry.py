"""The brand's partner registry from the web: create a partner, upload the partner file, invite from a file.

Every write goes through the importers the management commands use (``relais.followups.network.
partners_import`` and ``relais.accounts.invitations_import``), with a preview before anything is written
(``relais.core.import_flow``). The registry's export is ``relais.network.views.partner_export``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from relais.accounts.access import access_brand_staff
from relais.accounts.invitations_import import invitations_bulk_create
from relais.accounts.types import AuthedRequest
from relais.audit.services import audit_record
from relais.core.errors import ApplicationError
from relais.core.import_flow import import_page
from relais.core.models import Brand
from relais.core.tabular import ImportReport, Table
from relais.followups import network as network_followups
from relais.network.forms_registry import PartnerCreateForm
from relais.network.models import PartnerCompany


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _partner_create(request: AuthedRequest, brand: Brand, form: PartnerCreateForm) -> PartnerCompany | None:
    """Write the form as a one-row partner file; the importer's per-field errors land on the form."""
    code = form.cleaned_data["code"].strip()
    if PartnerCompany.objects.filter(brand=brand, code=code).exists():
        form.add_error("code", _("A partner with the code %(code)s already exists.") % {"code": code})
        return None
    headers, cells = form.as_row()
    with transaction.atomic():
        report = network_followups.partners_import(
            brand=brand, table=Table(headers=headers, rows=[(2, cells)])
        )
        if report.errors:
            transaction.set_rollback(True)
        else:
            partner = PartnerCompany.objects.get(brand=brand, code=code)
            if form.cleaned_data.get("is_distributor"):
                # Not a column of the partner file: the brand's choice is written by the partner service.
                partner = network_followups.partner_update(partner=partner, is_distributor=True)
            audit_record(brand=brand, actor=request.user, action="partner.created", target=partner)
            return partner
    for error in report.errors:
        form.add_error(form.field_of(error.field), error.message)
    return None


@login_required
def partner_create(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = PartnerCreateForm(request.POST or None, brand=brand)
    if request.method == "POST" and form.is_valid():
        try:
            partner = _partner_create(request, brand, form)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if partner is not None:
                messages.success(request, _("Partner %(name)s created.") % {"name": partner.name})
                return redirect("network:partner_detail", pk=partner.pk)
    return render(request, "network/partner_create.html", {"form": form})


def _audited(*, request: AuthedRequest, brand: Brand, action: str, run: Any) -> Any:
    """The importer, with an audit entry of its counts when it writes."""

    def importer(*, table: Table, dry_run: bool) -> ImportReport:
        with transaction.atomic():
            report: ImportReport = run(table=table, dry_run=dry_run)
            if not dry_run:
                audit_record(
                    brand=brand,
                    actor=request.user,
                    action=action,
                    target_label=_("%(rows)s rows") % {"rows": len(table.rows)},
                    details={k: getattr(report, k) for k in ("created", "updated", "unchanged", "rejected")},
                )
        return report

    return importer


@login_required
def partner_upload(request: AuthedRequest) -> HttpResponse:
    """Upload the partner file: preview with each bad row, then confirm."""
    brand = access_brand_staff(request.user)

    def run(*, table: Table, dry_run: bool) -> ImportReport:
        return network_followups.partners_import(brand=brand, table=table, dry_run=dry_run)

    return import_page(
        request,
        brand=brand,
        kind="partners",
        importer=_audited(request=request, brand=brand, action="partner.imported", run=run),
        context={
            "title": _("Upload the partner file"),
            "help": _(
                "Columns: code, name, kind, country (required); organisation, channel, region, city, "
                "parent_code, siret, siren, vat, potential. Headers in English or French."
            ),
            "back_url": reverse("network:partner_list"),
            "back_label": _("Partners"),
        },
    )


@login_required
def invitations_upload(request: AuthedRequest) -> HttpResponse:
    """Invite partner users from a file (e-mail, partner code, role): preview, then confirm."""
    brand = access_brand_staff(request.user)

    def run(*, table: Table, dry_run: bool) -> ImportReport:
        return invitations_bulk_create(
            invited_by=request.user, brand=brand, table=table, dry_run=dry_run, base_url=_base_url(request)
        )

    return import_page(
        request,
        brand=brand,
        kind="invitations",
        importer=run,
        context={
            "title": _("Invite partner users from a file"),
            "help": _(
                "Columns: email, partner_code, role (partner_admin or partner_seller; seller when empty). "
                "Each invited person receives a link to choose a password."
            ),
            "back_url": reverse("network:partner_list"),
            "back_label": _("Partners"),
        },
    )
