"""The few places that decide what a user may reach. Every view fetching a tenant object goes through here.

A miss is always a 404, never a 403: a user must not learn that another brand's or partner's object exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from relais.accounts.models import Role, User
from relais.network.models import PartnerCompany

if TYPE_CHECKING:
    from relais.core.models import Brand


def access_brand_for_user(user: User) -> Brand:
    """The brand a brand or partner user works in; operators have none."""
    if not user.is_authenticated or user.brand_id is None or not user.is_active:
        raise Http404
    return user.brand  # type: ignore[return-value]


def access_brand_staff(user: User) -> Brand:
    """Brand back-office pages: brand admins and channel managers only."""
    if not user.is_authenticated or not user.is_brand_user:
        raise PermissionDenied
    return access_brand_for_user(user)


def access_brand_admin(user: User) -> Brand:
    if not user.is_authenticated or user.role != Role.BRAND_ADMIN:
        raise PermissionDenied
    return access_brand_for_user(user)


def access_partner_user(user: User) -> PartnerCompany:
    """Partner portal pages: the user's own company, never another."""
    if not user.is_authenticated or not user.is_partner_user or user.partner_id is None:
        raise PermissionDenied
    return user.partner  # type: ignore[return-value]


def access_partner_admin(user: User) -> PartnerCompany:
    partner = access_partner_user(user)
    if user.role != Role.PARTNER_ADMIN:
        raise PermissionDenied
    return partner


def access_partner_by_id(*, user: User, partner_id: int) -> PartnerCompany:
    """A partner company as seen by ``user``: brand staff see their brand's, partner users only their own."""
    brand = access_brand_for_user(user)
    qs = PartnerCompany.objects.filter(brand=brand, pk=partner_id)
    if user.is_partner_user:
        qs = qs.filter(pk=user.partner_id)
    elif not user.is_brand_user:
        raise Http404
    partner = qs.first()
    if partner is None:
        raise Http404
    return partner
