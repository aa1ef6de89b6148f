"""Writes on the partner network: partner identity, sites, segments and their historised memberships."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.core import validators
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import PartnerCompany, Segment, SegmentMembership, Site
from relais.network.selectors import partners_matching_rules, segment_rules_clean

# Partner fields that segment rules read: changing one of them may move the partner between segments.
RULE_SENSITIVE_FIELDS = {
    "kind",
    "organisation",
    "country",
    "region",
    "channel",
    "potential_tier",
    "activity_tier",
    "parent",
    "is_active",
}

# In the order the edit forms show them (the brand's partner page and the operators' admin).
PARTNER_EDITABLE_FIELDS = (
    "name",
    "kind",
    "organisation",
    "channel",
    "parent",
    "country",
    "region",
    "city",
    "siret",
    "siren",
    "vat_number",
    "potential",
    "potential_tier",
    "is_distributor",
    "is_active",
)

SITE_EDITABLE_FIELDS = ("name", "address", "postcode", "city", "country", "region", "gln", "is_main")


@dataclass(frozen=True)
class MembershipMoves:
    """Segment stays a write opened and closed (``segment_memberships_recompute``'s counts)."""

    opened: int = 0
    closed: int = 0

    @property
    def any(self) -> bool:
        """True when some partner joined or left a segment."""
        return bool(self.opened or self.closed)


@dataclass(frozen=True)
class PartnerUpdated:
    """What ``partner_update`` did: the partner, the fields it wrote and the segment stays that moved."""

    partner: PartnerCompany
    changed: frozenset[str] = frozenset()
    moves: MembershipMoves = MembershipMoves()


@dataclass(frozen=True)
class SegmentUpdated:
    """What ``segment_update`` did: the segment and the stays its new rules opened and closed."""

    segment: Segment
    moves: MembershipMoves = MembershipMoves()


# --- identifiers ------------------------------------------------------------------------------------
# The shared validators (relais.core.validators) normalise and raise ValueError with a message for the user.


def _checked(validator: Callable[[object], str], value: str) -> str:
    try:
        return str(validator(value))
    except ValueError as exc:
        raise ApplicationError(str(exc)) from exc


# Identifier fields, each with the validator that normalises a non-empty value.
_IDENTIFIER_VALIDATORS: dict[str, Callable[[object], str]] = {
    "siret": validators.validate_siret,
    "siren": validators.validate_siren,
    "vat_number": validators.validate_vat,
}


# --- partners ---------------------------------------------------------------------------------------


def _partner_value_clean(*, partner: PartnerCompany, field: str, value: Any) -> Any:
    """One submitted partner field, stripped and validated (ApplicationError with a message otherwise)."""
    if isinstance(value, str):
        value = value.strip()
    if field == "name" and not value:
        raise ApplicationError(_("A partner needs a name."))
    if field == "country":
        return _checked(validators.normalise_country, value)
    if field in _IDENTIFIER_VALIDATORS and value:
        return _checked(_IDENTIFIER_VALIDATORS[field], value)
    if field == "parent" and value is not None:
        _check_parent(partner=partner, parent=value)
    return value


@transaction.atomic
def partner_update(*, partner: PartnerCompany, **fields: Any) -> PartnerUpdated:
    """Update a partner's identity, validating legal identifiers (SIRET, SIREN, VAT) and the country.

    ``parent`` must be another partner of the same brand, without making a cycle. When a field that
    segment rules read changes, the partner's segment memberships are recomputed in the same transaction.
    Returns the fields written and the stays that moved, so the caller can follow up in other domains
    (``relais.followups.network.partner_update`` rebuilds the dashboard's cube).
    """
    unknown = set(fields) - set(PARTNER_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    changes: dict[str, Any] = {}
    for name, raw in fields.items():
        value = _partner_value_clean(partner=partner, field=name, value=raw)
        if getattr(partner, name) != value:
            changes[name] = value
    if "siret" in changes and changes["siret"] and not (fields.get("siren") or partner.siren):
        changes["siren"] = changes["siret"][:9]
    if not changes:
        return PartnerUpdated(partner=partner)
    for name, value in changes.items():
        setattr(partner, name, value)
    partner.save(update_fields=[*changes, "updated_at"])
    moves = MembershipMoves()
    if RULE_SENSITIVE_FIELDS & set(changes):
        # Children match "parent" rules through this partner's code, which cannot change here.
        counts = segment_memberships_recompute(brand=partner.brand, partners=[partner])
        moves = MembershipMoves(opened=counts["opened"], closed=counts["closed"])
    return PartnerUpdated(partner=partner, changed=frozenset(changes), moves=moves)


def _check_parent(*, partner: PartnerCompany, parent: PartnerCompany) -> None:
    if parent.brand_id != partner.brand_id:
        raise ApplicationError(_("The parent distributor must belong to the same brand."))
    seen = {partner.pk}
    node: PartnerCompany | None = parent
    while node is not None:
        if node.pk in seen:
            raise ApplicationError(_("A partner cannot be its own parent, directly or through others."))
        seen.add(node.pk)
        node = node.parent


# --- sites ------------------------------------------------------------------------------------------


def _site_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(SITE_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}
        )
    values: dict[str, Any] = {}
    for field, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if field == "name" and not value:
            raise ApplicationError(_("A site needs a name."))
        if field == "country":
            value = _checked(validators.normalise_country, value)
        elif field == "gln" and value:
            value = _checked(validators.validate_gln, value)
        values[field] = value
    return values


def _only_one_main_site(site: Site) -> None:
    if site.is_main:
        Site.objects.filter(partner_id=site.partner_id, is_main=True).exclude(pk=site.pk).update(
            is_main=False, updated_at=timezone.now()
        )


@transaction.atomic
def site_create(
    *,
    partner: PartnerCompany,
    name: str,
    country: str = "",
    address: str = "",
    postcode: str = "",
    city: str = "",
    region: str = "",
    gln: str = "",
    is_main: bool = False,
) -> Site:
    """Add a site (shop, warehouse) to a partner. The first site, or one marked main, becomes the main site."""
    values = _site_values(
        {
            "name": name,
            "country": country or partner.country,
            "address": address,
            "postcode": postcode,
            "city": city,
            "region": region,
            "gln": gln,
            "is_main": is_main,
        }
    )
    if not Site.objects.filter(partner=partner).exists():
        values["is_main"] = True
    site = Site.objects.create(brand_id=partner.brand_id, partner=partner, **values)
    _only_one_main_site(site)
    return site


@transaction.atomic
def site_update(*, site: Site, **fields: Any) -> Site:
    """Change a site's address, GLN or main flag (one main site per partner)."""
    values = _site_values(fields)
    for field, value in values.items():
        setattr(site, field, value)
    site.save(update_fields=[*values, "updated_at"])
    _only_one_main_site(site)
    return site


# --- segments ---------------------------------------------------------------------------------------


def _segment_name_clean(*, brand: Brand, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("A segment needs a name."), extra={"field": "name"})
    clash = Segment.objects.filter(brand=brand, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ApplicationError(
            _("A segment named “%(name)s” already exists.") % {"name": name}, extra={"field": "name"}
        )
    return name


@transaction.atomic
def segment_create(*, brand: Brand, name: str, rules: Mapping[str, Any], description: str = "") -> Segment:
    """Save a dynamic segment of the brand's partners and compute its members right away.

    Every member of the new segment has just joined: ``member_count`` is the number of stays opened.
    """
    cleaned = segment_rules_clean(rules)
    name = _segment_name_clean(brand=brand, name=name)
    try:
        with transaction.atomic():
            segment = Segment.objects.create(
                brand=brand, name=name, rules=cleaned, description=(description or "").strip()
            )
    except IntegrityError as exc:  # a concurrent create with the same name
        raise ApplicationError(_("A segment named “%(name)s” already exists.") % {"name": name}) from exc
    segment_memberships_recompute(brand=brand, segment=segment)
    segment.refresh_from_db()
    return segment


@transaction.atomic
def segment_update(
    *, segment: Segment, name: str, rules: Mapping[str, Any], description: str = ""
) -> SegmentUpdated:
    """Rename or change the rules of a segment; memberships move (historised) to match the new rules.

    Returns the segment with the stays that moved (``relais.followups.network.segment_update`` rebuilds
    the dashboard's cube when some did).
    """
    cleaned = segment_rules_clean(rules)
    segment.name = _segment_name_clean(brand=segment.brand, name=name, exclude_pk=segment.pk)
    segment.description = (description or "").strip()
    rules_changed = cleaned != segment.rules
    segment.rules = cleaned
    segment.save(update_fields=["name", "description", "rules", "updated_at"])
    moves = MembershipMoves()
    if rules_changed or segment.computed_at is None:
        counts = segment_memberships_recompute(brand=segment.brand, segment=segment)
        moves = MembershipMoves(opened=counts["opened"], closed=counts["closed"])
        segment.refresh_from_db()
    return SegmentUpdated(segment=segment, moves=moves)


@transaction.atomic
def segment_public_label_set(*, segment: Segment, public_label: str) -> Segment:
    """Set what partners read for this segment (empty: unnamed for them, "comparable partners")."""
    label = " ".join((public_label or "").split())
    if len(label) > 120:
        raise ApplicationError(_("This text is too long."), extra={"field": "public_label"})
    if label != segment.public_label:
        segment.public_label = label
        segment.save(update_fields=["public_label", "updated_at"])
    return segment


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    """Delete a segment and its membership history."""
    segment.delete()


@transaction.atomic
def segment_memberships_recompute(
    *,
    brand: Brand,
    segment: Segment | None = None,
    at: datetime | None = None,
    partners: Iterable[PartnerCompany] | None = None,
) -> dict[str, int]:
    """Bring the membership history of the brand's segments (or just ``segment``) in line with their rules.

    Stays of partners that no longer match are closed at ``at``; partners that newly match get a new stay
    from ``at``; unchanged stays are left alone. Set-based: a few queries per segment, whatever its size.
    ``partners`` limits the work to those partners (after editing one partner, say); member counts stay
    exact. The segment rows are locked first, so two recomputes of a segment never interleave.
    Returns the numbers of stays opened and closed (and of segments examined); what follows in other
    domains (the dashboard's cube) is ``relais.followups.network.segment_memberships_refresh``.
    """
    at = at or timezone.now()
    scope = None if partners is None else [p.pk for p in partners]
    if segment is not None and segment.brand_id != brand.pk:
        raise ApplicationError(_("This segment belongs to another brand."))
    locked = Segment.objects.select_for_update().filter(brand=brand).order_by("pk")
    if segment is not None:
        locked = locked.filter(pk=segment.pk)
    segments = list(locked)
    opened = closed = 0
    for seg in segments:
        matching = partners_matching_rules(brand=brand, rules=seg.rules)
        open_stays = SegmentMembership.objects.filter(segment=seg, valid_to__isnull=True)
        touched_stays = open_stays
        if scope is not None:
            matching = matching.filter(pk__in=scope)
            touched_stays = open_stays.filter(partner_id__in=scope)
        closed += touched_stays.exclude(partner_id__in=matching.values("pk")).update(valid_to=at)
        newcomers = list(
            matching.exclude(pk__in=open_stays.values("partner_id")).values_list("pk", flat=True)
        )
        SegmentMembership.objects.bulk_create(
            [SegmentMembership(segment=seg, partner_id=pk, valid_from=at) for pk in newcomers],
            batch_size=1000,
        )
        opened += len(newcomers)
        fields: dict[str, Any] = {"member_count": open_stays.count(), "updated_at": timezone.now()}
        if scope is None:
            fields["computed_at"] = at
        Segment.objects.filter(pk=seg.pk).update(**fields)
    return {"opened": opened, "closed": closed, "segments": len(segments)}
