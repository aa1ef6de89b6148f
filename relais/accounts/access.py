"""The few places that decide what a user may reach. Every view fetching a tenant object goes through here.

A miss is always a 404, never a 403: a user must not learn that another brand's or partner's object exists.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from relais.accounts.models import ChannelScope, Role, User
from relais.core.models import Brand
from relais.network.models import PartnerCompany, SegmentMembership

_SCOPE_CACHE = "_relais_partner_scope"


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


def access_brand_partner_scope(user: User) -> Q | None:
    """The partners a brand user may see and act on, as a filter over ``PartnerCompany``; ``None``: all.

    A channel manager with a scope (``ChannelScope``: countries and/or segments, both narrowing) sees only
    those partners; a brand admin, or a channel manager without a scope, sees the whole brand. Other users
    get ``None`` too: partner users are held to their own company by the helpers above. The brand's pages
    that list or open partners, declarations, lines and rankings pass this filter to their selectors
    (``scope=``); an object out of scope is a 404. Read once per request (kept on the user object).
    """
    if not user.is_authenticated or user.role != Role.CHANNEL_MANAGER or user.brand_id is None:
        return None
    if hasattr(user, _SCOPE_CACHE):
        return getattr(user, _SCOPE_CACHE)
    scope = ChannelScope.objects.filter(user=user, brand_id=user.brand_id).first()
    q: Q | None = None
    if scope is not None:
        segment_ids = list(scope.segments.values_list("pk", flat=True))
        parts = []
        if scope.countries:
            parts.append(Q(country__in=scope.countries))
        if segment_ids:
            members = SegmentMembership.objects.filter(segment_id__in=segment_ids, valid_to__isnull=True)
            parts.append(Q(pk__in=members.values("partner_id")))
        for part in parts:
            q = part if q is None else q & part
    setattr(user, _SCOPE_CACHE, q)
    return q


def access_partner_in_scope(*, user: User, partner_id: int) -> None:
    """Http404 when a brand user's scope leaves out this partner (of the user's brand)."""
    scope = access_brand_partner_scope(user)
    if scope is not None and not PartnerCompany.objects.filter(scope, pk=partner_id).exists():
        raise Http404


def access_partner_declarations_scope(user: User) -> Q | None:
    """Which of its company's declarations a partner user reads, as a filter over ``Declaration``; ``None``:
    all of them. A seller reads those it made, unless its admin let sellers see the company's
    (``PartnerCompany.sellers_see_company_declarations``)."""
    partner = access_partner_user(user)
    if user.role != Role.PARTNER_SELLER or partner.sellers_see_company_declarations:
        return None
    return Q(created_by=user) | Q(submitted_by=user)


def access_partner_by_id(*, user: User, partner_id: int) -> PartnerCompany:
    """A partner company as seen by ``user``: brand staff see their brand's, partner users only their own."""
    brand = access_brand_for_user(user)
    if user.is_partner_user:
        if user.partner_id != partner_id:
            raise Http404
    elif not user.is_brand_user:
        raise Http404
    partners = PartnerCompany.objects.filter(brand=brand, pk=partner_id)
    scope = access_brand_partner_scope(user)
    partner = (partners.filter(scope) if scope is not None else partners).first()
    if partner is None:
        raise Http404
    return partner
