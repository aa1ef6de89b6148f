"""Writes of merchandising: ``orders`` (POS items and their orders), ``visits`` (checklists, store visits and
their review)."""

from relais.merchandising.services.orders import (
    pos_item_save,
    pos_order_approve,
    pos_order_refuse,
    pos_order_request,
    pos_order_ship,
)
from relais.merchandising.services.visits import (
    checklist_save,
    visit_review,
    visit_submit,
)

__all__ = [
    "checklist_save",
    "pos_item_save",
    "pos_order_approve",
    "pos_order_refuse",
    "pos_order_request",
    "pos_order_ship",
    "visit_review",
    "visit_submit",
]
