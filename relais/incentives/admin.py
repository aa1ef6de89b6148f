"""The operators' admin of incentives: the points ledger (accounts, entries, lot allocations), reward orders,
rewards and challenges, all read-only.

The ledger is append-only and its balances are kept by the services under row locks: nothing here writes. A
correction is an adjustment entry, posted through the brand's pages or ``relais.incentives.services``.
"""

from __future__ import annotations

from django.contrib import admin

from relais.core.admin import ReadOnlyAdmin
from relais.incentives.models import (
    Challenge,
    LotAllocation,
    PointsAccount,
    PointsEntry,
    RedemptionOrder,
    Reward,
)


@admin.register(PointsAccount)
class PointsAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "partner", "user", "brand", "balance", "provisional", "updated_at")
    list_select_related = ("brand", "partner", "user")
    list_filter = ("brand",)
    search_fields = ("partner__code", "partner__name", "user__email")
    raw_id_fields = ("partner", "user")


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "partner",
        "brand",
        "kind",
        "amount",
        "remaining",
        "status",
        "expires_at",
        "reason",
    )
    list_select_related = ("brand", "partner")
    list_filter = ("kind", "status", "brand")
    search_fields = ("=idempotency_key", "reason", "partner__code", "partner__name")
    raw_id_fields = (
        "account",
        "partner",
        "user",
        "challenge",
        "rule",
        "declaration",
        "line",
        "order",
        "reversal_of",
        "created_by",
    )


@admin.register(LotAllocation)
class LotAllocationAdmin(ReadOnlyAdmin):
    list_display = ("id", "debit", "lot", "amount")
    list_select_related = ("debit", "lot")
    search_fields = ("=debit__idempotency_key", "=lot__idempotency_key")
    raw_id_fields = ("debit", "lot")


@admin.register(RedemptionOrder)
class RedemptionOrderAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "partner", "brand", "reward", "quantity", "points_total", "status")
    list_select_related = ("brand", "partner", "reward")
    list_filter = ("status", "brand")
    search_fields = ("=idempotency_key", "partner__code", "partner__name", "reward__name")
    raw_id_fields = ("partner", "account", "user", "reward", "decided_by")


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ("name", "brand", "points_price", "stock", "is_active")
    list_select_related = ("brand",)
    list_filter = ("brand", "is_active")
    search_fields = ("name",)


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ("name", "brand", "status", "period_start", "period_end", "budget_points", "points_posted")
    list_select_related = ("brand",)
    list_filter = ("status", "brand")
    search_fields = ("name",)
