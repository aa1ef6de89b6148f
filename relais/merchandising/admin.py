from django.contrib import admin

from relais.merchandising.models import Checklist, PosItem, PosOrder, StoreVisit


@admin.register(PosItem)
class PosItemAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "stock", "points_price", "is_active"]


@admin.register(PosOrder)
class PosOrderAdmin(admin.ModelAdmin):
    """Read-only: orders move through their services (stock and points)."""

    list_display = ["pk", "brand", "partner", "item", "quantity", "status", "created_at"]
    list_filter = ["status"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Checklist)
admin.site.register(StoreVisit)
