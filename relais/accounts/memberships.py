"""One person, several brands: memberships, and the switch from one brand to another.

The active membership is copied onto the user's ``brand``, ``partner`` and ``role``, which every access helper
reads: switching is one write, and no helper had to learn about memberships. The trade-off: the active brand
belongs to the login, not to a browser session, so a person switching in one tab switches its other tabs
too (each page then shows the brand it now works in).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relais.accounts.models import PARTNER_ROLES, Membership, Role, User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import PartnerCompany


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


@transaction.atomic
def membership_activate(*, user: User, membership_id: int) -> User:
    """Work in the brand of one of the person's memberships: its brand, partner and role become the user's.
    Another person's membership is refused as if it did not exist."""
    membership = Membership.objects.filter(user=user, pk=membership_id).select_related("brand").first()
    if membership is None:
        raise ApplicationError(_("This membership does not exist."))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.brand_id = membership.brand_id
    user.partner_id = membership.partner_id
    user.role = membership.role
    user.save(update_fields=["brand", "partner", "role"])
    return user
