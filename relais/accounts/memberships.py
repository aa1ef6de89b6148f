"""One person, several brands: memberships, and the switch from one brand to another.

The active membership belongs to the browser session, not to the login: the switcher stores its id in the
session (``ACTIVE_MEMBERSHIP_SESSION_KEY``) and ``relais.accounts.middleware.ActiveMembershipMiddleware``
lays it over ``request.user`` on every request (its ``brand``, ``partner`` and ``role``, in memory only),
before any view or access helper reads them. So two sessions of one person work in two brands at once, and no
helper had to learn about memberships. A session that never switched works in the brand of the user row
(the membership the login was made with); the row is never rewritten by a switch.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relais.accounts.models import PARTNER_ROLES, Membership, Role, User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import PartnerCompany

ACTIVE_MEMBERSHIP_SESSION_KEY = "relais_active_membership"


@transaction.atomic
def membership_add(
    *, user: User, brand: Brand, role: str, partner: PartnerCompany | None = None
) -> Membership:
    """Link a login to one more brand (an invitation to an e-mail that already has a login). One membership
    per brand: inviting the person again into the same brand updates its partner and role."""
    if role == Role.OPERATOR or role not in Role.values:
        raise ApplicationError(_("This role cannot be given in a brand."))
    if role in PARTNER_ROLES and (partner is None or partner.brand_id != brand.pk):
        raise ApplicationError(_("A partner user needs a partner company of the brand."))
    membership, _created = Membership.objects.update_or_create(
        user=user, brand=brand, defaults={"partner": partner if role in PARTNER_ROLES else None, "role": role}
    )
    return membership


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The person's memberships, with their brand and partner (the switcher's choices)."""
    return Membership.objects.filter(user=user, brand__isnull=False).select_related("brand", "partner")


def membership_find(*, user: User, membership_id: int) -> Membership | None:
    """One of the person's own memberships, with its brand and partner; another person's is None."""
    return memberships_of(user=user).filter(pk=membership_id).first()


def membership_get(*, user: User, membership_id: int) -> Membership:
    """Like ``membership_find``, but a membership that is not the person's raises (the switcher's check)."""
    membership = membership_find(user=user, membership_id=membership_id)
    if membership is None:
        raise ApplicationError(_("This membership does not exist."))
    return membership


def membership_apply(*, user: User, membership: Membership) -> User:
    """Work in ``membership``'s brand for this request: its brand, partner and role are laid over ``user``
    in memory, never saved (the user row keeps the login's own membership; every save of a user names its
    ``update_fields``, none of which is one of these three)."""
    user.brand = membership.brand
    user.partner = membership.partner
    user.role = membership.role
    return user
