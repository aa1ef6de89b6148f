"""The brand's webhook events: what a receiver is told when a declaration is validated or a reward order's
status changes. The payloads are built here (the domains they describe sit above the webhooks app); the
deliveries are stored in the caller's transaction and sent by a job after it commits.

A payload names partners by their code (the brand's own key for them) and carries no personal data: no
person's name or e-mail, no delivery address, no customer reference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from relais.incentives.models import RedemptionOrder
from relais.sellout.models import Declaration, DeclarationLine
from relais.webhooks.models import WebhookDelivery, WebhookEvent
from relais.webhooks.services import webhook_event_emit

VALIDATED = (Declaration.Status.VALIDATED, Declaration.Status.PARTLY_REJECTED)


def declaration_payload(declaration: Declaration) -> dict[str, Any]:
    """The ``declaration.validated`` data: the declaration, its partner, its counts and accepted totals."""
    totals = DeclarationLine.objects.filter(
        declaration=declaration, status=DeclarationLine.Status.ACCEPTED
    ).aggregate(lines=Count("id"), quantity=Sum("quantity"), amount=Sum("amount"))
    currency = (
        DeclarationLine.objects.filter(declaration=declaration).values_list("currency", flat=True).first()
        or ""
    )
    return {
        "declaration": {
            "id": declaration.pk,
            "status": declaration.status,
            "source": declaration.source,
            "period_start": declaration.period_start,
            "period_end": declaration.period_end,
            "submitted_at": declaration.submitted_at,
            "reviewed_at": declaration.reviewed_at,
            "lines_accepted": declaration.lines_accepted,
            "lines_rejected": declaration.lines_rejected,
            "quantity": totals["quantity"] or 0,
            "amount": f"{Decimal(totals['amount'] or 0):.2f}",  # two decimals on every database
            "currency": currency,
        },
        "partner": {"id": declaration.partner_id, "code": declaration.partner.code},
    }


def declaration_validated(*, declaration: Declaration) -> list[WebhookDelivery]:
    """After a declaration was counted: tell the brand's endpoints when it is validated (not while lines
    still wait for review)."""
    if declaration.status not in VALIDATED:
        return []
    return webhook_event_emit(
        brand=declaration.brand,
        event_type=WebhookEvent.DECLARATION_VALIDATED,
        data=declaration_payload(declaration),
    )


def order_payload(order: RedemptionOrder) -> dict[str, Any]:
    """The ``order.status_changed`` data: the order, its reward and partner (no address nor person)."""
    return {
        "order": {
            "id": order.pk,
            "status": order.status,
            "quantity": order.quantity,
            "variant": order.variant,
            "points_total": order.points_total,
            "created_at": order.created_at,
            "decided_at": order.decided_at,
            "shipped_at": order.shipped_at,
        },
        "reward": {"id": order.reward_id, "name": order.reward.name},
        "partner": {"id": order.partner_id, "code": order.partner.code},
    }


def order_status_changed(*, order: RedemptionOrder) -> list[WebhookDelivery]:
    """After a reward order's status changed: tell the brand's endpoints."""
    return webhook_event_emit(
        brand=order.brand, event_type=WebhookEvent.ORDER_STATUS_CHANGED, data=order_payload(order)
    )
