"""Demo channel programs of Atelier Lumen: a base program for the year and three segment programs
(distributors, French resellers, franchisees), each setting what its segment needs and keeping the rest
from the base; policies with acknowledgements (one policy in a second version, so some partners are asked
again), the tiers of the period so far and their benefits (points multiplier, share of marketing funds,
premium rewards); account objectives: the quarters' amounts proposed from history, and per segment program a
family objective and a product-mix objective; the rollup of attainment by account.

The demo sell-out carries no customer number: B2B lines get a demo pseudonym (two hex digits of their dedup
key: a pool of 256 customers per partner) so the acquisition and retention objectives have figures.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models.functions import Substr
from django.utils import timezone

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import Segment
from relais.programs import objectives, rollups, rules, selectors, services
from relais.programs.models import AccountObjective, ObjectiveSource, PolicyAcknowledgement, Program
from relais.sellout.models import DeclarationLine

TIERS = [
    {"code": "silver", "name": "Silver", "min_amount": 10000, "benefits": {"points_multiplier": 1.0}},
    {
        "code": "gold",
        "name": "Gold",
        "min_amount": 40000,
        "min_quality": 95,
        "benefits": {"points_multiplier": 1.2, "mdf_share": 2, "rewards": "standard"},
    },
    {
        "code": "platinum",
        "name": "Platinum",
        "min_amount": 120000,
        "min_attainment": 100,
        "min_quality": 98,
        "benefits": {"points_multiplier": 1.5, "mdf_share": 4, "rewards": "premium", "premium_rewards": True},
    },
]
POLICIES = [
    (
        "account_opening",
        "Ouverture de compte",
        "Un Kbis de moins de trois mois, un RIB et une première commande de 1 500 € HT au moins.",
    ),
    (
        "order_handling",
        "Traitement des commandes",
        "Commandes passées avant 14 h expédiées le jour même ; franco de port dès 800 € HT.",
    ),
    (
        "pricing",
        "Prix et remises",
        "Prix de revente conseillés publiés chaque trimestre ; remise de base 32 %, remise de fin d'année "
        "selon le palier.",
    ),
]


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Write the demo programs of ``brand`` (after the sell-out and the segments)."""
    today = timezone.localdate()
    start, end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    DeclarationLine.objects.filter(brand=brand, customer_type="b2b", customer_ref="").update(
        customer_ref=Substr("dedup_key", 9, 2)
    )
    products = list(Product.objects.filter(brand=brand).order_by("gtin").values_list("pk", flat=True))
    base = services.program_create(
        brand=brand,
        name=f"Programme réseau Lumen {today.year}",
        period_start=start,
        period_end=end,
        content={
            "objectives": [
                {"metric": "amount", "level": "account", "target": 30000},
                {"metric": "coverage", "level": "channel", "target": 90},
                {"metric": "on_time_share", "level": "channel", "target": 85},
                {"metric": "new_customers", "level": "channel", "target": 400},
            ],
            "assortment": {"required": products[:3], "recommended": products[3:6]},
            "tiers": TIERS,
        },
    )
    for kind, title, body in POLICIES:
        services.policy_version_publish(program=base, kind=kind, title=title, body=body)
    base = services.program_publish(program=base)
    segments = {s.name: s for s in Segment.objects.filter(brand=brand)}
    programs = [base]
    for name, segment_name, content, policy in _segment_programs(products):
        segment = segments.get(segment_name)
        if segment is None:
            continue
        program = services.program_create(
            brand=brand,
            name=name,
            base=base,
            segment=segment,
            period_start=start,
            period_end=end,
            content=content,
        )
        if policy:
            services.policy_version_publish(program=program, kind=policy[0], title=policy[1], body=policy[2])
        programs.append(services.program_publish(program=program))
    acknowledgements = _acknowledge(programs=programs, rng=rng)
    # A new version of the pricing policy: the partners who acknowledged the first one are asked again.
    services.policy_version_publish(
        program=base,
        kind="pricing",
        title="Prix et remises",
        body=POLICIES[2][2] + " Depuis le 1er juillet, remise de base 33 % sur la famille Éclairage.",
    )
    moves = sum(len(services.program_tiers_compute(program=program)) for program in programs)
    objectives = _account_objectives(brand=brand, programs=programs, today=today)
    accounts = sum(rollups.program_rollup_refresh(program=program) for program in programs)
    return {
        "programs": len(programs),
        "acknowledgements": acknowledgements,
        "tier moves": moves,
        "account objectives": objectives,
        "rollup accounts": accounts,
    }


# Per segment program: the family its accounts push (units) and the share of it in their amount (percent).
FAMILY_OBJECTIVES = {
    "Distributeurs — partenariat logistique": ("Projecteurs LED", 400, 25),
    "Revendeurs France — conquête": ("Lampes frontales", 60, 20),
    "Franchisés Lumen Store": ("Lampes torches", 80, 30),
}


def _account_objectives(*, brand: Brand, programs: list[Program], today: dt.date) -> int:
    """The quarters' amount objectives proposed from history (what the challenges' bonuses read), and per
    segment program one family objective and one product-mix objective for each account (bulk)."""
    count = 0
    for start, end in (
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
    ):
        count += len(
            objectives.account_objectives_propose(
                brand=brand, period_start=start, period_end=end, program=None
            )
        )
    families = set(Product.objects.filter(brand=brand).values_list("family", flat=True))
    rows = []
    for program in programs:
        family, units, share = FAMILY_OBJECTIVES.get(program.name, ("", 0, 0))
        if family not in families:
            continue
        for partner_id in selectors.program_covered_partner_ids(program=program, at=today):
            common = {
                "brand": brand,
                "program": program,
                "partner_id": partner_id,
                "period_start": program.period_start,
                "period_end": program.period_end,
                "family": family,
                "source": ObjectiveSource.ENTERED,
            }
            rows.append(
                AccountObjective(
                    **common,
                    metric="units",
                    scope=rules.objective_scope(family=family),
                    target=Decimal(units),
                )
            )
            rows.append(
                AccountObjective(
                    **common,
                    metric="mix_share",
                    scope=rules.objective_scope(family=family),
                    target=Decimal(share),
                )
            )
    AccountObjective.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return count + len(rows)


def _segment_programs(products: list[int]) -> list[tuple[str, str, dict, tuple[str, str, str] | None]]:
    return [
        (
            "Distributeurs — partenariat logistique",
            "Distributeurs",
            {
                "objectives": [
                    {"metric": "amount", "level": "account", "target": 150000},
                    {"metric": "repeat_share", "level": "account", "target": 60},
                    {"metric": "on_time_share", "level": "channel", "target": 95},
                ],
                "tiers": [
                    {**TIERS[0], "min_amount": 50000},
                    {**TIERS[1], "min_amount": 150000},
                    {**TIERS[2], "min_amount": 400000},
                ],
            },
            (
                "service_levels",
                "Niveaux de service distributeurs",
                "Stock de sécurité de quatre semaines sur les références obligatoires ; livraison des revendeurs "
                "rattachés sous 48 h.",
            ),
        ),
        (
            "Revendeurs France — conquête",
            "Revendeurs France",
            {
                "objectives": [
                    {"metric": "amount", "level": "account", "target": 20000},
                    {"metric": "new_customers", "level": "account", "target": 25},
                    {"metric": "lost_customers", "level": "channel", "target": 150},
                ],
                "assortment": {"required": products[:5], "recommended": products[5:10]},
            },
            None,
        ),
        (
            "Franchisés Lumen Store",
            "Franchisés",
            {"assortment": {"required": products[:8], "recommended": products[8:12]}},
            (
                "pricing",
                "Prix et remises franchisés",
                "Prix de vente publics imposés par l'enseigne ; remise franchisé 38 %, participation "
                "publicitaire de 2 % du chiffre d'affaires.",
            ),
        ),
    ]


def _acknowledge(*, programs: list[Program], rng: random.Random) -> int:
    """About two partners in three acknowledge each current policy of their program (demo: no user)."""
    rows = []
    for program in programs:
        covered = selectors.program_covered_partner_ids(program=program)
        for policy in selectors.program_policies(program=program):
            version = selectors.policy_current_version(policy=policy)
            if version is None or (program.is_base and policy.program_id != program.pk):
                continue
            for partner_id in covered:
                if rng.random() < 0.65:
                    rows.append(
                        PolicyAcknowledgement(
                            brand_id=program.brand_id, version=version, partner_id=partner_id
                        )
                    )
    PolicyAcknowledgement.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
