"""What happens after the brand decides on a reward order or a challenge: the incentives service, then who
is told (communications). The views call these, never the two domains one after the other."""

from __future__ import annotations

from django.db import transaction

from relais.accounts.models import User
from relais.comms.models import Message
from relais.followups import comms, webhooks
from relais.incentives import services
from relais.incentives.models import Challenge, RedemptionOrder


@transaction.atomic
def order_approve(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """Approve a reward order, then tell who placed it (sent after commit)."""
    order = services.order_approve(order=order, user=user)
    comms.order_approved(order=order)
    webhooks.order_status_changed(order=order)
    return order


@transaction.atomic
def order_ship(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """Mark a reward order shipped, then tell who placed it (sent after commit)."""
    order = services.order_ship(order=order, user=user)
    comms.order_shipped(order=order)
    webhooks.order_status_changed(order=order)
    return order


@transaction.atomic
def order_cancel(*, order: RedemptionOrder, user: User, reason: str = "") -> RedemptionOrder:
    """The brand cancels a reward order (its points come back), then the brand's endpoints are told."""
    order = services.order_cancel(order=order, user=user, reason=reason)
    webhooks.order_status_changed(order=order)
    return order


@transaction.atomic
def order_cancel_by_partner(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """The partner withdraws an order the brand has not approved yet, then the brand's endpoints are told."""
    order = services.order_cancel_by_partner(order=order, user=user)
    webhooks.order_status_changed(order=order)
    return order


@transaction.atomic
def challenge_status_set(*, challenge: Challenge, status: str) -> Challenge:
    """Change a challenge's status; when it starts running, its eligible partners are told once (a
    challenge paused and resumed is not launched again)."""
    was = challenge.status
    challenge = services.challenge_set_status(challenge=challenge, status=status)
    if status == Challenge.Status.RUNNING and was != Challenge.Status.RUNNING:
        already = Message.objects.filter(
            brand=challenge.brand, code="challenge_launched", params__challenge_id=challenge.pk
        ).exists()
        if not already:
            comms.challenge_launched(challenge=challenge)
    return challenge
