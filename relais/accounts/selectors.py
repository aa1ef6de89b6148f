"""Reads on users and invitations, scoped by brand and, for partner admins, by their own company."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from relais.accounts.models import Invitation, Role, User
from relais.accounts.services import invitation_token_hash
from relais.network.models import PartnerCompany


def invitation_find_by_token(*, token: str) -> Invitation | None:
    """The invitation a link's token stands for, or None (whether it can still be accepted is not checked)."""
    return (
        Invitation.objects.select_related("partner", "brand", "invited_by")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


def invitation_find_for_user(*, user: User, invitation_id: int) -> Invitation | None:
    """An invitation ``user`` manages: brand staff any of their brand's, partner admins their company's."""
    if not user.is_authenticated or user.brand_id is None:
        return None
    qs = Invitation.objects.select_related("partner").filter(brand_id=user.brand_id, pk=invitation_id)
    if user.is_brand_user:
        return qs.first()
    if user.role == Role.PARTNER_ADMIN and user.partner_id is not None:
        return qs.filter(partner_id=user.partner_id).first()
    return None


def invitations_pending_for_partner(*, partner: PartnerCompany) -> QuerySet[Invitation]:
    """The partner's invitations not accepted yet (expired ones included: they can be resent)."""
    return Invitation.objects.filter(
        brand_id=partner.brand_id, partner=partner, accepted_at__isnull=True
    ).select_related("invited_by")


def users_of_partner(*, partner: PartnerCompany) -> QuerySet[User]:
    """The partner company's users (active or not), by name: those working in it now, and the people with a
    membership in it who are working in another brand for the moment (``Membership``)."""
    here = Q(brand_id=partner.brand_id, partner=partner)
    members = Q(memberships__brand_id=partner.brand_id, memberships__partner=partner)
    return User.objects.filter(here | members).distinct().order_by("last_name", "email")


def partner_user_find_for_manager(*, by: User, user_id: int) -> User | None:
    """A partner user ``by`` may manage: brand staff any of their brand's, partner admins their company's."""
    if not by.is_authenticated or by.brand_id is None:
        return None
    qs = User.objects.filter(
        brand_id=by.brand_id, role__in=[Role.PARTNER_ADMIN, Role.PARTNER_SELLER], pk=user_id
    )
    if by.is_brand_user:
        return qs.first()
    if by.role == Role.PARTNER_ADMIN and by.partner_id is not None:
        return qs.filter(partner_id=by.partner_id).first()
    return None
