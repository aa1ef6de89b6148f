from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from relais.accounts.access import access_brand_staff
from relais.accounts.types import AuthedRequest
from relais.catalog import selectors

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
