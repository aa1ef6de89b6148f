from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from relais.accounts.access import access_brand_admin, access_brand_staff
from relais.accounts.types import AuthedRequest
from relais.audit.services import audit_record
from relais.catalog import selectors
from relais.catalog.importing import catalog_import
from relais.core.import_flow import import_page
from relais.core.tabular import ImportReport, Table

PRODUCTS_PER_PAGE = 50


@login_required
def product_list(request: AuthedRequest) -> HttpResponse:
    brand = access_brand_staff(request.user)
    filters = {
        "q": request.GET.get("q", "").strip(),
        "family": request.GET.get("family", ""),
        "is_active": request.GET.get("is_active", ""),
    }
    families = selectors.product_families(brand=brand)
    if filters["family"] not in families:
        filters["family"] = ""
    products = selectors.product_list(brand=brand, filters=filters)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "total": page.paginator.count,
        "filters": filters,
        "families": families,
        "filtered": any(filters.values()),
    }
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "product-results":
        return render(request, "catalog/partials/product_results.html", context)
    return render(request, "catalog/product_list.html", context)


@login_required
def product_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    brand = access_brand_staff(request.user)
    product = selectors.product_get(brand=brand, product_id=pk)
    return render(request, "catalog/product_detail.html", {"product": product})


@login_required
def catalog_upload(request: AuthedRequest) -> HttpResponse:
    """Upload the catalogue file (the ``import_catalog`` command's importer): preview, then confirm. Brand
    admins only: the catalogue is the whole brand's."""
    brand = access_brand_admin(request.user)

    def importer(*, table: Table, dry_run: bool) -> ImportReport:
        with transaction.atomic():
            report = catalog_import(brand=brand, table=table, dry_run=dry_run)
            if not dry_run:
                audit_record(
                    brand=brand,
                    actor=request.user,
                    action="catalog.imported",
                    target_label=_("%(rows)s rows") % {"rows": len(table.rows)},
                    details={k: getattr(report, k) for k in ("created", "updated", "unchanged", "rejected")},
                )
        return report

    return import_page(
        request,
        brand=brand,
        kind="catalog",
        importer=importer,
        context={
            "title": _("Upload the catalogue file"),
            "help": _(
                "Columns: gtin and name (required); family, list_price, currency. Headers in English or "
                "French; a product already in the catalogue is updated by its GTIN."
            ),
            "back_url": reverse("catalog:product_list"),
            "back_label": _("Catalogue"),
        },
    )
