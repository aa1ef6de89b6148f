"""What the promotions writes and reads both follow: who is eligible, which lines a promotion covers, and
when it is shown. Nothing here writes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from relais.network.models import PartnerCompany, SegmentMembership
from relais.promotions.models import Promotion, PromotionStatus
from relais.sellout.models import DeclarationLine

# Published promotions are shown and earn; a closed one still pays the lines of its dates declared late.
EARNING = (PromotionStatus.PUBLISHED, PromotionStatus.CLOSED)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=tz
    )


def promotion_memberships(promotion: Promotion) -> QuerySet[SegmentMembership]:
    """Memberships of the promotion's segments open at some point of its dates."""
    start, end = _bounds(promotion.start, promotion.end)
    return SegmentMembership.objects.filter(segment__in=promotion.segments.all(), valid_from__lt=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start)
    )


def promotion_eligible_partners(*, promotion: Promotion) -> QuerySet[PartnerCompany]:
    """The brand's partners the promotion is for: every partner without segments, else the members of one
    of its segments at some point of its dates (the challenges' rule)."""
    partners = PartnerCompany.objects.filter(brand_id=promotion.brand_id)
    if not promotion.segments.exists():
        return partners
    return partners.filter(pk__in=promotion_memberships(promotion).values("partner_id"))


def promotion_is_partner_eligible(*, promotion: Promotion, partner_id: int) -> bool:
    return promotion_eligible_partners(promotion=promotion).filter(pk=partner_id).exists()


def promotion_products_q(promotion: Promotion, *, on_product: bool = False) -> Q:
    """The promoted products (its GTINs, its families) as a filter on lines, or on products."""
    family = "family" if on_product else "product__family"
    q = Q(pk__in=[])
    if promotion.product_gtins:
        q |= Q(gtin__in=list(promotion.product_gtins))
    if promotion.families:
        q |= Q(**{f"{family}__in": list(promotion.families)})
    return q


def promotion_lines(promotion: Promotion) -> QuerySet[DeclarationLine]:
    """Lines that can earn the promotion's extra points: validated (accepted: a flagged line waits for the
    brand's approval, a rejected one never earns), sales (not returns) of a promoted product within its
    dates, of submitted declarations."""
    return DeclarationLine.objects.filter(
        promotion_products_q(promotion),
        brand_id=promotion.brand_id,
        status=DeclarationLine.Status.ACCEPTED,
        quantity__gt=0,
        sale_date__gte=promotion.start,
        sale_date__lte=promotion.end,
    ).exclude(declaration__status="draft")


def promotion_phase(promotion: Promotion, *, today: date) -> str:
    """``upcoming`` (announced, not started), ``current``, ``past``, or ``hidden`` (not announced yet)."""
    if today < promotion.announce_from:
        return "hidden"
    if today < promotion.start:
        return "upcoming"
    if today <= promotion.end:
        return "current"
    return "past"
