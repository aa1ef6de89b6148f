"""The demo network: ~300 partner companies of Atelier Lumen in six countries, their sites, saved segments.

Deterministic (every draw comes from the ``rng`` it is given) and bulk-written. Every identifier is valid:
SIRET Luhn keys, VAT numbers (Swiss UID) and GLN check digits come from python-stdnum. Called by
``relais.demo``, which refreshes the tiers (``relais.followups.network``) between the partners and the
segments. See docs/demo.md.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from stdnum import ean, luhn
from stdnum.ch import uid as ch_uid
from stdnum.es import cif as es_cif
from stdnum.iso7064 import mod_11_10

from relais.core.models import Brand
from relais.core.validators import validate_gln, validate_siret, validate_vat
from relais.network.demo.places import GEOGRAPHY, NAME_PATTERNS, STREETS, SURNAMES
from relais.network.models import (
    Channel,
    Organisation,
    PartnerCompany,
    PartnerKind,
    SegmentMembership,
    Site,
)
from relais.network.services import segment_create

GLN_PREFIX = "3779991"  # a made-up GS1 company prefix (7 digits): location references fill the next 5

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
DEPOT = {"fr": "Dépôt", "nl": "Magazijn", "de": "Lager", "es": "Almacén", "it": "Magazzino"}

# Partners that demo users log into: (country, kind, name, region, city, postcode).
NAMED_PARTNERS = {
    "martin": ("FR", "reseller", "Quincaillerie Martin", "Auvergne-Rhône-Alpes", "Lyon", "69003"),
    "schneider": ("DE", "reseller", "Elektro Schneider GmbH", "Bayern", "München", "80331"),
}

# The distributor whose admin logs in: the first French distributor (Quincaillerie Martin's parent), which the
# brand marks as a distributor (``is_distributor``): it sees its resellers' sell-out and declares for them.
# Renamed after its draws, so the rest of the network stays the same.
DISTRIBUTOR_NAME = "Comptoir Pro Distribution"

# Saved segments: (name, rules, description).
SegmentDefinition = tuple[str, dict[str, list[str]], str]

LUMEN_SEGMENTS: list[SegmentDefinition] = [
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
BOREAL_SEGMENTS: list[SegmentDefinition] = [("Revendeurs", {"kind": ["reseller"]}, "")]


@dataclass(frozen=True)
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


def _gln(item: int) -> str:
    body = f"{GLN_PREFIX}{item:05d}"
    return validate_gln(body + ean.calc_check_digit(body))


def _siret(rng: random.Random) -> str:
    head = str(rng.randint(30_000_000, 89_999_999))
    siren = head + luhn.calc_check_digit(head)
    nic = f"{rng.randint(1, 99):04d}"
    return validate_siret(siren + nic + luhn.calc_check_digit(siren + nic))


def _vat_candidates(rng: random.Random, country: str) -> list[str]:
    """VAT numbers (or a Swiss UID) to try, their check digits computed by python-stdnum."""
    if country == "DE":
        body = str(rng.randint(10_000_000, 99_999_999))
        return ["DE" + body + mod_11_10.calc_check_digit(body)]
    if country == "IT":
        body = f"{rng.randint(1, 9_999_999):07d}{rng.randint(1, 100):03d}"
        return ["IT" + body + luhn.calc_check_digit(body)]
    if country == "ES":
        body = f"B{rng.randint(10_000_000, 99_999_999) // 10:07d}"
        return ["ES" + body + c for c in es_cif.calc_check_digits(body)]
    if country == "CH":
        body = str(rng.randint(10_000_000, 99_999_999))
        return ["CHE" + body + ch_uid.calc_check_digit(body)]
    if country == "BE":
        body = f"0{rng.randint(2_000_000, 9_999_999)}"
        # The Belgian key is two digits (a mod 97 remainder): let stdnum tell which one is right.
        return [f"BE{body}{key:02d}" for key in range(1, 98)]
    raise ValueError(country)


def _vat(rng: random.Random, country: str) -> str:
    """A VAT number (or Swiss UID) that python-stdnum confirms."""
    for _attempt in range(100):
        for candidate in _vat_candidates(rng, country):
            try:
                return validate_vat(candidate)
            except ValueError:
                continue
    raise RuntimeError(f"no valid {country} VAT number generated")


def _kind_plan(country: str) -> list[str]:
    total = COUNTRY_SIZES[country]
    kinds = ["distributor"] * DISTRIBUTORS[country]
    for kind, share in KIND_SHARES.items():
        kinds += [kind] * max(1, round(total * share))
    kinds += ["reseller"] * (total - len(kinds))
    return kinds


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


@dataclass
class _PartnerMaker:
    """Unsaved partners of one brand: a code per country and kind, names unique within the brand."""

    brand: Brand
    rng: random.Random
    used_names: set[str] = field(default_factory=set)
    seq: dict[str, int] = field(default_factory=dict)

    def name(self, kind: str, place: _Place) -> str:
        patterns = NAME_PATTERNS[place.language][kind]
        for _attempt in range(20):
            name = self.rng.choice(patterns).format(
                s=self.rng.choice(SURNAMES[place.country]), c=place.city, r=place.region
            )
            if name not in self.used_names:
                break
        else:
            name = f"{name} ({place.city})"
        if name in self.used_names:
            name = f"{name} {len(self.used_names)}"
        self.used_names.add(name)
        return name

    def partner(self, country: str, kind: str, place: _Place, name: str | None = None) -> PartnerCompany:
        # The draws keep one order (identifiers, name, organisation, channel, potential, activity): the
        # seed gives the same network.
        letter = KIND_LETTERS[kind]
        self.seq[country + letter] = self.seq.get(country + letter, 0) + 1
        identifiers: dict[str, Any]
        if country == "FR":
            siret = _siret(self.rng)
            identifiers = {"siret": siret, "siren": siret[:9]}
        else:
            identifiers = {"vat_number": _vat(self.rng, country)}
        return PartnerCompany(
            brand=self.brand,
            code=f"{country}-{letter}{self.seq[country + letter]:03d}",
            name=name or self.name(kind, place),
            kind=kind,
            organisation=_organisation(self.rng, kind),
            channel=_channel(self.rng, kind),
            country=country,
            region=place.region,
            city=place.city,
            potential=_potential(self.rng, kind),
            is_active=self.rng.random() > 0.02,
            **identifiers,
        )


def _named_partners(
    maker: _PartnerMaker,
    plans: dict[str, list[str]],
    distributors: Mapping[str, list[PartnerCompany]],
) -> dict[str, PartnerCompany]:
    """The companies the demo logins belong to: multi-brand retail, active, under their country's first
    distributor. Each takes the place of one partner of its kind in ``plans``."""
    named: dict[str, PartnerCompany] = {}
    for key, (country, kind, name, region, city, postcode) in NAMED_PARTNERS.items():
        if country not in plans:
            continue
        language = next(lang for r, lang, _c in GEOGRAPHY[country] if r == region)
        partner = maker.partner(country, kind, _Place(country, region, language, city, postcode), name=name)
        maker.used_names.add(name)
        partner.organisation, partner.channel, partner.is_active = (
            Organisation.MULTI_BRAND,
            Channel.RETAIL,
            True,
        )
        partner.parent = distributors[country][0]
        named[key] = partner
        plans[country].remove(kind)
    return named


def network_load(
    *, brand: Brand, rng: random.Random, sizes: Mapping[str, int] | None = None
) -> dict[str, PartnerCompany]:
    """Write the brand's partners and their sites; returns the named partners (``NAMED_PARTNERS``, and
    "distributor": the marked distributor ``DISTRIBUTOR_NAME``, their parent).

    Distributors first (so resellers can point at them), then everyone else, then the sites. ``sizes``
    (partners per country: one distributor, the rest resellers, no named partner) makes a small network.
    """
    maker = _PartnerMaker(brand=brand, rng=rng)
    if sizes:
        plans = {c: (["distributor"] + ["reseller"] * (n - 1)) for c, n in sizes.items()}
    else:
        plans = {country: _kind_plan(country) for country in COUNTRY_SIZES}
    places_by_country = {country: _places(country) for country in plans}
    distributors: dict[str, list[PartnerCompany]] = {}
    for country, kinds in plans.items():
        places = places_by_country[country]
        distributors[country] = [
            maker.partner(country, "distributor", places[i % len(places)])
            for i, kind in enumerate(kinds)
            if kind == "distributor"
        ]
    lead = None if sizes or not distributors.get("FR") else distributors["FR"][0]
    if lead is not None:
        lead.name, lead.is_distributor = DISTRIBUTOR_NAME, True
        maker.used_names.add(DISTRIBUTOR_NAME)
    PartnerCompany.objects.bulk_create([p for ps in distributors.values() for p in ps], batch_size=500)

    named = {} if sizes else _named_partners(maker, plans, distributors)
    others = list(named.values())
    if lead is not None:
        named["distributor"] = lead  # written with the distributors above
    for country, kinds in plans.items():
        for kind in kinds:
            if kind == "distributor":
                continue
            partner = maker.partner(country, kind, rng.choice(places_by_country[country]))
            parent_share = {"reseller": 0.9, "retailer": 0.25}.get(kind, 0.0)
            if distributors[country] and rng.random() < parent_share:
                partner.parent = rng.choice(distributors[country])
            others.append(partner)
    PartnerCompany.objects.bulk_create(others, batch_size=500)
    _sites_load(
        brand=brand,
        rng=rng,
        partners=[p for ps in distributors.values() for p in ps] + others,
        places=places_by_country,
    )
    return named


def _postcode(partner: PartnerCompany) -> str:
    return next(
        (
            pc
            for r, _lang, cities in GEOGRAPHY[partner.country]
            for c, pc in cities
            if c == partner.city and r == partner.region
        ),
        "",
    )


def _sites_load(
    *,
    brand: Brand,
    rng: random.Random,
    partners: Sequence[PartnerCompany],
    places: Mapping[str, list[_Place]],
) -> None:
    """A main site per partner at its address; one or two depots for distributors and wholesalers; about
    40 % of the sites carry a GLN."""
    sites: list[Site] = []
    gln_seq = 0
    for partner in partners:
        language = next(lang for r, lang, _c in GEOGRAPHY[partner.country] if r == partner.region)
        locations = [(partner.city, _postcode(partner), partner.region, True)]
        if partner.kind in {PartnerKind.DISTRIBUTOR, PartnerKind.WHOLESALER}:
            for extra in rng.sample(places[partner.country], k=rng.randint(1, 2)):
                if extra.city != partner.city:
                    locations.append((extra.city, extra.postcode, extra.region, False))
        for city, code, region, is_main in locations:
            gln = ""
            if rng.random() < 0.4:
                gln_seq += 1
                gln = _gln(gln_seq + 1000 * (brand.pk % 10))
            sites.append(
                Site(
                    brand=brand,
                    partner=partner,
                    name=partner.name if is_main else f"{DEPOT[language]} {city}",
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


def segments_load(
    *, brand: Brand, definitions: Sequence[SegmentDefinition], since: datetime | None = None
) -> None:
    """Save the brand's segments through the network services, then compute every membership, open from
    ``since`` (the start of the demo's history, so a past challenge on a segment has its participants)."""
    for name, rules, description in definitions:
        segment_create(brand=brand, name=name, rules=rules, description=description)
    if since is not None:
        # The demo's past: the partners were already in their segments when its history starts (the service
        # opens every stay now, as it must for a segment saved today).
        SegmentMembership.objects.filter(segment__brand=brand, valid_to__isnull=True).update(valid_from=since)
