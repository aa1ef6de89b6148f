"""Row locks of merchandising, after the incentives' (points account first, then the item)."""

from __future__ import annotations

from relais.merchandising.models import PosItem, PosOrder, StoreVisit


def lock_item(item_id: int) -> PosItem:
    return PosItem.objects.select_for_update().get(pk=item_id)


def lock_order(order_id: int) -> PosOrder:
    return PosOrder.objects.select_for_update().get(pk=order_id)


def lock_visit(visit_id: int) -> StoreVisit:
    return StoreVisit.objects.select_for_update().get(pk=visit_id)
