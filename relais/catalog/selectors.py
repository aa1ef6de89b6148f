"""Reads on the brand's catalogue, always scoped by brand."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from relais.catalog.models import Product
from relais.catalog.search import product_search, search_ids
from relais.core.models import Brand

__all__ = ["product_families", "product_get", "product_list", "product_search"]

# The catalogue page lists at most this many products found by words (the search ranks, the page sorts).
LIST_SEARCH_LIMIT = 500


def product_list(*, brand: Brand, filters: Mapping[str, Any] | None = None) -> QuerySet[Product]:
    """The brand's products; ``q`` is a GTIN (a 8/12/13-digit code finds its GTIN-14) or words of the name
    or family in any order, accents and small typos forgiven (``product_search``); ``family`` is exact,
    ``is_active`` is "true"/"false"."""
    filters = filters or {}
    qs = Product.objects.filter(brand=brand)
    q = str(filters.get("q") or "").strip()
    if q:
        digits = re.sub(r"[\s-]", "", q)
        if digits.isdigit():
            # GTINs are stored as GTIN-14: an EAN-13 or UPC-12 typed by a user is the same code left-padded.
            condition = Q(gtin__contains=digits)
            if len(digits) < 14:
                condition |= Q(gtin=digits.zfill(14))
            qs = qs.filter(condition)
        else:
            qs = qs.filter(
                pk__in=search_ids(brand=brand, query=q, limit=LIST_SEARCH_LIMIT, active_only=False)
            )
    family = filters.get("family")
    if family:
        qs = qs.filter(family=family)
    is_active = filters.get("is_active")
    if is_active in ("true", "false", True, False):
        qs = qs.filter(is_active=is_active in ("true", True))
    return qs.order_by("family", "name", "pk")


def product_get(*, brand: Brand, product_id: int) -> Product:
    """One of the brand's products; another brand's product is a 404."""
    product = Product.objects.filter(brand=brand, pk=product_id).first()
    if product is None:
        raise Http404
    return product


def product_families(*, brand: Brand) -> list[str]:
    return sorted(
        {f for f in Product.objects.filter(brand=brand).values_list("family", flat=True).distinct() if f}
    )
