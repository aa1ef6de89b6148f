"""After the network changes: tiers from the sell-out, then segment memberships, then the dashboard's cube.

The network domain writes partners and segments and says what moved (``relais.network.services`` returns
the fields written and the segment stays opened and closed); the consequences above it are here. The
cube of the dashboard (``relais.insights``) groups the rollups by segment membership and by a few partner
fields, so it is rebuilt, after commit, when one of those moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.core.models import Brand
from relais.core.tabular import ImportReport, Table
from relais.insights.services import cube_refresh_enqueue
from relais.network import importing
from relais.network import services as network_services
from relais.network.models import PartnerCompany, Segment
from relais.network.tiers import partner_tiers_recompute
from relais.sellout.selectors import partner_activity_amount_expression, partner_activity_amounts

# Partner fields the dashboard's cube groups by (relais.insights): a change rebuilds the cube.
CUBE_FIELDS = frozenset({"country", "region", "kind"})


def partner_tiers_refresh(*, brand: Brand, today: date | None = None) -> dict[str, int]:
    """Potential and activity tiers of the brand's partners, activity from the last 12 months of sell-out
    (to ``today``). Segment memberships are not touched: see ``network_refresh``."""
    today = today or timezone.localdate()
    return partner_tiers_recompute(
        brand=brand,
        activity_amounts=partner_activity_amounts(brand=brand, today=today),
        activity_amount_expression=partner_activity_amount_expression(today=today),
    )


@transaction.atomic
def segment_memberships_refresh(
    *,
    brand: Brand,
    segment: Segment | None = None,
    at: datetime | None = None,
    partners: Iterable[PartnerCompany] | None = None,
) -> dict[str, int]:
    """``segment_memberships_recompute`` (same arguments, same counts), then, when a stay opened or closed,
    the dashboard's cube rebuilt after commit (its segment figures group the rollups by membership)."""
    result = network_services.segment_memberships_recompute(
        brand=brand, segment=segment, at=at, partners=partners
    )
    if result["opened"] or result["closed"]:
        cube_refresh_enqueue(brand=brand)
    return result


@transaction.atomic
def network_refresh(*, brand: Brand) -> dict[str, int]:
    """The nightly pass: activity and potential tiers from the last 12 months of sell-out, then every
    segment's members (segments on activity follow the sell-out), then the cube if members moved.
    Idempotent."""
    tiers = partner_tiers_refresh(brand=brand)
    segments = segment_memberships_refresh(brand=brand)
    return {**{f"tiers_{k}": v for k, v in tiers.items()}, **segments}


@transaction.atomic
def partner_update(*, partner: PartnerCompany, **fields: Any) -> PartnerCompany:
    """Edit a partner (``relais.network.services.partner_update``: validation, segment memberships), then
    rebuild the dashboard's cube after commit when a field it groups by changed or the partner moved
    between segments."""
    result = network_services.partner_update(partner=partner, **fields)
    if CUBE_FIELDS & result.changed or result.moves.any:
        cube_refresh_enqueue(brand=partner.brand)
    return result.partner


@transaction.atomic
def segment_create(*, brand: Brand, name: str, rules: Mapping[str, Any], description: str = "") -> Segment:
    """Save a segment and compute its members (``relais.network.services.segment_create``), then rebuild
    the dashboard's cube after commit when it has members."""
    segment = network_services.segment_create(brand=brand, name=name, rules=rules, description=description)
    if segment.member_count:  # each member of a new segment has just joined it
        cube_refresh_enqueue(brand=brand)
    return segment


@transaction.atomic
def segment_update(
    *, segment: Segment, name: str, rules: Mapping[str, Any], description: str = ""
) -> Segment:
    """Rename or change a segment's rules (``relais.network.services.segment_update``), then rebuild the
    dashboard's cube after commit when partners joined or left it."""
    result = network_services.segment_update(segment=segment, name=name, rules=rules, description=description)
    if result.moves.any:
        cube_refresh_enqueue(brand=result.segment.brand)
    return result.segment


@transaction.atomic
def partners_import(*, brand: Brand, table: Table, dry_run: bool = False) -> ImportReport:
    """Load a partner file (``relais.network.importing.partners_import``), then ``network_refresh``: tiers,
    segment memberships and the cube follow the new network.

    One transaction for the whole: if the follow-up fails, the file's partners are not written either. A dry
    run reports without writing, so there is nothing to follow up.
    """
    report = importing.partners_import(brand=brand, table=table, dry_run=dry_run)
    if not dry_run:
        network_refresh(brand=brand)
    return report
