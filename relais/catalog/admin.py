"""The operators' admin of the catalogue: products, read-only (each brand keeps its own through its pages)."""

from __future__ import annotations

from django.contrib import admin

from relais.catalog.models import Product
from relais.core.admin import ReadOnlyAdmin


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("gtin", "name", "family", "brand", "list_price", "currency", "is_active")
    list_select_related = ("brand",)
    list_filter = ("brand", "is_active")
    search_fields = ("=gtin", "name", "family")
