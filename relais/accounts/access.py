"""The few places that decide what a user may reach. Every view fetching a tenant object goes through here.

A miss is always a 404, never a 403: a user must not learn that another brand's or partner's object exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from relais.accounts.models import Role, User
from relais.core.models import Brand
from relais.network.models import PartnerCompany


def access_brand_for_user(user: User) -> Brand:
    """The brand a brand or partner user works in; operators have none."""
    brand = user.brand if user.is_authenticated and user.is_active else None
    if brand is None:
        raise Http404
    return brand


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
    partner = user.partner if user.is_authenticated and user.is_partner_user else None
    if partner is None:
        raise PermissionDenied
    return partner


def access_partner_admin(user: User) -> PartnerCompany:
    partner = access_partner_user(user)
    if user.role != Role.PARTNER_ADMIN:
        raise PermissionDenied
    return partner


def access_distributor(user: User) -> PartnerCompany:
    """A distributor's pages (its resellers, declaring for them): the admin of a partner the brand marked as
    a distributor."""
    partner = access_partner_admin(user)
    if not partner.is_distributor:
        raise PermissionDenied
    return partner


def access_partner_by_id(*, user: User, partner_id: int) -> PartnerCompany:
    """A partner company as seen by ``user``: brand staff see their brand's, partner users only their own."""
    brand = access_brand_for_user(user)
    if user.is_partner_user:
        if user.partner_id != partner_id:
            raise Http404
    elif not user.is_brand_user:
        raise Http404
    partner = PartnerCompany.objects.filter(brand=brand, pk=partner_id).first()
    if partner is None:
        raise Http404
    return partner
