from django.contrib import admin

from relais.promotions.models import Promotion, PromotionCredit


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "status", "start", "end", "points_per_unit"]
    list_filter = ["status", "brand"]


@admin.register(PromotionCredit)
class PromotionCreditAdmin(admin.ModelAdmin):
    """Read-only: credits follow the ledger."""

    list_display = ["promotion", "partner", "kind", "units", "points", "created_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
