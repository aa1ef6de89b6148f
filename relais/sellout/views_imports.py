"""Partner sell-out pages that only read: the product autocomplete of the web form and an import's outcome
(progress, result, rejected rows). Thin: access helper first, then selectors. The pages that write through a
follow-up (upload, mapping, retry) are in ``views``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from relais.accounts.access import access_brand_staff, access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.models import Job
from relais.sellout import export
from relais.sellout.models import ImportRowError, SelloutImport
from relais.sellout.selectors import (
    brand_import_get,
    import_row_errors,
    partner_import_get,
    partner_products_search,
)


def partner_import(request: AuthedRequest, import_id: int) -> SelloutImport:
    """One of the partner's imports (404 for any other)."""
    partner = access_partner_user(request.user)
    return partner_import_get(partner=partner, import_id=import_id)


@login_required
@require_GET
def product_search(request: AuthedRequest) -> HttpResponse:
    """htmx autocomplete over the partner's brand catalogue, by name or GTIN."""
    partner = access_partner_user(request.user)
    query = (request.GET.get("line-product_search") or request.GET.get("q") or "").strip()
    products = partner_products_search(partner=partner, query=query)
    return render(request, "sellout/partials/product_options.html", {"products": products, "query": query})


def _import_result_context(sellout_import: SelloutImport) -> dict[str, Any]:
    return {
        "sellout_import": sellout_import,
        "job": sellout_import.job,
        "rejected_errors": import_row_errors(
            sellout_import=sellout_import, kind=ImportRowError.Kind.REJECTED
        )[:500],
        "duplicate_errors": import_row_errors(
            sellout_import=sellout_import, kind=ImportRowError.Kind.DUPLICATE
        )[:500],
        # A job that failed before the import could record it still ends the wait.
        "is_finished": sellout_import.status in {SelloutImport.Status.DONE, SelloutImport.Status.FAILED}
        or (sellout_import.job is not None and sellout_import.job.status == Job.Status.FAILED),
    }


@login_required
def import_detail(request: AuthedRequest, import_id: int) -> HttpResponse:
    """Progress while the import job runs (the bar polls /jobs/<id>/), then its outcome."""
    sellout_import = partner_import(request, import_id)
    if sellout_import.status == SelloutImport.Status.UPLOADED:
        return redirect("sellout:import_mapping", import_id=sellout_import.pk)
    return render(request, "sellout/import_detail.html", _import_result_context(sellout_import))


@login_required
def import_result(request: AuthedRequest, import_id: int) -> HttpResponse:
    """htmx: the outcome fragment, fetched when the job's progress bar reports it finished."""
    sellout_import = partner_import(request, import_id)
    return render(request, "sellout/partials/import_result.html", _import_result_context(sellout_import))


def _rejected_csv_response(sellout_import: SelloutImport) -> HttpResponse:
    response = HttpResponse(
        export.rejected_rows_csv(sellout_import=sellout_import), content_type="text/csv; charset=utf-8"
    )
    base = (sellout_import.original_name or f"import-{sellout_import.pk}").rsplit(".", 1)[0]
    safe = "".join(c for c in base if c.isalnum() or c in "-_")[:60] or "import"
    response["Content-Disposition"] = f'attachment; filename="{safe}-rejected.csv"'
    return response


@login_required
def import_rejected_csv(request: AuthedRequest, import_id: int) -> HttpResponse:
    """The partner's rows refused at one of its imports, with the error on each, as CSV."""
    return _rejected_csv_response(partner_import(request, import_id))


@login_required
def brand_import_rejected_csv(request: AuthedRequest, import_id: int) -> HttpResponse:
    """The brand reads the rows any of its partners had refused at an import (404 for another brand's)."""
    brand = access_brand_staff(request.user)
    return _rejected_csv_response(brand_import_get(brand=brand, import_id=import_id))
