"""Reads on users and invitations, scoped by brand and, for partner admins, by their own company."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from relais.accounts.models import BRAND_ROLES, Invitation, Membership, Role, User
from relais.accounts.services import invitation_token_hash
from relais.core.models import Brand
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


@dataclass(frozen=True)
class BrandPerson:
    """A person as one brand knows them: the login, and the role and partner company of its membership in
    this brand (never the person's other brands)."""

    user: User
    role: str
    partner: PartnerCompany | None

    @property
    def is_staff(self) -> bool:
        return self.role in BRAND_ROLES

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def brand_people(*, brand: Brand) -> list[BrandPerson]:
    """Everyone of the brand, active or not: its staff, then its partner companies' users, each by e-mail.

    Read through ``Membership``, so a person whose login works in another brand for the moment is listed
    with its role here; a login whose row points at the brand without a membership (made before
    memberships, or by a fixture) is listed from its row. Two queries whatever the number of people."""
    people = {
        m.user_id: BrandPerson(user=m.user, role=m.role, partner=m.partner)
        for m in Membership.objects.filter(brand=brand).select_related("user", "partner")
    }
    for user in User.objects.filter(brand=brand).exclude(pk__in=list(people)).select_related("partner"):
        people[user.pk] = BrandPerson(user=user, role=user.role, partner=user.partner)
    return sorted(people.values(), key=lambda p: (not p.is_staff, p.user.email))
