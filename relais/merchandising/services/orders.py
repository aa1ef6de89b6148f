"""POS items and their orders: requested (stock taken, points debited when the item has a price) → approved
or refused (stock and points given back) → shipped.

Locks: the partner's points account (for a paid item), then the item (``relais.merchandising.locks``); the
stock is checked and decremented under the item's lock, so concurrent orders never take it below zero.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.api.idempotency import IdempotencyConflict
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives import locks as points_locks
from relais.incentives.models import PointsEntry
from relais.incentives.reasons import Reason
from relais.incentives.services import points_credit, points_debit
from relais.merchandising import locks
from relais.merchandising.models import PosItem, PosOrder
from relais.merchandising.photos import photo_checked
from relais.network.models import PartnerCompany


@transaction.atomic
def pos_item_save(
    *,
    brand: Brand,
    name: str,
    stock: int,
    description: str = "",
    per_partner_limit: int | None = None,
    points_price: int = 0,
    is_active: bool = True,
    photo: UploadedFile | None = None,
    item: PosItem | None = None,
) -> PosItem:
    """Create a POS item, or edit ``item`` (its stock replaced under its lock)."""
    if not name.strip():
        raise ApplicationError(_("Give the item a name."), extra={"field": "name"})
    if stock < 0:
        raise ApplicationError(_("The stock cannot be negative."), extra={"field": "stock"})
    if points_price < 0:
        raise ApplicationError(_("The price cannot be negative."), extra={"field": "points_price"})
    if per_partner_limit is not None and per_partner_limit <= 0:
        raise ApplicationError(
            _("The limit per partner must be a positive number."), extra={"field": "per_partner_limit"}
        )
    if item is None:
        item = PosItem(brand=brand)
    else:
        item = locks.lock_item(item.pk)
        if item.brand_id != brand.pk:
            raise ApplicationError(_("Unknown item."))
    item.name, item.description = name.strip(), description.strip()
    item.stock, item.per_partner_limit, item.points_price = stock, per_partner_limit, points_price
    item.is_active = is_active
    if photo is not None:
        _content_type, filename = photo_checked(photo)
        item.photo.save(filename, photo, save=False)
    item.save()
    return item


def pos_order_request(
    *, partner: PartnerCompany, item: PosItem, quantity: int, user: User | None, idempotency_key: str
) -> PosOrder:
    """A partner orders ``quantity`` of an item. Replaying the key returns the same order; the same key for
    another item or quantity raises ``IdempotencyConflict``."""
    if not idempotency_key or len(idempotency_key) > 100:
        raise ApplicationError(_("An idempotency key of 1 to 100 characters is required."))
    try:
        return _order_request(
            partner=partner, item=item, quantity=quantity, user=user, idempotency_key=idempotency_key
        )
    except IntegrityError:
        order = PosOrder.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
        if order is None:
            raise
        return _same_order(order, item=item, quantity=quantity)


def _same_order(order: PosOrder, *, item: PosItem, quantity: int) -> PosOrder:
    if order.item_id != item.pk or order.quantity != quantity:
        raise IdempotencyConflict(
            _("This idempotency key was already used for another order."),
            extra={"code": "idempotency_conflict"},
        )
    return order


@transaction.atomic
def _order_request(
    *, partner: PartnerCompany, item: PosItem, quantity: int, user: User | None, idempotency_key: str
) -> PosOrder:
    if item.brand_id != partner.brand_id:
        raise ApplicationError(_("Unknown item."))
    if quantity <= 0 or quantity > 1000:
        raise ApplicationError(_("The quantity must be between 1 and 1000."), extra={"field": "quantity"})
    if item.points_price:
        points_locks.lock_account(brand_id=partner.brand_id, partner_id=partner.pk)
    existing = PosOrder.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_order(existing, item=item, quantity=quantity)
    item = locks.lock_item(item.pk)
    if not item.is_active:
        raise ApplicationError(_("This item is no longer offered."))
    if item.stock < quantity:
        raise ApplicationError(
            _("Not enough stock: %(stock)s left.") % {"stock": item.stock},
            extra={"code": "out_of_stock", "field": "quantity"},
        )
    if item.per_partner_limit is not None:
        ordered = (
            PosOrder.objects.filter(item=item, partner=partner)
            .exclude(status=PosOrder.Status.REFUSED)
            .aggregate(q=Sum("quantity"))["q"]
            or 0
        )
        if ordered + quantity > item.per_partner_limit:
            raise ApplicationError(
                _("At most %(limit)s per partner: %(left)s left for you.")
                % {"limit": item.per_partner_limit, "left": max(item.per_partner_limit - ordered, 0)},
                extra={"code": "over_limit", "field": "quantity"},
            )
    order = PosOrder.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        item=item,
        quantity=quantity,
        points_total=item.points_price * quantity,
        idempotency_key=idempotency_key,
        requested_by=user,
    )
    if order.points_total:
        points_debit(
            brand=partner.brand,
            partner=partner,
            amount=order.points_total,
            kind=PointsEntry.Kind.REDEEM,
            reason=Reason("pos_order", {"quantity": quantity, "item": item.name}),
            idempotency_key=f"pos_order:{order.pk}",
            user=None,
        )
    PosItem.objects.filter(pk=item.pk).update(stock=F("stock") - quantity)
    return order


def _decided(order: PosOrder, *, expected: PosOrder.Status) -> None:
    if order.status != expected:
        raise ApplicationError(
            _("A %(current)s order cannot be changed this way.")
            % {"current": order.get_status_display().lower()}
        )


@transaction.atomic
def pos_order_approve(*, order: PosOrder, user: User) -> PosOrder:
    """The brand accepts a requested order."""
    order = locks.lock_order(order.pk)
    _decided(order, expected=PosOrder.Status.REQUESTED)
    order.status, order.decided_by, order.decided_at = PosOrder.Status.APPROVED, user, timezone.now()
    order.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return order


@transaction.atomic
def pos_order_refuse(*, order: PosOrder, user: User, reason: str = "") -> PosOrder:
    """The brand refuses a requested or approved order not shipped yet: the stock comes back, and the points
    by a ``refund`` entry of the ledger."""
    if order.points_total:
        points_locks.lock_account(brand_id=order.brand_id, partner_id=order.partner_id)
    order = locks.lock_order(order.pk)
    if order.status not in {PosOrder.Status.REQUESTED, PosOrder.Status.APPROVED}:
        _decided(order, expected=PosOrder.Status.REQUESTED)
    item = locks.lock_item(order.item_id)
    if order.points_total:
        points_credit(
            brand=order.brand,
            partner=order.partner,
            amount=order.points_total,
            kind=PointsEntry.Kind.REFUND,
            reason=Reason("pos_order_refunded", {"item": item.name}),
            idempotency_key=f"pos_refund:{order.pk}",
            created_by=user,
        )
    PosItem.objects.filter(pk=item.pk).update(stock=F("stock") + order.quantity)
    order.status, order.decided_by, order.decided_at = PosOrder.Status.REFUSED, user, timezone.now()
    order.refusal_reason = reason.strip()[:300]
    order.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason", "updated_at"])
    return order


@transaction.atomic
def pos_order_ship(*, order: PosOrder, user: User) -> PosOrder:
    """The material left the warehouse."""
    order = locks.lock_order(order.pk)
    _decided(order, expected=PosOrder.Status.APPROVED)
    order.status, order.shipped_at = PosOrder.Status.SHIPPED, timezone.now()
    order.save(update_fields=["status", "shipped_at", "updated_at"])
    return order
