"""Demo product training of Atelier Lumen: five published modules on its families (French, and one in English
for the German-speaking network) and a draft, each with its quiz; assignments to everyone, to the French
resellers, to the DACH network and to the sellers, with due dates; two certifications; a seller or two at some
sixty partners, and ten months of tries and completions, a few certifications expiring within the month (the
renewal reminders have someone to tell).

The history is written in bulk (tries, completions, grants), dated in the past; the points of the completions
are posted by the follow-up that calls this loader (``relais.followups.training.demo_load``).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from relais.accounts.models import Role, User
from relais.core.models import Brand
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.training import services
from relais.training.models import (
    Assignment,
    Attempt,
    Certification,
    CertificationAward,
    Completion,
    ModuleStatus,
    TrainingModule,
)
from relais.training.rules import months_later

# (title, summary, body, language, family, points, questions: [(text, [(answer, right)])])
MODULES: list[tuple[str, str, str, str, str, int, list[tuple[str, list[tuple[str, bool]]]]]] = [
    (
        "Lampes de chantier Atlas et Titan",
        "Choisir la bonne lampe pour chaque chantier, en cinq minutes.",
        "## La gamme\n\n- **Atlas** : compacte, 20 à 50 W, 8 h d'autonomie en mode éco.\n"
        "- **Titan** : sur trépied, jusqu'à 100 W, IP65, pour les grands volumes.\n\n"
        "## L'argument qui fait vendre\n\nUne Atlas 30 W éclaire comme un halogène de 300 W et ne chauffe pas : "
        "l'artisan la pose près de lui sans risque.\n\n"
        "> Proposez toujours la batterie de rechange : c'est une vente sur trois chez les meilleurs vendeurs.",
        "fr",
        "Lampes de chantier",
        100,
        [
            (
                "Quelle autonomie annonce l'Atlas en mode éco ?",
                [("8 heures", True), ("2 heures", False), ("24 heures", False)],
            ),
            (
                "Quels atouts de la Titan mettez-vous en avant ?",
                [("IP65", True), ("Jusqu'à 100 W", True), ("Rechargeable en USB", False)],
            ),
            (
                "Que proposer avec une lampe de chantier ?",
                [("Une batterie de rechange", True), ("Une rallonge de 50 m", False)],
            ),
        ],
    ),
    (
        "Projecteurs LED : la bonne puissance",
        "Nova, Orion, Vega, Sirius : de 10 à 100 W, avec ou sans détecteur.",
        "## Puissance et surface\n\n| Surface | Projecteur |\n| --- | --- |\n| jusqu'à 20 m² | Nova 10 W |\n"
        "| jusqu'à 60 m² | Orion 30 W |\n| au-delà | Vega 50 W ou Sirius 100 W |\n\n"
        "Le **détecteur** fait économiser jusqu'à 70 % d'énergie sur une façade ou une allée.",
        "fr",
        "Projecteurs LED",
        80,
        [
            (
                "Pour éclairer un atelier de 50 m², vous proposez…",
                [("Orion 30 W", True), ("Nova 10 W", False), ("Sirius 100 W", False)],
            ),
            (
                "Que fait gagner le détecteur ?",
                [("Jusqu'à 70 % d'énergie", True), ("De la puissance", False)],
            ),
        ],
    ),
    (
        "Head torches: selling to outdoor professionals",
        "The headlamp range for the DACH network, in English.",
        "## Who buys a head torch\n\nRoofers, electricians, rescue teams: they need both hands free.\n\n"
        "## What to show\n\n1. The **red light** mode keeps night vision.\n"
        "2. The tilt head lights where they look.\n3. USB-C charging in two hours.",
        "en",
        "Lampes frontales",
        50,
        [
            (
                "Why does the red light mode matter?",
                [("It keeps night vision", True), ("It lasts longer than white light", False)],
            ),
            (
                "Which customers need both hands free?",
                [("Roofers", True), ("Electricians", True), ("Office workers", False)],
            ),
        ],
    ),
    (
        "Sécurité des batteries et chargeurs",
        "Stocker, charger et recycler les batteries lithium-ion en magasin.",
        "## En magasin\n\n- Stockez les batteries à **40-60 % de charge**, entre 10 et 25 °C.\n"
        "- Un chargeur Lumen par batterie Lumen : jamais de chargeur générique.\n\n"
        "## Recyclage\n\nLes batteries usagées vont dans le bac de collecte : elles ne sont jamais jetées.",
        "fr",
        "Batteries et chargeurs",
        0,
        [
            (
                "À quelle charge stocker une batterie ?",
                [("40 à 60 %", True), ("100 %", False), ("Vide", False)],
            ),
            (
                "Une batterie usagée va…",
                [("Au bac de collecte", True), ("À la poubelle", False)],
            ),
        ],
    ),
    (
        "Perceuses-visseuses : l'argumentaire vendeur",
        "Couple, vitesse, batterie : expliquer la différence en trente secondes.",
        "## Trois questions au client\n\n1. Perçage du béton ? → percussion.\n"
        "2. Usage quotidien ? → moteur sans charbons.\n3. Déjà des batteries Lumen ? → version sans batterie.",
        "fr",
        "Perceuses-visseuses",
        60,
        [
            (
                "Un client perce du béton : il lui faut…",
                [("Une percussion", True), ("Une visseuse à chocs", False)],
            ),
            (
                "Il a déjà des batteries Lumen : vous proposez…",
                [("La version sans batterie", True), ("Le kit complet", False)],
            ),
        ],
    ),
]
DRAFT = (
    "Meuleuses et scies : nouveautés 2027",
    "À publier avec le catalogue de janvier.",
    "Brouillon : les fiches arrivent.",
)
VIDEOS = {0: [{"title": "Atlas en 90 secondes", "url": "https://videos.lumen.example/atlas"}]}
SELLER_NAMES = [
    ("Camille", "Roux"),
    ("Hugo", "Lemaire"),
    ("Inès", "Garnier"),
    ("Lucas", "Fabre"),
    ("Manon", "Chevalier"),
    ("Nathan", "Morel"),
    ("Chloé", "Girard"),
    ("Théo", "Mercier"),
]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _modules(brand: Brand, today: dt.date) -> list[TrainingModule]:
    published = _local(today - dt.timedelta(days=320), 9)
    modules = []
    for index, (title, summary, body, language, family, points, questions) in enumerate(MODULES):
        module = services.module_save(
            brand=brand,
            fields={
                "title": title,
                "summary": summary,
                "body": body,
                "language": language,
                "product_family": family,
                "points": points,
                "pass_mark": 80 if len(questions) > 2 else 50,
                "videos": VIDEOS.get(index, []),
            },
        )
        for text, choices in questions:
            services.question_add(module=module, text=text, choices=choices)
        modules.append(services.module_publish(module=module))
    TrainingModule.objects.filter(pk__in=[m.pk for m in modules]).update(published_at=published)
    services.module_save(
        brand=brand, fields={"title": DRAFT[0], "summary": DRAFT[1], "body": DRAFT[2], "pass_mark": 80}
    )
    return modules


def _assign(brand: Brand, modules: list[TrainingModule], today: dt.date) -> int:
    segments = {s.name: s for s in Segment.objects.filter(brand=brand)}
    end_of_january = dt.date(today.year + 1, 1, 31)
    plans: list[dict[str, Any]] = [
        {"module": modules[0], "target": "everyone", "due_on": end_of_january},
        {"module": modules[3], "target": "everyone", "due_on": today + dt.timedelta(days=45)},
        {"module": modules[4], "target": "role", "role": Role.PARTNER_SELLER, "due_on": end_of_january},
    ]
    if "Revendeurs France" in segments:
        plans.append(
            {
                "module": modules[1],
                "target": "segment",
                "segment": segments["Revendeurs France"],
                "due_on": None,
            }
        )
    if "Réseau DACH" in segments:
        plans.append({"module": modules[2], "target": "segment", "segment": segments["Réseau DACH"]})
    for plan in plans:
        services.assignment_add(**plan)
    return len(plans)


def _sellers(brand: Brand, rng: random.Random) -> list[User]:
    """A seller or two (who do not log in) at some sixty active partners, plus the demo's own logins."""
    partners = list(PartnerCompany.objects.filter(brand=brand, is_active=True).order_by("code"))
    chosen = rng.sample(partners, k=min(60, len(partners)))
    unusable = make_password(None)
    users = []
    for partner in chosen:
        for n in range(rng.choice([1, 1, 2])):
            first, last = SELLER_NAMES[(partner.pk + n) % len(SELLER_NAMES)]
            users.append(
                User(
                    email=f"vendeur{n + 1}@{partner.code.lower()}.lumen.demo",
                    role=Role.PARTNER_SELLER,
                    brand=brand,
                    partner=partner,
                    first_name=first,
                    last_name=last,
                    password=unusable,
                    preferred_language="fr" if partner.country == "FR" else "en",
                )
            )
    User.objects.bulk_create(users, ignore_conflicts=True)
    return list(
        User.objects.filter(brand=brand, role__in=[Role.PARTNER_SELLER, Role.PARTNER_ADMIN], is_active=True)
        .select_related("partner")
        .order_by("email")
    )


def _assigned(
    brand: Brand, users: list[User], modules: list[TrainingModule]
) -> dict[int, list[TrainingModule]]:
    """Each user's modules, from the assignments (segment memberships read once)."""
    assignments = list(Assignment.objects.filter(brand_id=brand.pk))
    members = set(
        SegmentMembership.objects.filter(
            segment_id__in={a.segment_id for a in assignments if a.segment_id}, valid_to__isnull=True
        ).values_list("segment_id", "partner_id")
    )
    by_id = {m.pk: m for m in modules}
    out: dict[int, list[TrainingModule]] = {}
    for user in users:
        out[user.pk] = [
            by_id[a.module_id]
            for a in assignments
            if a.target == "everyone"
            or (a.target == "role" and a.role == user.role)
            or (a.target == "segment" and (a.segment_id, user.partner_id) in members)
        ]
    return out


def _history(
    brand: Brand,
    users: list[User],
    assigned: dict[int, list[TrainingModule]],
    rng: random.Random,
    today: dt.date,
) -> tuple[list[Attempt], list[Completion]]:
    """Ten months of tries: most assigned users pass, some after a failed first try, some have not started."""
    attempts: list[Attempt] = []
    completions: list[Completion] = []
    for user in users:
        for module in assigned[user.pk]:
            if rng.random() < 0.3:
                continue  # not started yet
            day = today - dt.timedelta(days=rng.randint(3, 300))
            if rng.random() < 0.3:
                attempts.append(
                    _attempt(brand, module, user, score=rng.choice([0, 33, 50]), at=_local(day, 10))
                )
                day = min(today, day + dt.timedelta(days=rng.randint(1, 10)))
            score = rng.choice([100, 100, 100, 67, 50]) if module.pass_mark <= 67 else 100
            if score < module.pass_mark:
                score = 100
            at = _local(day, 15)
            attempts.append(_attempt(brand, module, user, score=score, at=at))
            completions.append(
                Completion(
                    brand=brand,
                    module=module,
                    user=user,
                    partner_id=_partner_id(user),
                    score=score,
                    completed_at=at,
                    last_passed_at=at,
                )
            )
    return attempts, completions


def _partner_id(user: User) -> int:
    assert user.partner_id is not None  # partner roles always have their company (a check constraint)
    return user.partner_id


def _attempt(brand: Brand, module: TrainingModule, user: User, *, score: int, at: dt.datetime) -> Attempt:
    return Attempt(
        brand=brand,
        module=module,
        user=user,
        partner_id=_partner_id(user),
        score=score,
        passed=score >= module.pass_mark,
        answers={},
        created_at=at,
    )


def _certifications(
    brand: Brand, modules: list[TrainingModule], rng: random.Random, today: dt.date
) -> tuple[int, int]:
    """Two certifications, granted to whoever completed their modules; a few grants expire within the month."""
    lighting = services.certification_save(
        brand=brand, name="Expert éclairage Lumen", validity_months=12, modules=[modules[0], modules[1]]
    )
    batteries = services.certification_save(
        brand=brand, name="Référent sécurité batteries", validity_months=24, modules=[modules[3]]
    )
    awards = []
    for certification in (lighting, batteries):
        awards += _grants(brand, certification, rng, today)
    CertificationAward.objects.bulk_create(awards)
    soon = sum(1 for a in awards if a.expires_on <= today + dt.timedelta(days=30))
    return len(awards), soon


def _grants(
    brand: Brand, certification: Certification, rng: random.Random, today: dt.date
) -> list[CertificationAward]:
    needed = {m.pk for m in certification.modules.all()}
    passed: dict[int, list[Completion]] = {}
    for completion in Completion.objects.filter(module_id__in=needed).order_by("completed_at"):
        passed.setdefault(completion.user_id, []).append(completion)
    awards = []
    for user_id, done in passed.items():
        if {c.module_id for c in done} != needed:
            continue
        granted = timezone.localtime(done[-1].completed_at).date()
        if certification.validity_months == 12 and rng.random() < 0.15:
            # Granted about a year ago: expires within the month, the reminder's audience.
            granted = months_later(today + dt.timedelta(days=rng.randint(5, 25)), -12)
        awards.append(
            CertificationAward(
                brand=brand,
                certification=certification,
                user_id=user_id,
                partner_id=done[-1].partner_id,
                awarded_on=granted,
                expires_on=months_later(granted, certification.validity_months),
            )
        )
    return awards


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Write the demo training of ``brand`` (after the network, its segments and the logins)."""
    today = timezone.localdate()
    modules = _modules(brand, today)
    assignments = _assign(brand, modules, today)
    users = _sellers(brand, rng)
    attempts, completions = _history(brand, users, _assigned(brand, users, modules), rng, today)
    Attempt.objects.bulk_create(attempts, batch_size=1000)
    Completion.objects.bulk_create(completions, batch_size=1000)
    awards, expiring = _certifications(brand, modules, rng, today)
    return {
        "training modules": len(modules) + 1,
        "assignments": assignments,
        "tries": len(attempts),
        "completions": len(completions),
        "certifications granted": awards,
        "expiring within 30 days": expiring,
        "draft modules": TrainingModule.objects.filter(brand=brand, status=ModuleStatus.DRAFT).count(),
    }
