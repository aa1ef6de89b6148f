"""The brand's account objectives page: the list with progress from validated sell-out, and the import of
a file with a preview (every row checked, errors by row and field) before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from relais.accounts.access import access_brand_staff
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.programs import objectives
from relais.programs.forms import ObjectiveFileForm
from relais.programs.objective_selectors import account_objective_list, account_objective_progress
from relais.programs.selectors import program_find

SALT = "programs.objectives.import"


@login_required
def objective_page(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    form = ObjectiveFileForm(brand=brand)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, brand)
    if request.method == "POST":
        form = ObjectiveFileForm(request.POST, request.FILES, brand=brand)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                preview = objectives.account_objectives_preview(
                    brand=brand, content=upload.read(), filename=upload.name or ""
                )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                signed = signing.dumps(
                    {
                        "rows": preview.valid_rows(),
                        "start": form.cleaned_data["period_start"].isoformat(),
                        "end": form.cleaned_data["period_end"].isoformat(),
                        "program": form.cleaned_data["program"].pk if form.cleaned_data["program"] else None,
                        "brand": brand.pk,
                    },
                    salt=SALT,
                    compress=True,
                )
                return render(
                    request,
                    "programs/objectives_preview.html",
                    {"preview": preview, "signed": signed, "form": form},
                )
    page = Paginator(account_objective_list(brand=brand, q=request.GET.get("q", "")[:100]), 50).get_page(
        request.GET.get("page")
    )
    progress = account_objective_progress(brand=brand, objectives=list(page))
    rows = [{"objective": o, **progress.get(o.pk, {})} for o in page]
    return render(request, "programs/objectives.html", {"form": form, "page": page, "rows": rows})


def _confirm(request: AuthedRequest, brand: Brand) -> HttpResponse:
    try:
        data: dict[str, Any] = signing.loads(request.POST.get("signed", ""), salt=SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The preview expired: send the file again."))
        return redirect("programs:objectives")
    if data.get("brand") != brand.pk:
        messages.error(request, _("The preview expired: send the file again."))
        return redirect("programs:objectives")
    program = program_find(brand=brand, program_id=data["program"]) if data["program"] else None
    try:
        written = objectives.account_objectives_import(
            brand=brand,
            rows=data["rows"],
            period_start=dt.date.fromisoformat(data["start"]),
            period_end=dt.date.fromisoformat(data["end"]),
            program=program,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext("%(n)s objective imported.", "%(n)s objectives imported.", written) % {"n": written},
        )
    return redirect("programs:objectives")
