"""Reads on the partner network, always scoped by brand (and by partner for partner users)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import (
    Channel,
    Organisation,
    PartnerCompany,
    PartnerKind,
    Segment,
    SegmentMembership,
    Site,
    Tier,
)

# The partner fields a segment rule may test, with the accepted codes when the field has a closed list.
# ``None`` means free values (countries, regions, parent codes); ``bool`` means true/false.
RULE_FIELDS: dict[str, type | list[str] | None] = {
    "kind": list(PartnerKind.values),
    "organisation": list(Organisation.values),
    "country": None,
    "region": None,
    "channel": list(Channel.values),
    "potential_tier": list(Tier.values),
    "activity_tier": list(Tier.values),
    "parent": None,
    "is_active": bool,
}

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def segment_rules_clean(rules: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Check and normalise segment rules: known fields only, lists of known codes, no empty lists.

    Raises ApplicationError naming the first offending field or value.
    """
    if not isinstance(rules, Mapping):
        raise ApplicationError(_("Segment rules must map a partner field to accepted values."))
    cleaned: dict[str, list[Any]] = {}
    for field, raw in rules.items():
        if field not in RULE_FIELDS:
            raise ApplicationError(
                _("Unknown segment rule field: %(field)s.") % {"field": field}, extra={"field": field}
            )
        values = [raw] if isinstance(raw, str | bool | int) else list(raw or [])
        accepted = RULE_FIELDS[field]
        normalised: list[Any] = []
        for value in values:
            if accepted is bool:
                text = str(value).strip().lower()
                if isinstance(value, bool):
                    value = bool(value)
                elif text in _TRUE:
                    value = True
                elif text in _FALSE:
                    value = False
                else:
                    raise ApplicationError(
                        _("Invalid value %(value)s for %(field)s.") % {"value": value, "field": field},
                        extra={"field": field},
                    )
            else:
                value = str(value).strip()
                if field == "country":
                    value = value.upper()
                if not value:
                    continue
                if isinstance(accepted, list) and value not in accepted:
                    raise ApplicationError(
                        _("Invalid value %(value)s for %(field)s.") % {"value": value, "field": field},
                        extra={"field": field},
                    )
            if value not in normalised:
                normalised.append(value)
        if normalised:
            cleaned[field] = sorted(normalised, key=str)
    return cleaned


def partners_matching_rules(*, brand: Brand, rules: Mapping[str, Any]) -> QuerySet[PartnerCompany]:
    """The brand's partners that satisfy ``rules``: fields ANDed, values within a field ORed.

    Empty rules match every partner of the brand. Unknown fields or values raise ApplicationError.
    """
    cleaned = segment_rules_clean(rules)
    qs = PartnerCompany.objects.filter(brand=brand)
    for field, values in cleaned.items():
        if field == "parent":
            qs = qs.filter(parent__code__in=values)
        else:
            qs = qs.filter(**{f"{field}__in": values})
    return qs


# The orders of the brand's partner list (a "-" in front reverses); each ends on the primary key.
PARTNER_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "code": ("code", "pk"),
    "-code": ("-code", "-pk"),
    "city": ("city", "name", "pk"),
    "-city": ("-city", "name", "pk"),
    "country": ("country", "name", "pk"),
    "-country": ("-country", "name", "pk"),
    "kind": ("kind", "name", "pk"),
    "-kind": ("-kind", "name", "pk"),
}
PARTNER_DEFAULT_SORT = "name"


def partner_list(
    *, brand: Brand, filters: Mapping[str, Any] | None = None, sort: str = "", scope: Q | None = None
) -> QuerySet[PartnerCompany]:
    """Partners of the brand for the back-office list, filtered by the cleaned filter-bar values, in the
    order of ``sort`` (a key of ``PARTNER_SORTS``; by name otherwise).

    ``q`` searches name, code and city; ``parent`` and ``segment`` are ids; the other keys are field codes
    (a single value or a list). ``segment`` means a current (open) membership. ``scope``: the partners the
    brand user may see (``relais.accounts.access.access_brand_partner_scope``), all when None.
    """
    filters = filters or {}
    qs = PartnerCompany.objects.filter(brand=brand).select_related("parent")
    if scope is not None:
        qs = qs.filter(scope)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(city__icontains=q))
    for field in ("kind", "organisation", "country", "region", "channel", "potential_tier", "activity_tier"):
        value = filters.get(field)
        if not value:
            continue
        values = [value] if isinstance(value, str) else list(value)
        values = [v for v in values if v]
        if values:
            qs = qs.filter(**{f"{field}__in": values})
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    if filters.get("segment"):
        segment_id = filters["segment"]
        qs = qs.filter(
            Exists(
                SegmentMembership.objects.filter(
                    partner=OuterRef("pk"),
                    segment_id=segment_id,
                    segment__brand=brand,
                    valid_to__isnull=True,
                )
            )
        )
    is_active = filters.get("is_active")
    if is_active is not None and is_active != "":
        qs = qs.filter(is_active=is_active in (True, "true", "1", "on"))
    return qs.order_by(*(PARTNER_SORTS.get(sort) or PARTNER_SORTS[PARTNER_DEFAULT_SORT]))


def partner_get(*, brand: Brand, partner_id: int, scope: Q | None = None) -> PartnerCompany:
    """One of the brand's partners, with its parent loaded; another brand's partner is a 404.

    Who may see it is the caller's check (``relais.accounts.access``): brand staff see the partners of
    their brand within ``scope`` (a channel manager's partner filter; all when None), any other is a 404.
    """
    partners = PartnerCompany.objects.select_related("parent", "brand").filter(brand=brand, pk=partner_id)
    partner = (partners.filter(scope) if scope is not None else partners).first()
    if partner is None:
        raise Http404
    return partner


def partner_children(*, partner: PartnerCompany) -> QuerySet[PartnerCompany]:
    return PartnerCompany.objects.filter(brand_id=partner.brand_id, parent=partner).order_by("name")


def partner_sites(*, partner: PartnerCompany) -> QuerySet[Site]:
    return Site.objects.filter(brand_id=partner.brand_id, partner=partner)


def site_get(*, partner: PartnerCompany, site_id: int) -> Site:
    """One of the partner's sites; another partner's site is a 404."""
    site = Site.objects.filter(brand_id=partner.brand_id, partner=partner, pk=site_id).first()
    if site is None:
        raise Http404
    return site


def partner_distributor_choices(*, brand: Brand) -> QuerySet[PartnerCompany]:
    """Partners that can be a parent: distributors and wholesalers of the brand."""
    return PartnerCompany.objects.filter(
        brand=brand, kind__in=[PartnerKind.DISTRIBUTOR, PartnerKind.WHOLESALER]
    ).order_by("name")


def partner_distributors(*, brand: Brand) -> QuerySet[PartnerCompany]:
    """The partners the brand marked as distributors (``is_distributor``): the parents its forms offer."""
    return PartnerCompany.objects.filter(brand=brand, is_distributor=True).order_by("name")


def partner_filter_options(*, brand: Brand) -> dict[str, list[str]]:
    """The distinct countries and regions present in the brand's network, for filter and rule pickers."""
    qs = PartnerCompany.objects.filter(brand=brand)
    countries = sorted(set(qs.values_list("country", flat=True)))
    regions = sorted({r for r in qs.values_list("region", flat=True) if r})
    return {"country": countries, "region": regions}


def segment_list(*, brand: Brand) -> QuerySet[Segment]:
    return Segment.objects.filter(brand=brand).order_by("name")


def segment_find(*, brand: Brand, segment_id: int) -> Segment | None:
    """One of the brand's segments, or None."""
    return Segment.objects.filter(brand=brand, pk=segment_id).first()


def segment_get(*, brand: Brand, segment_id: int) -> Segment:
    """One of the brand's segments; another brand's segment is a 404."""
    segment = segment_find(brand=brand, segment_id=segment_id)
    if segment is None:
        raise Http404
    return segment


def segment_members_at(*, segment: Segment, at: datetime) -> QuerySet[PartnerCompany]:
    """The partners that were members of ``segment`` at instant ``at`` (from the membership history)."""
    stays = SegmentMembership.objects.filter(
        segment=segment, partner=OuterRef("pk"), valid_from__lte=at
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
    return PartnerCompany.objects.filter(brand_id=segment.brand_id).filter(Exists(stays)).order_by("name")


def segments_of_partner(*, partner: PartnerCompany, at: datetime | None = None) -> QuerySet[Segment]:
    """The segments ``partner`` belongs to at ``at`` (now when omitted)."""
    at = at or timezone.now()
    stays = SegmentMembership.objects.filter(
        segment=OuterRef("pk"), partner=partner, valid_from__lte=at
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
    return Segment.objects.filter(brand_id=partner.brand_id).filter(Exists(stays)).order_by("name")


def partner_segment_history(*, partner: PartnerCompany) -> QuerySet[SegmentMembership]:
    """Every stay of ``partner`` in a segment, open ones first, then the most recent."""
    return (
        SegmentMembership.objects.filter(partner=partner, segment__brand_id=partner.brand_id)
        .select_related("segment")
        .order_by("valid_to", "-valid_from")
    )


def segment_moves_if(*, segment: Segment, matching: QuerySet[PartnerCompany]) -> dict[str, int]:
    """How many partners would join and leave ``segment`` if its members became ``matching``."""
    current = SegmentMembership.objects.filter(segment=segment, valid_to__isnull=True)
    return {
        "joining": matching.exclude(pk__in=current.values("partner_id")).count(),
        "leaving": current.exclude(partner_id__in=matching.values("pk")).count(),
    }


def segment_recent_moves(*, segment: Segment, limit: int = 20) -> list[dict[str, Any]]:
    """The latest entries and exits of the segment, newest first."""
    entries = SegmentMembership.objects.filter(segment=segment).select_related("partner")
    moves: list[dict[str, Any]] = []
    for stay in entries.order_by("-valid_from")[:limit]:
        moves.append({"partner": stay.partner, "at": stay.valid_from, "entered": True})
    for stay in entries.filter(valid_to__isnull=False).order_by("-valid_to")[:limit]:
        assert stay.valid_to is not None
        moves.append({"partner": stay.partner, "at": stay.valid_to, "entered": False})
    moves.sort(key=lambda m: m["at"], reverse=True)
    return moves[:limit]


def brand_kpis(*, brand: Brand) -> dict[str, Any]:
    """Figures for the brand home: partners by kind and country, active partners, segments."""
    partners = PartnerCompany.objects.filter(brand=brand)
    kind_labels = dict(PartnerKind.choices)
    by_kind = [
        {"code": row["kind"], "label": kind_labels.get(row["kind"], row["kind"]), "n": row["n"]}
        for row in partners.values("kind").annotate(n=Count("id")).order_by("-n", "kind")
    ]
    by_country = list(partners.values("country").annotate(n=Count("id")).order_by("-n", "country")[:10])
    totals = partners.aggregate(total=Count("id"), active=Count("id", filter=Q(is_active=True)))
    return {
        "partner_count": totals["total"],
        "active_count": totals["active"],
        "by_kind": by_kind,
        "by_country": by_country,
        "segment_count": Segment.objects.filter(brand=brand).count(),
        "largest_segments": list(Segment.objects.filter(brand=brand).order_by("-member_count", "name")[:5]),
    }
