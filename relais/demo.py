"""The demo: Atelier Lumen (work lights and power tools), its ~300 partners in six countries, a second brand.

The top of the house: each app writes its own demo data in its ``demo.py`` (catalog: products; network:
partners, sites, segments; accounts: the logins; sellout: 18 months or more of declarations, with the lift
of the closed challenge on a segment; incentives: challenges, points, rewards; insights: the rollups), and
this loader calls them in order, with the cross-domain steps between them (``relais.followups``: the
partners' tiers follow the sell-out) written out.

Deterministic (seeded: each domain gets its own ``random.Random``, so one domain's draws do not shift
another's), idempotent (when the demo brand exists nothing is written) and one transaction. See docs/demo.md.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from relais.accounts import demo as accounts_demo
from relais.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_logins, logins_table
from relais.catalog import demo as catalog_demo
from relais.catalog.models import Product
from relais.comms import demo as comms_demo
from relais.core.models import Brand
from relais.core.services import brand_upsert
from relais.followups import training as training_followups
from relais.followups.network import partner_tiers_refresh
from relais.funds import demo as funds_demo
from relais.incentives import demo as incentives_demo
from relais.insights import demo as insights_demo
from relais.merchandising import demo as merchandising_demo
from relais.network import demo as network_demo
from relais.network.models import PartnerCompany, Segment, Site
from relais.network.services import segment_memberships_recompute
from relais.privacy import demo as privacy_demo
from relais.programs import demo as programs_demo
from relais.promotions import demo as promotions_demo
from relais.sellout import demo as sellout_demo

__all__ = ["DEMO_PASSWORD", "SEED", "DemoLogin", "DemoResult", "demo_load", "demo_logins", "logins_table"]

SEED = 2026
DEMO_BRAND_SLUG = "lumen"
SECOND_BRAND_SLUG = "boreal"


class DomainLoader(Protocol):
    """A domain's demo loader (``relais.<domain>.demo.load``): writes for ``brand``, returns counts."""

    def __call__(self, *, brand: Brand, rng: random.Random) -> Mapping[str, int]: ...


@dataclass
class DemoResult:
    created: bool
    brand: Brand
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)
    extensions: list[str] = field(default_factory=list)


def _domain_load(
    name: str, load: DomainLoader, *, brand: Brand, seed: int, say: Callable[[str], None]
) -> str:
    """Run one domain's demo loader on its own seeded draws (named after the module: the numbers stay)."""
    say(f"{name} ...")
    started = time.monotonic()
    counts = load(brand=brand, rng=random.Random(f"{seed}-{name}"))
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    say(f"{name}: {summary} ({time.monotonic() - started:.1f} s)")
    return name


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _network_follows_sellout(*, brand: Brand) -> None:
    """Activity tiers from the demo sell-out, then the segment memberships that follow the tiers. No cube
    job: the insights demo, next, builds the cube from these memberships."""
    partner_tiers_refresh(brand=brand)
    segment_memberships_recompute(brand=brand)


@transaction.atomic
def demo_load(*, seed: int = SEED, log: Callable[[str], None] | None = None) -> DemoResult:
    """Load the demo brands, catalogue, network, users and segments, then each domain's demo data.

    Idempotent: when the demo brand already exists nothing is written and the logins are returned.
    Everything happens in one transaction, so a failure (in any domain's loader) leaves no half demo.
    """
    say = log or (lambda _msg: None)
    existing = Brand.objects.filter(slug=DEMO_BRAND_SLUG).first()
    if existing is not None:
        return DemoResult(created=False, brand=existing, logins=demo_logins())

    rng = random.Random(seed)
    lumen, _outcome = brand_upsert(slug=DEMO_BRAND_SLUG, name="Atelier Lumen", currency="EUR")
    boreal, _outcome = brand_upsert(slug=SECOND_BRAND_SLUG, name="Boréal Jardin", currency="EUR")

    products = catalog_demo.products_load(brand=lumen, rng=rng, per_family=19)
    say(f"catalogue: {len(products)} products")
    named = network_demo.network_load(brand=lumen, rng=rng)
    say(f"network: {PartnerCompany.objects.filter(brand=lumen).count()} partners")
    catalog_demo.products_load(
        brand=boreal,
        rng=random.Random(seed + 1),
        per_family=4,
        families=catalog_demo.BOREAL_FAMILIES,
        start=50_000,
    )
    network_demo.network_load(brand=boreal, rng=random.Random(seed + 1), sizes={"FR": 8, "BE": 4})
    accounts_demo.users_load(lumen=lumen, boreal=boreal, named=named)

    # Potential tiers first: the "Fort potentiel" segment is defined on them.
    for brand in (lumen, boreal):
        partner_tiers_refresh(brand=brand)
    # Memberships open from the start of the sell-out history: the closed challenge on a segment has its
    # participants in the past, and the insights demo measures what it changed.
    since = _local_midnight(sellout_demo.history_start(timezone.localdate()))
    network_demo.segments_load(brand=lumen, definitions=network_demo.LUMEN_SEGMENTS, since=since)
    network_demo.segments_load(brand=boreal, definitions=network_demo.BOREAL_SEGMENTS, since=since)

    # The domains above the network, in order: the sell-out, the challenges scored on it, then the rollups.
    loaded = [
        _domain_load("relais.sellout.demo", sellout_demo.load, brand=lumen, seed=seed, say=say),
        _domain_load("relais.incentives.demo", incentives_demo.load, brand=lumen, seed=seed, say=say),
    ]
    _network_follows_sellout(brand=lumen)
    loaded.append(_domain_load("relais.insights.demo", insights_demo.load, brand=lumen, seed=seed, say=say))
    loaded.append(_domain_load("relais.comms.demo", comms_demo.load, brand=lumen, seed=seed, say=say))
    loaded.append(_domain_load("relais.programs.demo", programs_demo.load, brand=lumen, seed=seed, say=say))
    loaded.append(_domain_load("relais.privacy.demo", privacy_demo.load, brand=lumen, seed=seed, say=say))
    loaded.append(
        _domain_load("relais.training.demo", training_followups.demo_load, brand=lumen, seed=seed, say=say)
    )
    loaded.append(_domain_load("relais.funds.demo", funds_demo.load, brand=lumen, seed=seed, say=say))
    loaded.append(
        _domain_load("relais.promotions.demo", promotions_demo.load, brand=lumen, seed=seed, say=say)
    )
    loaded.append(
        _domain_load("relais.merchandising.demo", merchandising_demo.load, brand=lumen, seed=seed, say=say)
    )

    counts = {
        "partners": PartnerCompany.objects.filter(brand=lumen).count(),
        "sites": Site.objects.filter(brand=lumen).count(),
        "products": Product.objects.filter(brand=lumen).count(),
        "segments": Segment.objects.filter(brand=lumen).count(),
    }
    return DemoResult(created=True, brand=lumen, logins=demo_logins(), counts=counts, extensions=loaded)
