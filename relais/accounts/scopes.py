"""Setting a channel manager's scope: the countries and segments of the partners it works on.

Read by ``relais.accounts.access.access_brand_partner_scope``; the brand admin sets it on the brand's users
page (``relais.accounts.views_scope``).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from relais.accounts.models import ChannelScope, Role, User
from relais.core.errors import ApplicationError
from relais.network.models import PartnerCompany, Segment


@transaction.atomic
def brand_user_scope_set(
    *, user: User, countries: Sequence[str], segment_ids: Sequence[int], by: User
) -> ChannelScope:
    """Give a channel manager of ``by``'s brand its scope (empty both: the whole brand).

    Only a brand admin sets a scope, only on a channel manager of its own brand; countries are ISO codes
    (upper-cased), segments must be the brand's. Refused with a message naming the field at fault.
    """
    if by.role != Role.BRAND_ADMIN or by.brand_id is None:
        raise ApplicationError(_("Only a brand admin sets a channel manager's scope."))
    if user.brand_id != by.brand_id or user.role != Role.CHANNEL_MANAGER:
        raise ApplicationError(_("A scope is set on a channel manager of your brand."))
    codes = sorted({c.strip().upper() for c in countries if c and c.strip()})
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad:
        raise ApplicationError(
            _("Countries: “%(codes)s” is not a two-letter country code.") % {"codes": ", ".join(bad)}
        )
    wanted = set(segment_ids)
    segments = list(Segment.objects.filter(brand_id=by.brand_id, pk__in=wanted))
    if len(segments) != len(wanted):
        raise ApplicationError(_("Segments: one of them is not a segment of your brand."))
    scope, _created = ChannelScope.objects.select_for_update().get_or_create(
        user=user, brand_id=by.brand_id, defaults={"set_by": by}
    )
    scope.countries = codes
    scope.set_by = by
    scope.save(update_fields=["countries", "set_by", "updated_at"])
    scope.segments.set(segments)
    return scope


def brand_user_scope_find(*, user: User) -> ChannelScope | None:
    """A brand user's scope in its brand, or ``None`` (the whole brand)."""
    if user.brand_id is None:
        return None
    return ChannelScope.objects.filter(user=user, brand_id=user.brand_id).prefetch_related("segments").first()


@transaction.atomic
def partner_sellers_visibility_set(*, partner: PartnerCompany, allowed: bool, by: User) -> PartnerCompany:
    """The partner's admin lets its sellers see every declaration of the company (``allowed``), or only
    their own. Only the admin of that company decides."""
    if by.role != Role.PARTNER_ADMIN or by.partner_id != partner.pk:
        raise ApplicationError(_("Only the admin of the company decides what its sellers see."))
    PartnerCompany.objects.filter(pk=partner.pk).update(sellers_see_company_declarations=allowed)
    partner.sellers_see_company_declarations = allowed
    return partner
