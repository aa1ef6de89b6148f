"""Demo catalogue: Atelier Lumen's work lights and cordless tools, Boréal Jardin's garden tools.

Every GTIN-13 is valid (python-stdnum computes its check digit) on a made-up GS1 company prefix, stored as
GTIN-14. Called by ``relais.demo``; see docs/demo.md.
"""

from __future__ import annotations

import random
from decimal import Decimal

from stdnum import ean

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.core.validators import normalise_gtin

GTIN_PREFIX = "3779990"  # a made-up GS1 company prefix (7 digits): item references fill the next 5

# A product family: (family, name template, models, variants, price range).
Family = tuple[str, str, list[str], list[str], tuple[int, int]]

FAMILIES: list[Family] = [
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

BOREAL_FAMILIES: list[Family] = [
    ("Taille-haies", "Taille-haie {m} {v}", ["TH50", "TH60"], ["18 V", "filaire"], (79, 229)),
    ("Tondeuses", "Tondeuse {m} {v}", ["T40", "T46 tractée"], ["36 V", "thermique"], (199, 649)),
    ("Arrosage", "{m} {v}", ["Dévidoir", "Programmateur"], ["20 m", "connecté"], (25, 129)),
]


def _gtin13(item: int) -> str:
    body = f"{GTIN_PREFIX}{item:05d}"
    return body + ean.calc_check_digit(body)


def products_load(
    *,
    brand: Brand,
    rng: random.Random,
    per_family: int,
    families: list[Family] = FAMILIES,
    start: int = 1,
) -> list[Product]:
    """Write ``per_family`` products of each family for ``brand`` (bulk), item references from ``start``."""
    products: list[Product] = []
    item = start
    for family, template, models, variants, (low, high) in families:
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
