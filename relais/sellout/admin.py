"""The operators' admin of the sell-out: declarations and imports, read-only.

Declarations carry millions of lines: no inline of lines, no count of the whole table, every foreign key of
a list fetched in the same query, and no select of every partner anywhere.
"""

from __future__ import annotations

from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin
from relais.sellout.models import Declaration, SelloutImport


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "partner",
        "brand",
        "period_start",
        "period_end",
        "source",
        "status",
        "lines_accepted",
        "lines_rejected",
        "lines_duplicate",
        "lines_flagged",
        "submitted_at",
    )
    list_select_related = ("brand", "partner")
    list_filter = ("status", "source", "brand")
    search_fields = ("partner__code", "partner__name")
    raw_id_fields = ("partner", "site", "created_by", "submitted_by", "api_key")


@admin.register(SelloutImport)
class SelloutImportAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "original_name",
        "partner",
        "brand",
        "source",
        "status",
        "rows_total",
        "accepted",
        "rejected",
        "duplicates",
    )
    list_select_related = ("brand", "partner")
    list_filter = ("status", "source", "brand")
    search_fields = ("original_name", "=sha256", "partner__code", "partner__name")
    raw_id_fields = ("partner", "declaration", "mapping", "job", "created_by")
