"""The demo network: Atelier Lumen (lighting and power tools) and its ~300 partners in six countries.

Deterministic (seeded), idempotent (if the brand exists nothing is loaded again), fast (bulk writes), and
open to the other domains: after the network, ``demo_load`` calls ``load(brand=..., rng=...)`` of
``relais.sellout.demo``, ``relais.incentives.demo`` and ``relais.insights.demo`` when those modules exist.
Every identifier is valid: GTIN-13 and GLN check digits, SIRET Luhn keys and VAT numbers come from
python-stdnum. See docs/demo.md.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from stdnum import ean, luhn
from stdnum.es import cif as es_cif
from stdnum.iso7064 import mod_11_10

from relais.accounts.models import Role, User
from relais.catalog.models import Product
from relais.core.management.commands.create_brand import brand_upsert
from relais.core.models import Brand
from relais.core.validators import normalise_gtin, validate_gln, validate_siret, validate_vat
from relais.network.models import Channel, Organisation, PartnerCompany, PartnerKind, Segment, Site
from relais.followups.network import partner_tiers_refresh

SEED = 2026
DEMO_PASSWORD = "Relais-demo-2026"
DEMO_BRAND_SLUG = "lumen"
SECOND_BRAND_SLUG = "boreal"
GTIN_PREFIX = "3779990"  # a made-up GS1 company prefix (7 digits): item references fill the next 5
GLN_PREFIX = "3779991"
EXTENSIONS = ("relais.sellout.demo", "relais.incentives.demo", "relais.insights.demo")

# Real regions and cities (with a postcode) of each country; the language of each region names its shops.
GEOGRAPHY: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    "FR": [
        (
            "Île-de-France",
            "fr",
            [
                ("Paris", "75011"),
                ("Boulogne-Billancourt", "92100"),
                ("Versailles", "78000"),
                ("Créteil", "94000"),
                ("Saint-Denis", "93200"),
            ],
        ),
        (
            "Auvergne-Rhône-Alpes",
            "fr",
            [
                ("Lyon", "69003"),
                ("Grenoble", "38000"),
                ("Clermont-Ferrand", "63000"),
                ("Saint-Étienne", "42000"),
                ("Annecy", "74000"),
            ],
        ),
        (
            "Provence-Alpes-Côte d'Azur",
            "fr",
            [
                ("Marseille", "13008"),
                ("Nice", "06000"),
                ("Toulon", "83000"),
                ("Avignon", "84000"),
                ("Aix-en-Provence", "13100"),
            ],
        ),
        (
            "Occitanie",
            "fr",
            [("Toulouse", "31000"), ("Montpellier", "34000"), ("Nîmes", "30000"), ("Perpignan", "66000")],
        ),
        (
            "Nouvelle-Aquitaine",
            "fr",
            [
                ("Bordeaux", "33000"),
                ("Limoges", "87000"),
                ("Poitiers", "86000"),
                ("Pau", "64000"),
                ("La Rochelle", "17000"),
            ],
        ),
        (
            "Hauts-de-France",
            "fr",
            [("Lille", "59000"), ("Amiens", "80000"), ("Roubaix", "59100"), ("Calais", "62100")],
        ),
        (
            "Grand Est",
            "fr",
            [
                ("Strasbourg", "67000"),
                ("Metz", "57000"),
                ("Nancy", "54000"),
                ("Reims", "51100"),
                ("Mulhouse", "68100"),
            ],
        ),
        (
            "Bretagne",
            "fr",
            [("Rennes", "35000"), ("Brest", "29200"), ("Quimper", "29000"), ("Vannes", "56000")],
        ),
        ("Pays de la Loire", "fr", [("Nantes", "44000"), ("Angers", "49000"), ("Le Mans", "72000")]),
        ("Normandie", "fr", [("Rouen", "76000"), ("Caen", "14000"), ("Le Havre", "76600")]),
        ("Bourgogne-Franche-Comté", "fr", [("Dijon", "21000"), ("Besançon", "25000")]),
        ("Centre-Val de Loire", "fr", [("Tours", "37000"), ("Orléans", "45000")]),
    ],
    "BE": [
        ("Bruxelles-Capitale", "fr", [("Bruxelles", "1000"), ("Anderlecht", "1070"), ("Ixelles", "1050")]),
        (
            "Vlaanderen",
            "nl",
            [("Antwerpen", "2000"), ("Gent", "9000"), ("Brugge", "8000"), ("Leuven", "3000")],
        ),
        ("Wallonie", "fr", [("Liège", "4000"), ("Namur", "5000"), ("Charleroi", "6000"), ("Mons", "7000")]),
    ],
    "CH": [
        ("Genève", "fr", [("Genève", "1201"), ("Carouge", "1227")]),
        ("Vaud", "fr", [("Lausanne", "1003"), ("Montreux", "1820"), ("Yverdon-les-Bains", "1400")]),
        ("Valais", "fr", [("Sion", "1950"), ("Martigny", "1920")]),
        ("Zürich", "de", [("Zürich", "8004"), ("Winterthur", "8400")]),
        ("Bern", "de", [("Bern", "3011"), ("Thun", "3600")]),
        ("Basel-Stadt", "de", [("Basel", "4051")]),
        ("Luzern", "de", [("Luzern", "6003")]),
        ("Ticino", "it", [("Lugano", "6900"), ("Bellinzona", "6500")]),
    ],
    "ES": [
        (
            "Comunidad de Madrid",
            "es",
            [("Madrid", "28001"), ("Alcalá de Henares", "28801"), ("Getafe", "28901")],
        ),
        ("Cataluña", "es", [("Barcelona", "08001"), ("Girona", "17001"), ("Tarragona", "43001")]),
        ("Comunidad Valenciana", "es", [("Valencia", "46001"), ("Alicante", "03001")]),
        ("Andalucía", "es", [("Sevilla", "41001"), ("Málaga", "29001"), ("Granada", "18001")]),
        ("País Vasco", "es", [("Bilbao", "48001"), ("San Sebastián", "20001")]),
        ("Aragón", "es", [("Zaragoza", "50001")]),
        ("Galicia", "es", [("Vigo", "36201"), ("A Coruña", "15001")]),
    ],
    "DE": [
        ("Bayern", "de", [("München", "80331"), ("Nürnberg", "90402"), ("Augsburg", "86150")]),
        (
            "Nordrhein-Westfalen",
            "de",
            [("Köln", "50667"), ("Düsseldorf", "40213"), ("Dortmund", "44135"), ("Essen", "45127")],
        ),
        (
            "Baden-Württemberg",
            "de",
            [("Stuttgart", "70173"), ("Karlsruhe", "76133"), ("Freiburg im Breisgau", "79098")],
        ),
        ("Berlin", "de", [("Berlin", "10115")]),
        ("Hamburg", "de", [("Hamburg", "20095")]),
        ("Hessen", "de", [("Frankfurt am Main", "60311"), ("Wiesbaden", "65183")]),
        ("Niedersachsen", "de", [("Hannover", "30159"), ("Braunschweig", "38100")]),
        ("Sachsen", "de", [("Dresden", "01067"), ("Leipzig", "04109")]),
    ],
    "IT": [
        ("Lombardia", "it", [("Milano", "20121"), ("Bergamo", "24121"), ("Brescia", "25121")]),
        ("Lazio", "it", [("Roma", "00184"), ("Latina", "04100")]),
        ("Piemonte", "it", [("Torino", "10121"), ("Novara", "28100")]),
        ("Veneto", "it", [("Venezia", "30121"), ("Verona", "37121"), ("Padova", "35121")]),
        ("Emilia-Romagna", "it", [("Bologna", "40121"), ("Modena", "41121")]),
        ("Toscana", "it", [("Firenze", "50122"), ("Pisa", "56125")]),
        ("Campania", "it", [("Napoli", "80133"), ("Salerno", "84121")]),
        ("Sicilia", "it", [("Palermo", "90133"), ("Catania", "95124")]),
    ],
}

SURNAMES: dict[str, list[str]] = {
    "FR": [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Richard",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefebvre",
        "Michel",
        "Garcia",
        "David",
        "Bertrand",
        "Roux",
        "Vincent",
        "Fournier",
        "Morel",
        "Girard",
        "André",
        "Mercier",
        "Dupont",
        "Lambert",
        "Bonnet",
        "Fontaine",
        "Rousseau",
        "Blanc",
        "Guérin",
        "Chevalier",
        "Faure",
        "Gauthier",
        "Perrin",
        "Masson",
        "Marchand",
        "Picard",
    ],
    "BE": [
        "Peeters",
        "Janssens",
        "Maes",
        "Jacobs",
        "Mertens",
        "Willems",
        "Claes",
        "Goossens",
        "Wouters",
        "De Smet",
        "Dubois",
        "Lambert",
        "Dupont",
        "Leclercq",
        "Renard",
        "Hermans",
        "Lemaire",
        "Collard",
        "Verbeke",
        "Gilson",
    ],
    "CH": [
        "Müller",
        "Meier",
        "Schmid",
        "Keller",
        "Weber",
        "Huber",
        "Schneider",
        "Meyer",
        "Steiner",
        "Fischer",
        "Brunner",
        "Baumann",
        "Favre",
        "Rochat",
        "Bonvin",
        "Rossi",
        "Monnier",
        "Pittet",
        "Bernasconi",
        "Gerber",
    ],
    "ES": [
        "García",
        "Fernández",
        "González",
        "Rodríguez",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Martín",
        "Jiménez",
        "Ruiz",
        "Hernández",
        "Díaz",
        "Moreno",
        "Álvarez",
        "Romero",
        "Navarro",
        "Torres",
        "Serrano",
        "Ortega",
        "Castro",
    ],
    "DE": [
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weber",
        "Meyer",
        "Wagner",
        "Becker",
        "Schulz",
        "Hoffmann",
        "Schäfer",
        "Koch",
        "Bauer",
        "Richter",
        "Klein",
        "Wolf",
        "Neumann",
        "Schwarz",
        "Zimmermann",
        "Braun",
        "Krüger",
        "Hartmann",
        "Lange",
        "Vogel",
    ],
    "IT": [
        "Rossi",
        "Russo",
        "Ferrari",
        "Esposito",
        "Bianchi",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
        "Conti",
        "De Luca",
        "Mancini",
        "Costa",
        "Giordano",
        "Rizzo",
        "Lombardi",
        "Moretti",
        "Barbieri",
        "Fontana",
    ],
}

# Company name patterns by language and kind: {s} surname, {c} city, {r} region.
NAME_PATTERNS: dict[str, dict[str, list[str]]] = {
    "fr": {
        "distributor": [
            "{s} Distribution",
            "Groupe {s}",
            "Comptoir {s} Matériel Pro",
            "{r} Électro Distribution",
        ],
        "wholesaler": ["{s} Négoce", "Grossiste {s}", "Établissements {s}"],
        "reseller": [
            "Quincaillerie {s}",
            "{s} Électricité",
            "Bricolage {s}",
            "{s} & Fils",
            "Outillage {s}",
            "Espace Pro {c}",
            "{s} Équipement",
        ],
        "franchisee": ["Lumen Store {c}", "Atelier Lumen {c}"],
        "agent": ["Agence {s}", "{s} Représentation", "Cabinet {s} Conseil"],
        "retailer": ["Lumière & Maison {c}", "{s} Luminaires", "Droguerie {s}", "Maison {s}", "Brico {c}"],
    },
    "nl": {
        "distributor": ["{s} Distributie NV", "Groep {s}"],
        "wholesaler": ["{s} Groothandel BV"],
        "reseller": ["IJzerwaren {s}", "{s} Elektro BV", "Doe-het-zelf {s}", "{s} & Zonen"],
        "franchisee": ["Lumen Store {c}"],
        "agent": ["Agentschap {s}"],
        "retailer": ["Verlichting {s}", "Huis & Licht {c}"],
    },
    "de": {
        "distributor": ["{s} Werkzeughandel GmbH", "{s} Großhandel GmbH", "{r} Elektrovertrieb GmbH"],
        "wholesaler": ["{s} & Söhne KG", "Baustoffe {s} GmbH"],
        "reseller": [
            "Elektro {s} GmbH",
            "Eisenwaren {s}",
            "{s} Werkzeuge",
            "Baumarkt {c}",
            "{s} Haustechnik",
        ],
        "franchisee": ["Lumen Store {c}"],
        "agent": ["Handelsagentur {s}", "{s} Vertretungen"],
        "retailer": ["Licht & Werkzeug {s}", "Leuchten {s}", "{s} Fachmarkt"],
    },
    "es": {
        "distributor": ["{s} Distribuciones S.L.", "Grupo {s} S.A."],
        "wholesaler": ["Almacenes {s} S.A.", "Suministros {s} S.L."],
        "reseller": [
            "Ferretería {s}",
            "Suministros Eléctricos {s} S.L.",
            "Bricolaje {c}",
            "Herramientas {s}",
        ],
        "franchisee": ["Lumen Store {c}"],
        "agent": ["Representaciones {s}", "Agencia {s}"],
        "retailer": ["Iluminación {s}", "Luz y Hogar {c}", "Droguería {s}"],
    },
    "it": {
        "distributor": ["{s} Distribuzione S.r.l.", "Elettroforniture {s} S.p.A."],
        "wholesaler": ["Ingrosso {s} S.r.l.", "Commerciale {s} S.r.l."],
        "reseller": ["Ferramenta {s}", "Utensileria {s}", "Elettrica {s} S.n.c.", "Bricolage {c}"],
        "franchisee": ["Lumen Store {c}"],
        "agent": ["Agenzia {s}", "Rappresentanze {s}"],
        "retailer": ["Illuminazione {s}", "Casa e Luce {c}", "Colorificio {s}"],
    },
}

STREETS: dict[str, list[str]] = {
    "fr": [
        "rue de la République",
        "avenue Jean Jaurès",
        "boulevard Voltaire",
        "rue Victor Hugo",
        "rue du Commerce",
        "avenue de la Gare",
        "ZA des Vernes",
    ],
    "nl": ["Kerkstraat", "Stationsstraat", "Industrieweg", "Molenstraat"],
    "de": ["Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gewerbepark", "Schillerstraße"],
    "es": ["Calle Mayor", "Avenida de la Constitución", "Polígono Industrial Norte", "Calle de Alcalá"],
    "it": ["Via Roma", "Via Garibaldi", "Corso Italia", "Via dell'Industria", "Via Mazzini"],
}

# Partners per country and how they split by kind (the rest are resellers).
COUNTRY_SIZES = {"FR": 110, "DE": 50, "ES": 40, "IT": 40, "BE": 30, "CH": 30}
DISTRIBUTORS = {"FR": 7, "DE": 4, "ES": 3, "IT": 3, "BE": 2, "CH": 1}
KIND_SHARES = {"wholesaler": 0.05, "franchisee": 0.13, "agent": 0.05, "retailer": 0.20}
KIND_LETTERS = {
    "distributor": "D",
    "wholesaler": "W",
    "reseller": "R",
    "franchisee": "F",
    "agent": "A",
    "retailer": "M",
}
POTENTIAL_RANGES = {
    "distributor": (500_000, 3_000_000),
    "wholesaler": (300_000, 1_500_000),
    "reseller": (20_000, 300_000),
    "franchisee": (60_000, 250_000),
    "agent": (30_000, 200_000),
    "retailer": (10_000, 120_000),
}

# Product families: (family, name template, models, variants, price range).
FAMILIES: list[tuple[str, str, list[str], list[str], tuple[int, int]]] = [
    (
        "Lampes de chantier",
        "Lampe de chantier {m} {v}",
        ["Atlas", "Titan", "Forge", "Rampe"],
        ["20 W", "30 W", "50 W", "sur trépied", "aimantée"],
        (39, 189),
    ),
    (
        "Projecteurs LED",
        "Projecteur LED {m} {v}",
        ["Nova", "Orion", "Vega", "Sirius"],
        ["10 W", "30 W", "50 W", "100 W", "avec détecteur"],
        (29, 249),
    ),
    (
        "Lampes frontales",
        "Lampe frontale {m} {v}",
        ["Trek", "Lynx", "Alpha", "Cime"],
        ["300 lm", "600 lm", "1000 lm", "rechargeable USB-C"],
        (19, 99),
    ),
    (
        "Lampes torches",
        "Lampe torche {m} {v}",
        ["Phare", "Comète", "Éclat", "Vigie"],
        ["200 lm", "800 lm", "1500 lm", "étanche IP68", "compacte"],
        (12, 89),
    ),
    (
        "Perceuses-visseuses",
        "Perceuse-visseuse {m} {v}",
        ["PV18", "PV18 Brushless", "PX20", "PX20 Percussion"],
        ["nue", "2 batteries 2 Ah", "2 batteries 4 Ah", "en coffret", "kit atelier"],
        (89, 429),
    ),
    (
        "Meuleuses et scies",
        "{m} {v}",
        ["Meuleuse 125 mm", "Scie circulaire 165 mm", "Scie sauteuse", "Scie sabre"],
        ["18 V nue", "18 V 1 batterie", "filaire 900 W", "en coffret"],
        (79, 349),
    ),
    (
        "Batteries et chargeurs",
        "{m} {v}",
        ["Batterie 18 V", "Chargeur rapide", "Pack énergie", "Batterie 12 V"],
        ["2 Ah", "4 Ah", "5 Ah", "8 Ah", "double port"],
        (29, 219),
    ),
    (
        "Accessoires",
        "{m} {v}",
        [
            "Coffret d'embouts",
            "Jeu de forets",
            "Disques à tronçonner",
            "Lames de scie",
            "Trépied télescopique",
        ],
        ["12 pièces", "32 pièces", "métal", "bois", "pro"],
        (9, 79),
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    sees: str


@dataclass
class DemoResult:
    created: bool
    brand: Brand
    logins: list[DemoLogin]
    counts: dict[str, int] = field(default_factory=dict)
    extensions: list[str] = field(default_factory=list)


def _gtin13(item: int) -> str:
    body = f"{GTIN_PREFIX}{item:05d}"
    return body + ean.calc_check_digit(body)


def _gln(item: int) -> str:
    body = f"{GLN_PREFIX}{item:05d}"
    return validate_gln(body + ean.calc_check_digit(body))


def _siret(rng: random.Random) -> str:
    head = str(rng.randint(30_000_000, 89_999_999))
    siren = head + luhn.calc_check_digit(head)
    nic = f"{rng.randint(1, 99):04d}"
    return validate_siret(siren + nic + luhn.calc_check_digit(siren + nic))


def _vat(rng: random.Random, country: str) -> str:
    """A VAT number (or Swiss UID) whose check digits python-stdnum computes or confirms."""
    from stdnum.ch import uid as ch_uid

    for _attempt in range(100):
        if country == "DE":
            body = str(rng.randint(10_000_000, 99_999_999))
            candidates = ["DE" + body + mod_11_10.calc_check_digit(body)]
        elif country == "IT":
            body = f"{rng.randint(1, 9_999_999):07d}{rng.randint(1, 100):03d}"
            candidates = ["IT" + body + luhn.calc_check_digit(body)]
        elif country == "ES":
            body = f"B{rng.randint(10_000_000, 99_999_999) // 10:07d}"
            candidates = ["ES" + body + c for c in es_cif.calc_check_digits(body)]
        elif country == "CH":
            body = str(rng.randint(10_000_000, 99_999_999))
            candidates = ["CHE" + body + ch_uid.calc_check_digit(body)]
        elif country == "BE":
            body = f"0{rng.randint(2_000_000, 9_999_999)}"
            # The Belgian key is two digits (a mod 97 remainder): let stdnum tell which one is right.
            candidates = [f"BE{body}{key:02d}" for key in range(1, 98)]
        else:
            raise ValueError(country)
        for candidate in candidates:
            try:
                return validate_vat(candidate)
            except ValueError:
                continue
    raise RuntimeError(f"no valid {country} VAT number generated")


def _password_hash() -> str:
    # One hash for every demo account: hashing is deliberately slow and the password is the same anyway.
    for email in ("admin@lumen.demo", "owner@martin.demo"):
        validate_password(DEMO_PASSWORD, user=User(email=email))
    return make_password(DEMO_PASSWORD)


def _products(
    brand: Brand, rng: random.Random, *, per_family: int, families: list | None = None, start: int = 1
) -> list[Product]:
    products: list[Product] = []
    item = start
    for family, template, models, variants, (low, high) in families or FAMILIES:
        combos = [(m, v) for m in models for v in variants]
        rng.shuffle(combos)
        # Bigger variants cost more: a base price per model plus a step per variant, with some noise.
        base = {m: rng.uniform(low, (low + high) / 2) for m in models}
        step = (high - low) / 2 / max(1, len(variants) - 1)
        for model, variant in sorted(combos[:per_family]):
            raw = base[model] + variants.index(variant) * step * rng.uniform(0.8, 1.2)
            price = Decimal(round(raw))
            products.append(
                Product(
                    brand=brand,
                    gtin=normalise_gtin(_gtin13(item)),
                    name=template.format(m=model, v=variant).strip(),
                    family=family,
                    list_price=max(price, Decimal(2)) - Decimal("0.10"),
                    currency=brand.currency,
                )
            )
            item += 1
    return Product.objects.bulk_create(products, batch_size=500)


@dataclass
class _Place:
    country: str
    region: str
    language: str
    city: str
    postcode: str


def _places(country: str) -> list[_Place]:
    return [
        _Place(country, region, language, city, postcode)
        for region, language, cities in GEOGRAPHY[country]
        for city, postcode in cities
    ]


def _kind_plan(country: str) -> list[str]:
    total = COUNTRY_SIZES[country]
    kinds = ["distributor"] * DISTRIBUTORS[country]
    for kind, share in KIND_SHARES.items():
        kinds += [kind] * max(1, round(total * share))
    kinds += ["reseller"] * (total - len(kinds))
    return kinds


def _partner_name(rng: random.Random, kind: str, place: _Place, used: set[str]) -> str:
    patterns = NAME_PATTERNS[place.language][kind]
    for _attempt in range(20):
        name = rng.choice(patterns).format(
            s=rng.choice(SURNAMES[place.country]), c=place.city, r=place.region
        )
        if name not in used:
            break
    else:
        name = f"{name} ({place.city})"
    if name in used:
        name = f"{name} {len(used)}"
    used.add(name)
    return name


def _organisation(rng: random.Random, kind: str) -> str:
    mono_share = {"franchisee": 1.0, "retailer": 0.4, "reseller": 0.2, "agent": 0.5}.get(kind, 0.0)
    return Organisation.MONO_BRAND if rng.random() < mono_share else Organisation.MULTI_BRAND


def _channel(rng: random.Random, kind: str) -> str:
    if kind in {"distributor", "wholesaler"}:
        return Channel.DIRECT
    if kind == "agent":
        return Channel.AGENTS
    web_share = {"reseller": 0.25, "retailer": 0.15}.get(kind, 0.0)
    return Channel.WEB if rng.random() < web_share else Channel.RETAIL


def _potential(rng: random.Random, kind: str) -> Decimal | None:
    if rng.random() < 0.08:
        return None
    low, high = POTENTIAL_RANGES[kind]
    # Log-uniform: many small partners, a few big ones.
    value = low * (high / low) ** rng.random()
    return Decimal(round(value, -3))


# Partners that demo users log into: (country, kind, name, region, city, postcode).
NAMED_PARTNERS = {
    "martin": ("FR", "reseller", "Quincaillerie Martin", "Auvergne-Rhône-Alpes", "Lyon", "69003"),
    "schneider": ("DE", "reseller", "Elektro Schneider GmbH", "Bayern", "München", "80331"),
}

NAMED_POTENTIALS = {"martin": 85_000, "schneider": 140_000}


def _network(
    brand: Brand, rng: random.Random, *, sizes: dict[str, int] | None = None
) -> dict[str, PartnerCompany]:
    """Distributors first (so resellers can point at them), then everyone else, then their sites."""
    used_names: set[str] = set()
    named: dict[str, PartnerCompany] = {}
    distributors: dict[str, list[PartnerCompany]] = {}
    others: list[PartnerCompany] = []
    seq: dict[str, int] = {}

    def make(country: str, kind: str, place: _Place, name: str | None = None) -> PartnerCompany:
        letter = KIND_LETTERS[kind]
        seq[country + letter] = seq.get(country + letter, 0) + 1
        identifiers: dict[str, Any] = {}
        if country == "FR":
            siret = _siret(rng)
            identifiers = {"siret": siret, "siren": siret[:9]}
        else:
            identifiers = {"vat_number": _vat(rng, country)}
        return PartnerCompany(
            brand=brand,
            code=f"{country}-{letter}{seq[country + letter]:03d}",
            name=name or _partner_name(rng, kind, place, used_names),
            kind=kind,
            organisation=_organisation(rng, kind),
            channel=_channel(rng, kind),
            country=country,
            region=place.region,
            city=place.city,
            potential=_potential(rng, kind),
            is_active=rng.random() > 0.02,
            **identifiers,
        )

    plans = {country: _kind_plan(country) for country in (sizes or COUNTRY_SIZES)}
    if sizes:
        plans = {c: (["distributor"] + ["reseller"] * (n - 1)) for c, n in sizes.items()}
    places_by_country = {country: _places(country) for country in plans}
    for country, kinds in plans.items():
        distributors[country] = [
            make(country, "distributor", places_by_country[country][i % len(places_by_country[country])])
            for i, kind in enumerate(kinds)
            if kind == "distributor"
        ]
    PartnerCompany.objects.bulk_create([p for ps in distributors.values() for p in ps], batch_size=500)

    for key, (country, kind, name, region, city, postcode) in NAMED_PARTNERS.items():
        if country not in plans or sizes:
            continue
        language = next(lang for r, lang, _c in GEOGRAPHY[country] if r == region)
        partner = make(country, kind, _Place(country, region, language, city, postcode), name=name)
        used_names.add(name)
        partner.organisation, partner.channel, partner.is_active = (
            Organisation.MULTI_BRAND,
            Channel.RETAIL,
            True,
        )
        partner.parent = distributors[country][0]
        named[key] = partner
        others.append(partner)
        plans[country].remove(kind)

    for country, kinds in plans.items():
        places = places_by_country[country]
        for kind in kinds:
            if kind == "distributor":
                continue
            place = rng.choice(places)
            partner = make(country, kind, place)
            parent_share = {"reseller": 0.9, "retailer": 0.25}.get(kind, 0.0)
            if distributors[country] and rng.random() < parent_share:
                partner.parent = rng.choice(distributors[country])
            others.append(partner)
    PartnerCompany.objects.bulk_create(others, batch_size=500)
    partners = [p for ps in distributors.values() for p in ps] + others
    _sites(brand, rng, partners, places_by_country)
    return named


def _sites(
    brand: Brand, rng: random.Random, partners: list[PartnerCompany], places: dict[str, list[_Place]]
) -> None:
    sites: list[Site] = []
    gln_seq = 0
    for partner in partners:
        language = next(lang for r, lang, _c in GEOGRAPHY[partner.country] if r == partner.region)
        postcode = next(
            (
                pc
                for r, _lang, cs in GEOGRAPHY[partner.country]
                for c, pc in cs
                if c == partner.city and r == partner.region
            ),
            "",
        )
        locations = [(partner.city, postcode, partner.region, True)]
        if partner.kind in {PartnerKind.DISTRIBUTOR, PartnerKind.WHOLESALER}:
            for extra in rng.sample(places[partner.country], k=rng.randint(1, 2)):
                if extra.city != partner.city:
                    locations.append((extra.city, extra.postcode, extra.region, False))
        for city, code, region, is_main in locations:
            gln = ""
            if rng.random() < 0.4:
                gln_seq += 1
                gln = _gln(gln_seq + 1000 * (brand.pk % 10))
            if is_main:
                name = partner.name
            else:
                name = {"fr": "Dépôt", "nl": "Magazijn", "de": "Lager", "es": "Almacén", "it": "Magazzino"}[
                    language
                ] + f" {city}"
            sites.append(
                Site(
                    brand=brand,
                    partner=partner,
                    name=name,
                    address=f"{rng.randint(1, 180)} {rng.choice(STREETS[language])}",
                    postcode=code,
                    city=city,
                    country=partner.country,
                    region=region,
                    gln=gln,
                    is_main=is_main,
                )
            )
    Site.objects.bulk_create(sites, batch_size=1000)


LUMEN_SEGMENTS = [
    ("Distributeurs", {"kind": ["distributor"]}, "Les distributeurs du réseau, tous pays."),
    (
        "Revendeurs France",
        {"kind": ["reseller"], "country": ["FR"]},
        "Revendeurs français, rattachés ou non.",
    ),
    ("Fort potentiel", {"potential_tier": ["high"]}, "Le tiers supérieur du potentiel annuel."),
    ("Mono-marques", {"organisation": ["mono_brand"]}, "Partenaires qui ne vendent que Lumen."),
    ("Réseau DACH", {"country": ["DE", "CH"]}, "Allemagne et Suisse."),
    ("Franchisés", {"kind": ["franchisee"]}, "Les magasins Lumen Store."),
]


def _segments(brand: Brand, definitions: list[tuple[str, dict[str, list[str]], str]]) -> None:
    """Saved segments through the network services when they exist, else rows filled by the recompute."""
    try:
        services = importlib.import_module("relais.network.services")
    except ModuleNotFoundError as exc:
        if exc.name != "relais.network.services":
            raise
        services = None
    create = getattr(services, "segment_create", None)
    for name, rules, description in definitions:
        if create is not None:
            create(brand=brand, name=name, rules=rules, description=description)
        else:
            Segment.objects.create(brand=brand, name=name, rules=rules, description=description)
    _segments_recompute(brand)


def _segments_recompute(brand: Brand) -> None:
    try:
        services = importlib.import_module("relais.network.services")
    except ModuleNotFoundError as exc:
        if exc.name != "relais.network.services":
            raise
        return
    recompute = getattr(services, "segment_memberships_recompute", None)
    if recompute is not None:
        recompute(brand=brand)


def _extension(name: str) -> Callable[..., Any] | None:
    """``load`` of an optional demo module; only that module's own absence is tolerated."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None
    return getattr(module, "load", None)


def demo_logins() -> list[DemoLogin]:
    """Every demo account, with what it sees once logged in."""
    return [
        DemoLogin("Platform operator", "ops@relais.demo", "All brands: operator console and admin"),
        DemoLogin(
            "Brand admin",
            "admin@lumen.demo",
            "Atelier Lumen back office: network, catalogue, sell-out, settings",
        ),
        DemoLogin("Channel manager", "manager@lumen.demo", "Atelier Lumen network, segments and sell-out"),
        DemoLogin(
            "Partner admin",
            "owner@martin.demo",
            "Portal of Quincaillerie Martin (Lyon): declarations, sellers",
        ),
        DemoLogin("Partner seller", "seller@martin.demo", "Portal of Quincaillerie Martin: own declarations"),
        DemoLogin("Partner admin", "owner@schneider.demo", "Portal of Elektro Schneider GmbH (München)"),
        DemoLogin(
            "Partner seller", "seller@schneider.demo", "Portal of Elektro Schneider GmbH: own declarations"
        ),
        DemoLogin("Brand admin", "admin@boreal.demo", "Boréal Jardin, a second brand: sees nothing of Lumen"),
    ]


def _users(*, lumen: Brand, boreal: Brand, named: dict[str, PartnerCompany]) -> None:
    password = _password_hash()
    wanted = [
        ("ops@relais.demo", Role.OPERATOR, None, None, "Olivia", "Perrot"),
        ("admin@lumen.demo", Role.BRAND_ADMIN, lumen, None, "Amélie", "Lefort"),
        ("manager@lumen.demo", Role.CHANNEL_MANAGER, lumen, None, "Marc", "Durieux"),
        ("owner@martin.demo", Role.PARTNER_ADMIN, lumen, named["martin"], "Paul", "Martin"),
        ("seller@martin.demo", Role.PARTNER_SELLER, lumen, named["martin"], "Sophie", "Carrel"),
        ("owner@schneider.demo", Role.PARTNER_ADMIN, lumen, named["schneider"], "Jonas", "Schneider"),
        ("seller@schneider.demo", Role.PARTNER_SELLER, lumen, named["schneider"], "Lea", "Hofmann"),
        ("admin@boreal.demo", Role.BRAND_ADMIN, boreal, None, "Bruno", "Vasseur"),
    ]
    existing = set(User.objects.filter(email__in=[w[0] for w in wanted]).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(
                email=email,
                role=role,
                brand=brand,
                partner=partner,
                first_name=first,
                last_name=last,
                password=password,
                is_staff=role == Role.OPERATOR,
                is_superuser=role == Role.OPERATOR,
                # French partners get the French interface; others (no German catalogue) English; staff: browser.
                preferred_language={"FR": "fr", "DE": "en"}.get(partner.country, "") if partner else "",
            )
            for email, role, brand, partner, first, last in wanted
            if email not in existing
        ]
    )


BOREAL_FAMILIES: list[tuple[str, str, list[str], list[str], tuple[int, int]]] = [
    ("Taille-haies", "Taille-haie {m} {v}", ["TH50", "TH60"], ["18 V", "filaire"], (79, 229)),
    ("Tondeuses", "Tondeuse {m} {v}", ["T40", "T46 tractée"], ["36 V", "thermique"], (199, 649)),
    ("Arrosage", "{m} {v}", ["Dévidoir", "Programmateur"], ["20 m", "connecté"], (25, 129)),
]


@transaction.atomic
def demo_load(*, seed: int = SEED, log: Callable[[str], None] | None = None) -> DemoResult:
    """Load the demo brands, network, catalogue, users and segments, then the other domains' demo data.

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

    products = _products(lumen, rng, per_family=19)
    say(f"catalogue: {len(products)} products")
    named = _network(lumen, rng)
    say(f"network: {PartnerCompany.objects.filter(brand=lumen).count()} partners")
    _products(boreal, random.Random(seed + 1), per_family=4, families=BOREAL_FAMILIES, start=50_000)
    _network(boreal, random.Random(seed + 1), sizes={"FR": 8, "BE": 4})
    _users(lumen=lumen, boreal=boreal, named=named)

    for brand in (lumen, boreal):
        partner_tiers_refresh(brand=brand)
    _segments(lumen, LUMEN_SEGMENTS)
    _segments(boreal, [("Revendeurs", {"kind": ["reseller"]}, "")])

    loaded: list[str] = []
    for name in EXTENSIONS:
        load = _extension(name)
        if load is None:
            continue
        say(f"{name} ...")
        load(brand=lumen, rng=random.Random(f"{seed}-{name}"))
        loaded.append(name)
    if loaded:
        # Sell-out and programmes move activity tiers, and segments follow the tiers.
        partner_tiers_refresh(brand=lumen)
        _segments_recompute(lumen)

    counts = {
        "partners": PartnerCompany.objects.filter(brand=lumen).count(),
        "sites": Site.objects.filter(brand=lumen).count(),
        "products": Product.objects.filter(brand=lumen).count(),
        "segments": Segment.objects.filter(brand=lumen).count(),
    }
    return DemoResult(created=True, brand=lumen, logins=demo_logins(), counts=counts, extensions=loaded)


def logins_table(logins: list[DemoLogin], *, password: str = DEMO_PASSWORD) -> str:
    """The logins as a plain-text table for the terminal."""
    rows = [("Role", "E-mail", "Password", "What they see")] + [
        (x.role, x.email, password, x.sees) for x in logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(rows[0][3]))
    return "\n".join(lines)
