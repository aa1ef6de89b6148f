"""The brand's export of POS orders, as CSV in the reader's language (text typed by people neutralised
against formulas)."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relais.core.exports import neutralise
from relais.merchandising.models import PosOrder


def orders_csv(orders: QuerySet[PosOrder]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Order"),
            _("Date"),
            _("Partner code"),
            _("Partner"),
            _("Item"),
            _("Quantity"),
            _("Points"),
            _("Status"),
            _("Shipped on"),
            _("Reason"),
        ]
    )
    for order in orders.order_by("pk").iterator(chunk_size=1000):
        writer.writerow(
            [
                order.pk,
                order.created_at.date().isoformat(),
                neutralise(order.partner.code),
                neutralise(order.partner.name),
                neutralise(order.item.name),
                order.quantity,
                order.points_total,
                order.get_status_display(),
                order.shipped_at.date().isoformat() if order.shipped_at else "",
                neutralise(order.refusal_reason),
            ]
        )
    return out.getvalue()
