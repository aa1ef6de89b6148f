"""Demo data for incentives: a closed challenge on a segment and a running one scored on the demo sell-out,
objectives, a rewards catalogue and a few orders. Called by ``relais.demo`` after the sell-out demo (``load(brand=, rng=)``).

Everything goes through the services, so the demo ledger obeys the same rules as real use.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from relais.accounts.models import User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives import services
from relais.incentives.models import Challenge, RuleKind
from relais.incentives.rules import challenge_eligible_partners
from relais.incentives.selectors import account_summary
from relais.network.models import PartnerCompany, Segment
from relais.sellout.demo import MEASURED_CHALLENGE
from relais.sellout.models import Declaration

REWARDS = [
    ("Coffret d'embouts 32 pièces", "Embouts de vissage S2 en coffret métal, pour l'atelier.", 900, 40),
    (
        "Caisse à outils garnie 86 pièces",
        "Clés, tournevis, pinces et douilles dans une caisse roulante.",
        4500,
        12,
    ),
    ("Lampe frontale Lumen H3 offerte", "Pour vos vendeurs : la frontale rechargeable 500 lm.", 1200, 30),
    (
        "Journée de formation produits",
        "Une journée en agence avec un formateur Lumen pour 6 vendeurs.",
        6000,
        None,
    ),
    ("Formation en ligne : l'éclairage de chantier", "Module de 2 h, certificat à la clé.", 800, None),
    (
        "Budget publicité locale 500 €",
        "Co-financement d'une campagne locale (presse, radio, réseaux).",
        5000,
        None,
    ),
    ("Budget publicité locale 1 500 €", "Co-financement d'une campagne locale d'ampleur.", 14000, None),
    ("Présentoir de comptoir lampes frontales", "Présentoir 12 emplacements avec visuels.", 2500, 15),
    ("Tête de gondole Lumen", "Mobilier complet : fronton lumineux, crochets, étiquettes.", 12000, 4),
    ("Kit PLV saison (affiches, stop-rayons)", "Le kit de la saison pour habiller votre rayon.", 600, 60),
    ("Veste softshell brodée Lumen", "Pour l'équipe de vente, tailles S à XXL.", 1500, 25),
    ("Invitation au salon Batimat (2 personnes)", "Transport et accès au stand Lumen.", 8000, 6),
]


def _named_partner(email: str) -> PartnerCompany | None:
    user = User.objects.filter(email=email).select_related("partner").first()
    return user.partner if user else None


def _score_existing(challenge: Challenge) -> int:
    """Score the demo's declarations overlapping the challenge, as the sell-out flow would have (only its
    eligible partners': the others' would score nothing)."""
    posted = 0
    declarations = Declaration.objects.filter(
        brand=challenge.brand,
        partner__in=challenge_eligible_partners(challenge=challenge),
        period_start__lte=challenge.period_end,
        period_end__gte=challenge.period_start,
    ).exclude(status=Declaration.Status.DRAFT)
    for declaration in declarations.order_by("submitted_at", "pk"):
        result = services.challenge_score_declaration(declaration=declaration)
        posted += result.get(challenge.pk, {}).get("posted", 0)
    return posted


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Load the incentives demo for ``brand``. Idempotent enough to rerun: challenges are found by name."""
    if Challenge.objects.filter(brand=brand, name=MEASURED_CHALLENGE.name).exists():
        return {}
    segments = {s.name: s for s in Segment.objects.filter(brand=brand)}
    partners = list(PartnerCompany.objects.filter(brand=brand, is_active=True))
    martin = _named_partner("owner@martin.demo")
    schneider = _named_partner("owner@schneider.demo")

    # 1. Last quarter, closed, for the mono-brand partners: objective bonuses posted, points confirmed and
    # spendable. The sell-out demo lifted its participants' sales over its period (``MEASURED_CHALLENGE``):
    # its page measures that effect against the other partners.
    q3 = services.challenge_create(
        brand=brand,
        name=MEASURED_CHALLENGE.name,
        description="Chaque lampe de chantier et projecteur déclarés rapportent des points ; bonus si votre "
        "objectif du trimestre est atteint.",
        period_start=MEASURED_CHALLENGE.period_start,
        period_end=MEASURED_CHALLENGE.period_end,
        budget_points=400_000,
        segments=[segments[MEASURED_CHALLENGE.segment]],
    )
    services.challenge_rule_add(
        challenge=q3,
        kind=RuleKind.PER_UNIT,
        points=Decimal(5),
        families=["Lampes de chantier", "Projecteurs LED"],
    )
    services.challenge_rule_add(challenge=q3, kind=RuleKind.PER_AMOUNT, points=Decimal(1))
    services.challenge_rule_add(
        challenge=q3, kind=RuleKind.QUALITY_BONUS, points=Decimal(300), params={"on_time_days": 10}
    )
    services.challenge_rule_add(
        challenge=q3, kind=RuleKind.OBJECTIVE_BONUS, params={"tiers": [[80, 500], [100, 1500], [120, 3000]]}
    )
    services.challenge_set_status(challenge=q3, status=Challenge.Status.RUNNING)
    posted_q3 = _score_existing(q3)
    # Objectives are the programs' (account objectives): this loader runs before them, so the closed challenge
    # of the demo pays no objective bonus; the programs demo proposes the objectives of both quarters.
    services.challenge_close(challenge=q3, objectives=())

    # 2. This quarter, running, for resellers and franchisees: online sales count 1.5×.
    q4 = services.challenge_create(
        brand=brand,
        name="Défi fin d'année 2026",
        description="Frontales et torches à l'honneur pour les fêtes : 2 points par tranche de 100 € vendue, "
        "×1,5 en ligne. Classement par segment.",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        budget_points=250_000,
        segments=[
            s for name, s in segments.items() if name in {"Revendeurs France", "Franchisés", "Réseau DACH"}
        ],
    )
    services.challenge_rule_add(challenge=q4, kind=RuleKind.PER_AMOUNT, points=Decimal(2))
    services.challenge_rule_add(
        challenge=q4,
        kind=RuleKind.PER_UNIT,
        points=Decimal(10),
        families=["Lampes frontales", "Lampes torches"],
    )
    services.challenge_rule_add(
        challenge=q4, kind=RuleKind.MULTIPLIER, factor=Decimal("1.5"), channel="online"
    )
    services.challenge_rule_add(
        challenge=q4, kind=RuleKind.QUALITY_BONUS, points=Decimal(250), params={"on_time_days": 10}
    )
    services.challenge_rule_add(
        challenge=q4, kind=RuleKind.OBJECTIVE_BONUS, params={"tiers": [[80, 400], [100, 1200], [120, 2500]]}
    )
    services.challenge_set_status(challenge=q4, status=Challenge.Status.RUNNING)
    posted_q4 = _score_existing(q4)
    # A draft for next year, to show the editor and its back-test.
    draft = services.challenge_create(
        brand=brand,
        name="Printemps perceuses 2027",
        period_start=date(2027, 3, 1),
        period_end=date(2027, 5, 31),
        budget_points=150_000,
        segments=[s for name, s in segments.items() if name in {"Distributeurs", "Fort potentiel"}],
    )
    services.challenge_rule_add(
        challenge=draft, kind=RuleKind.PER_UNIT, points=Decimal(8), families=["Perceuses-visseuses"]
    )

    # 3. The catalogue.
    rewards = [
        services.reward_save(brand=brand, name=name, description=description, points_price=price, stock=stock)
        for name, description, price, stock in REWARDS
    ]
    dach = segments.get("Réseau DACH")
    if dach is not None:
        rewards[-1].segments.set([s for s in segments.values() if s.pk != dach.pk])  # a Paris trade fair

    # 4. A welcome bonus for the demo logins' companies, then a few orders.
    admin = User.objects.filter(brand=brand, role="brand_admin").first()
    orders = 0
    for partner in (martin, schneider):
        if partner is None or admin is None:
            continue
        services.points_adjust(
            brand=brand,
            partner=partner,
            amount=5000,
            reason="Bonus de bienvenue sur Relais",
            idempotency_key=f"demo-welcome-{partner.pk}",
            created_by=admin,
        )
    buyers = [p for p in (martin, schneider) if p is not None]
    buyers += rng.sample([p for p in partners if p not in buyers], k=min(4, max(0, len(partners) - 2)))
    for n, partner in enumerate(buyers):
        available = account_summary(partner=partner)["available"]
        affordable = [r for r in rewards if r.points_price <= available and (r.stock is None or r.stock > 0)]
        if not affordable:
            continue
        reward = rng.choice(affordable)
        try:
            order = services.reward_redeem(
                partner=partner, reward=reward, quantity=1, user=None, idempotency_key=f"demo-order-{n}"
            )
        except ApplicationError:
            continue
        orders += 1
        if admin is not None and n % 2 == 1:
            services.order_approve(order=order, user=admin)
            if n % 4 == 1:
                services.order_ship(order=order, user=admin)
    # The large co-op budget is premium: reserved to the program tiers that grant premium rewards (set after
    # the orders, so the demo's orders and its random draws stay as they were).
    premium = next(r for r in rewards if r.name == "Budget publicité locale 1 500 €")
    premium.refresh_from_db()
    services.reward_save(
        brand=brand,
        reward=premium,
        name=premium.name,
        description=premium.description,
        points_price=premium.points_price,
        stock=premium.stock,
        is_premium=True,
    )
    return {
        "challenges": Challenge.objects.filter(brand=brand).count(),
        "points_q3": posted_q3,
        "points_q4": posted_q4,
        "rewards": len(rewards),
        "orders": orders,
    }
