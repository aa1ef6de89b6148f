"""Rewards and their redemption: the brand's catalogue of rewards, a partner's orders paid with points, and
the order's life (requested → approved → shipped, or cancelled with its points refunded).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.api.idempotency import IdempotencyConflict
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives import locks
from relais.incentives.models import PointsEntry, RedemptionOrder, Reward
from relais.incentives.reasons import Reason, reason_fields
from relais.incentives.rules import points_account_user_id, reward_is_eligible, segments_check
from relais.incentives.selectors import points_entry_find, points_spendable
from relais.incentives.services.ledger import points_debit_locked
from relais.network.models import PartnerCompany, Segment

Kind = PointsEntry.Kind


@transaction.atomic
def reward_save(
    *,
    brand: Brand,
    name: str,
    points_price: int,
    description: str = "",
    stock: int | None = None,
    segments: list[Segment] | None = None,
    is_active: bool = True,
    image_url: str = "",
    reward: Reward | None = None,
    variants: list[str] | None = None,
    needs_delivery: bool | None = None,
    is_premium: bool | None = None,
) -> Reward:
    """Create a reward, or edit ``reward`` (its stock is replaced under the reward's lock). ``variants``
    (sizes, colours: distinct, non-empty), ``needs_delivery`` and ``is_premium`` (orderable only by partners
    whose program tier grants premium rewards) are left as they are when ``None``."""
    if points_price <= 0:
        raise ApplicationError(_("The price must be a positive number of points."))
    if stock is not None and stock < 0:
        raise ApplicationError(_("The stock cannot be negative."))
    if reward is None:
        reward = Reward(brand=brand)
    else:
        reward = locks.lock_reward(reward.pk)
        if reward.brand_id != brand.pk:
            raise ApplicationError(_("Unknown reward."))
    reward.name = name
    reward.description = description
    reward.points_price = points_price
    reward.stock = stock
    reward.is_active = is_active
    reward.image_url = image_url
    if variants is not None:
        cleaned = list(dict.fromkeys(" ".join(str(v).split())[:60] for v in variants if str(v).strip()))
        reward.variants = cleaned
    if needs_delivery is not None:
        reward.needs_delivery = needs_delivery
    if is_premium is not None:
        reward.is_premium = is_premium
    reward.save()
    if segments is not None:
        segments_check(brand=brand, segments=segments)
        reward.segments.set(segments)
    return reward


def reward_redeem(
    *,
    partner: PartnerCompany,
    reward: Reward,
    quantity: int,
    user: User | None,
    idempotency_key: str,
    variant: str = "",
    delivery_address: str = "",
    premium_allowed: bool = False,
) -> RedemptionOrder:
    """Order ``quantity`` of a reward with the partner's points (a seller's own points for a seller).

    A premium reward needs ``premium_allowed``: the partner's program tier grants premium rewards (the
    entry points read it through ``relais.followups.programs.premium_allowed``).

    ``variant`` must be one of the reward's variants when it has some; ``delivery_address`` is required
    when the reward needs a delivery. Both are kept on the order.

    Atomic: the account, then the reward, are locked; balance and stock are checked; the order and its
    ``redeem`` entry are written together. Replaying the same key returns the same order (one debit); the
    same key with another reward or quantity raises ``IdempotencyConflict``.
    """
    if not idempotency_key or len(idempotency_key) > 100:
        raise ApplicationError(_("An idempotency key of 1 to 100 characters is required."))
    address = "\n".join(line.strip() for line in delivery_address.strip().splitlines())
    choice = OrderChoice(variant=variant.strip(), delivery_address=address)
    try:
        return _reward_redeem(
            partner=partner,
            reward=reward,
            quantity=quantity,
            user=user,
            idempotency_key=idempotency_key,
            choice=choice,
            premium_allowed=premium_allowed,
        )
    except IntegrityError:
        # A concurrent request with the same key won the race (another account lock): return its order.
        order = RedemptionOrder.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
        if order is None:
            raise
        return _same_order(order, reward=reward, quantity=quantity)


def _same_order(order: RedemptionOrder, *, reward: Reward, quantity: int) -> RedemptionOrder:
    if order.reward_id != reward.pk or order.quantity != quantity:
        raise IdempotencyConflict(
            _("This idempotency key was already used for another order."),
            extra={"code": "idempotency_conflict"},
        )
    return order


@dataclass(frozen=True)
class OrderChoice:
    variant: str = ""
    delivery_address: str = ""


def _choice_check(reward: Reward, choice: OrderChoice) -> None:
    variants = [str(v) for v in reward.variants or []]
    if variants and choice.variant not in variants:
        raise ApplicationError(
            _("Choose one of: %(variants)s.") % {"variants": ", ".join(variants)}, extra={"field": "variant"}
        )
    if not variants and choice.variant:
        raise ApplicationError(_("This reward has no variant to choose."), extra={"field": "variant"})
    if reward.needs_delivery and not choice.delivery_address:
        raise ApplicationError(
            _("Give the address where the reward is to be delivered."), extra={"field": "delivery_address"}
        )
    if len(choice.delivery_address) > 500:
        raise ApplicationError(_("This text is too long."), extra={"field": "delivery_address"})


@transaction.atomic
def _reward_redeem(
    *,
    partner: PartnerCompany,
    reward: Reward,
    quantity: int,
    user: User | None,
    idempotency_key: str,
    choice: OrderChoice,
    premium_allowed: bool,
) -> RedemptionOrder:
    if reward.brand_id != partner.brand_id:
        raise ApplicationError(_("Unknown reward."))
    if quantity <= 0 or quantity > 1000:
        raise ApplicationError(_("The quantity must be between 1 and 1000."))
    account = locks.lock_account(
        brand_id=partner.brand_id,
        partner_id=partner.pk,
        user_id=points_account_user_id(partner=partner, user=user),
    )
    existing = RedemptionOrder.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_order(existing, reward=reward, quantity=quantity)
    reward = locks.lock_reward(reward.pk)
    if not reward.is_active or not reward_is_eligible(
        reward=reward, partner=partner, premium_allowed=premium_allowed
    ):
        raise ApplicationError(_("This reward is not available to you."))
    _choice_check(reward, choice)
    if reward.stock is not None and reward.stock < quantity:
        raise ApplicationError(
            _("Not enough stock: %(stock)s left.") % {"stock": reward.stock}, extra={"code": "out_of_stock"}
        )
    total = reward.points_price * quantity
    # Only confirmed points whose holding is over pay for an order (held and provisional points never do).
    available = points_spendable(account=account)
    if available < total:
        raise ApplicationError(
            _("Not enough points: %(available)s available, %(asked)s needed.")
            % {"available": available, "asked": total},
            extra={"code": "insufficient_points"},
        )
    order = RedemptionOrder.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        account=account,
        user=user,
        reward=reward,
        quantity=quantity,
        variant=choice.variant,
        delivery_address=choice.delivery_address,
        points_total=total,
        idempotency_key=idempotency_key,
    )
    points_debit_locked(
        account,
        amount=total,
        kind=Kind.REDEEM,
        reason=Reason("redeemed", {"quantity": quantity, "reward": reward.name}),
        idempotency_key=f"redeem:{order.pk}",
        user=user,
        order=order,
    )
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - quantity)
    return order


_ORDER_NEXT = {
    RedemptionOrder.Status.REQUESTED: {RedemptionOrder.Status.APPROVED, RedemptionOrder.Status.CANCELLED},
    RedemptionOrder.Status.APPROVED: {RedemptionOrder.Status.SHIPPED, RedemptionOrder.Status.CANCELLED},
    RedemptionOrder.Status.SHIPPED: set(),
    RedemptionOrder.Status.CANCELLED: set(),
}


def _order_check(order: RedemptionOrder, status: str) -> None:
    if status not in _ORDER_NEXT[RedemptionOrder.Status(order.status)]:
        raise ApplicationError(
            _("A %(current)s order cannot become %(next)s.")
            % {"current": order.get_status_display(), "next": RedemptionOrder.Status(status).label}
        )


@transaction.atomic
def order_approve(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """The brand accepts an order."""
    order = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    _order_check(order, RedemptionOrder.Status.APPROVED)
    order.status = RedemptionOrder.Status.APPROVED
    order.decided_by = user
    order.decided_at = timezone.now()
    order.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return order


@transaction.atomic
def order_ship(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """The reward left the warehouse (or the training day is booked)."""
    order = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    _order_check(order, RedemptionOrder.Status.SHIPPED)
    order.status = RedemptionOrder.Status.SHIPPED
    order.shipped_at = timezone.now()
    order.save(update_fields=["status", "shipped_at", "updated_at"])
    return order


@transaction.atomic
def order_cancel(*, order: RedemptionOrder, user: User, reason: str = "") -> RedemptionOrder:
    """Cancel an order not shipped yet: its points come back by a new ``refund`` entry and the stock is
    restored. The refund lot expires with the latest of the lots the order had consumed."""
    account = locks.lock_account_by_id(order.account_id)
    order = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    _order_check(order, RedemptionOrder.Status.CANCELLED)
    reward = locks.lock_reward(order.reward_id)
    debit = order.entries.get(kind=Kind.REDEEM)
    expiries = [a.lot.expires_at for a in debit.allocations.select_related("lot")]
    expires_at = None if not expiries or any(e is None for e in expiries) else max(e for e in expiries if e)
    key = f"refund:{order.pk}"
    if points_entry_find(brand_id=order.brand_id, idempotency_key=key) is None:
        refund = PointsEntry.objects.create(
            brand_id=order.brand_id,
            account=account,
            partner_id=order.partner_id,
            user_id=order.user_id,
            order=order,
            amount=order.points_total,
            remaining=order.points_total,
            kind=Kind.REFUND,
            **reason_fields(
                Reason("order_cancelled_note", {"note": reason[:200]})
                if reason
                else Reason("order_cancelled")
            ),
            idempotency_key=key,
            expires_at=expires_at,
            created_by=user,
        )
        account.balance += refund.amount
        account.save(update_fields=["balance", "updated_at"])
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") + order.quantity)
    order.status = RedemptionOrder.Status.CANCELLED
    order.cancel_reason = reason[:300]
    order.decided_by = user
    order.decided_at = timezone.now()
    order.save(update_fields=["status", "cancel_reason", "decided_by", "decided_at", "updated_at"])
    return order


@transaction.atomic
def order_cancel_by_partner(*, order: RedemptionOrder, user: User) -> RedemptionOrder:
    """The partner withdraws its own order while the brand has not approved it yet: the points come back
    through a ``refund`` entry of the ledger (``order_cancel``). Idempotent: an order this partner already
    cancelled is returned as it is (no second refund)."""
    locks.lock_account_by_id(order.account_id)  # the lock order of order_cancel: account, then order
    current = RedemptionOrder.objects.select_for_update().get(pk=order.pk)
    if current.status == RedemptionOrder.Status.CANCELLED:
        return current
    if current.status != RedemptionOrder.Status.REQUESTED:
        raise ApplicationError(
            _("This order is already %(status)s: ask the brand to cancel it.")
            % {"status": current.get_status_display().lower()}
        )
    return order_cancel(order=current, user=user, reason="")
