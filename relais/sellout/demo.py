"""Eighteen months or more of sell-out for the demo brand (so this year compares with the last), declared through the same path as real partners.

Most partners declare every period with a steady monthly volume, their lines spread over the month (about
one in sixteen is irregular: it skips periods, its volume swings); some never declare; web-oriented partners
sell mostly online; about 2 % of lines are returns, a handful are priced far from the list price (flagged
for review), and some carry customer feedback in French or English. Each month's lines go through
``declaration_lines_add`` (vectorised checks, dedup key, bulk write), then the declaration is submitted,
except the current month which stays a draft for some partners. Called by ``relais.demo``.

The closed challenge of the incentives demo (``MEASURED_CHALLENGE``: Q3 2026 on the "Mono-marques"
segment) lifts its participants' sell-out by 15 % over its period, so the challenge page has a real effect
to find against a real comparison group (the other partners). The history starts at least
``PRE_MONTHS`` months before that challenge, so the measure has its pre-period whatever the day of loading.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from relais.accounts.models import User
from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import Channel, PartnerCompany, PartnerKind, SegmentMembership
from relais.sellout.distributor import declaration_on_behalf_declare
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit

MONTHS = 18  # at least: more when the measured challenge needs a longer pre-period


@dataclass(frozen=True)
class MeasuredChallenge:
    """The demo's challenge with an effect: its segment, dates and the lift of its participants' sell-out."""

    name: str
    segment: str
    period_start: dt.date
    period_end: dt.date
    lift: float


MEASURED_CHALLENGE = MeasuredChallenge(
    name="Rentrée chantier 2026",
    segment="Mono-marques",
    period_start=dt.date(2026, 7, 1),
    period_end=dt.date(2026, 9, 30),
    lift=0.15,
)
# Months of history before the measured challenge: the measure needs 12 (a season). More would fit the
# trend line better, at the price of a longer load (a sixth more per three months).
PRE_MONTHS = 12
# Share of the declaring partners (without a demo login) that are irregular: skip periods, volume swings.
IRREGULAR_SHARE = 0.06
FEEDBACK = [
    "Client très satisfait de l'autonomie de la batterie.",
    "Le client trouve la notice peu claire.",
    "Retour : produit arrivé avec l'emballage abîmé.",
    "Très bon rapport qualité-prix selon l'installateur.",
    "Customer asked for a longer warranty.",
    "Great light output, customer ordered two more.",
    "Customer found the charger noisy.",
    "Installer praised the quick mounting clips.",
]
SEGMENTS_B2B = ["Électricien", "Menuisier", "Industrie", "Collectivité", "Entreprise générale"]
SEGMENTS_B2C = ["Particulier", "Bricoleur averti"]


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def history_start(today: dt.date) -> dt.date:
    """The first month of the demo sell-out: ``MONTHS`` back from today's month, earlier when the measured
    challenge needs ``PRE_MONTHS`` before it (the segment memberships are back-dated to this day)."""
    return min(
        _months_back(today.replace(day=1), MONTHS - 1),
        _months_back(MEASURED_CHALLENGE.period_start.replace(day=1), PRE_MONTHS),
    )


def _month_starts(today: dt.date) -> list[dt.date]:
    months = [history_start(today)]
    while months[-1] < today.replace(day=1):
        months.append(_months_back(months[-1], -1))
    return months


def _month_end(start: dt.date) -> dt.date:
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class _Profile:
    """How one partner declares: its volume, mix and regularity."""

    partner: PartnerCompany
    size: int  # lines per month
    online_share: float
    b2b: bool
    with_invoices: bool
    assortment: list[Product]
    regularity: float  # chance to declare a period
    jitter: float  # how far a month's number of lines strays from ``size``
    quantities: tuple[int, ...]
    lifted: bool  # takes part in the measured challenge


STEADY_QUANTITIES = (1, 2, 2, 3, 3, 4)
SWINGING_QUANTITIES = (1, 1, 1, 2, 2, 3, 5, 10)


def _profile(
    rng: random.Random, partner: PartnerCompany, products: list[Product], *, with_login: bool, lifted: bool
) -> _Profile:
    size = rng.choice([4, 7, 10, 16, 30])  # lines per month: small resellers to big distributors
    online_share = 0.7 if partner.channel == Channel.WEB else rng.choice([0.0, 0.05, 0.15, 0.3])
    irregular = not with_login and rng.random() < IRREGULAR_SHARE
    return _Profile(
        partner=partner,
        size=size,
        online_share=online_share,
        b2b=partner.kind in {PartnerKind.DISTRIBUTOR, PartnerKind.WHOLESALER, PartnerKind.AGENT},
        with_invoices=rng.random() < 0.6,
        assortment=rng.sample(products, k=min(len(products), rng.randint(8, 40))),
        regularity=rng.choice([0.9, 0.7]) if irregular else 1.0,
        jitter=0.4 if irregular else 0.1,
        quantities=SWINGING_QUANTITIES if irregular else STEADY_QUANTITIES,
        lifted=lifted,
    )


def _lifted_partner_ids(*, brand: Brand) -> set[int]:
    """The measured challenge's participants: the members of its segment (loaded before the sell-out)."""
    return set(
        SegmentMembership.objects.filter(
            segment__brand=brand, segment__name=MEASURED_CHALLENGE.segment, valid_to__isnull=True
        ).values_list("partner_id", flat=True)
    )


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Create the demo declarations of ``brand``; returns counts for the demo summary."""
    today = timezone.localdate()
    products = list(
        Product.objects.filter(brand=brand, is_active=True, list_price__isnull=False).order_by("gtin")
    )
    partners = list(PartnerCompany.objects.filter(brand=brand, is_active=True).order_by("code"))
    # The partners whose people have demo logins declare every period: their pages show a full history.
    # Not the marked distributor's login (relais.network.demo.DISTRIBUTOR_NAME): it keeps the draws it had
    # before it had one, so the rest of the demo's sell-out, and the measured challenge, stay the same.
    with_logins = set(
        User.objects.filter(brand=brand, partner__isnull=False, partner__is_distributor=False).values_list(
            "partner_id", flat=True
        )
    )
    if not products or not partners:
        return {"declarations": 0, "lines": 0}
    lifted = _lifted_partner_ids(brand=brand)
    counts = {"declarations": 0, "lines": 0, "flagged": 0, "drafts": 0, "partners_declaring": 0}
    months = _month_starts(today)
    for partner in partners:
        if rng.random() < 0.15 and partner.pk not in with_logins:  # some partners never declare
            continue
        counts["partners_declaring"] += 1
        profile = _profile(
            rng, partner, products, with_login=partner.pk in with_logins, lifted=partner.pk in lifted
        )
        # Distributors and wholesalers declare monthly, the others quarterly (three months at a time).
        step = 1 if profile.b2b or profile.size >= 16 else 3
        for first in range(0, len(months), step):
            if rng.random() > profile.regularity:
                continue
            period = months[first : first + step]
            rows = [
                row
                for month_start in period
                for row in _month_rows(rng, profile, month_start, min(_month_end(month_start), today))
            ]
            declaration = declaration_create(
                partner=partner,
                period_start=period[0],
                period_end=_month_end(period[-1]),
                source=rng.choice([Source.FILE, Source.FILE, Source.FORM, Source.API]),
            )
            result = declaration_lines_add(declaration=declaration, rows=rows)
            counts["declarations"] += 1
            counts["lines"] += result.accepted + result.flagged
            counts["flagged"] += result.flagged
            current_month = period[-1] == months[-1]
            if current_month and rng.random() < 0.5:
                counts["drafts"] += 1
                continue
            if result.accepted + result.flagged:
                # The domain's submit enqueues no follow-up (the doors go through relais.followups): the
                # demo scores and builds the rollups once, at the end (incentives, insights).
                declaration_submit(declaration=declaration)
    counts.update(_on_behalf_load(rng=rng, brand=brand, products=products, months=months, today=today))
    return counts


# Resellers a marked distributor declares for, over the last completed months; the lines it sends again that
# the reseller had declared are recognised as duplicates (docs/access.md).
ON_BEHALF_RESELLERS = 3
ON_BEHALF_MONTHS = 2
ON_BEHALF_NEW_LINES = 4
ON_BEHALF_REPEATS = 2


def _on_behalf_load(
    *, rng: random.Random, brand: Brand, products: list[Product], months: list[dt.date], today: dt.date
) -> dict[str, int]:
    """Each marked distributor (``is_distributor``) declares on behalf of a few of its resellers (the ones
    with a demo login first): a handful of sales of their own, plus a few the reseller had already declared,
    stored once (the second copy is reported as a duplicate)."""
    counts = {"on_behalf_declarations": 0, "on_behalf_lines": 0, "on_behalf_duplicates": 0}
    distributors = PartnerCompany.objects.filter(brand=brand, is_distributor=True, is_active=True)
    for distributor in distributors.order_by("code"):
        admin = User.objects.filter(partner=distributor).order_by("pk").first()
        resellers = sorted(
            PartnerCompany.objects.filter(brand=brand, parent=distributor, is_active=True),
            key=lambda r: (not User.objects.filter(partner=r).exists(), r.code),
        )[:ON_BEHALF_RESELLERS]
        for reseller in resellers:
            profile = _profile(rng, reseller, products, with_login=True, lifted=False)
            for month_start in months[-1 - ON_BEHALF_MONTHS : -1]:
                month_end = min(_month_end(month_start), today)
                rows = _month_rows(rng, profile, month_start, month_end)[:ON_BEHALF_NEW_LINES]
                rows += _declared_rows(reseller=reseller, start=month_start, end=month_end)
                outcome = declaration_on_behalf_declare(
                    distributor=distributor,
                    reseller=reseller,
                    lines=rows,
                    period_start=month_start,
                    period_end=_month_end(month_start),
                    user=admin,
                )
                counts["on_behalf_declarations"] += len(outcome.declarations)
                counts["on_behalf_lines"] += outcome.result.accepted + outcome.result.flagged
                counts["on_behalf_duplicates"] += outcome.result.duplicates
    return counts


def _declared_rows(*, reseller: PartnerCompany, start: dt.date, end: dt.date) -> list[dict[str, object]]:
    """A few lines the reseller declared itself in the month, as the distributor would send them again."""
    lines = (
        DeclarationLine.objects.filter(partner=reseller, sale_date__range=(start, end), quantity__gt=0)
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .order_by("sale_date", "pk")[:ON_BEHALF_REPEATS]
    )
    return [
        {
            "gtin": line.gtin,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "currency": line.currency,
            "sale_date": line.sale_date,
            "invoice_ref": line.invoice_ref,
        }
        for line in lines
    ]


def _lift(rng: random.Random, quantity: int, lift: float) -> int:
    """``quantity`` raised by ``lift`` on average, in whole units (rounded up or down at random)."""
    raised = quantity * (1 + lift)
    whole = int(raised)
    return whole + (1 if rng.random() < raised - whole else 0)


def _sale_day(rng: random.Random, profile: _Profile, index: int, count: int, days: int) -> int:
    """The day of the month (from 0) of line ``index`` of ``count``: a steady partner's lines spread evenly
    over the month (no week looks like a spike to the anomaly checks); an irregular one's fall anywhere."""
    if profile.regularity < 1:
        return rng.randint(0, days)
    return min(days, int((index + rng.random()) * (days + 1) / count))


def _month_rows(
    rng: random.Random, profile: _Profile, start: dt.date, end: dt.date
) -> list[dict[str, object]]:
    """One month's lines of the partner (``start`` to ``end``, the month or its elapsed part)."""
    partner = profile.partner
    days = (end - start).days
    # The current month holds the lines of its elapsed days only: a whole month in a few days is a spike.
    elapsed = (days + 1) / ((_month_end(start) - start).days + 1)
    count = max(1, round(profile.size * elapsed * rng.uniform(1 - profile.jitter, 1 + profile.jitter)))
    lifted = profile.lifted and MEASURED_CHALLENGE.period_start <= start <= MEASURED_CHALLENGE.period_end
    rows: list[dict[str, object]] = []
    for index in range(count):
        product = rng.choice(profile.assortment)
        list_price = product.list_price or Decimal("10")
        quantity = rng.choice(profile.quantities) * (3 if profile.b2b else 1)
        if lifted:
            quantity = _lift(rng, quantity, MEASURED_CHALLENGE.lift)
        price_factor = Decimal(str(round(rng.uniform(0.82, 1.04), 3)))
        if rng.random() < 0.004:  # a price far from the list price: flagged for the brand to review
            price_factor = Decimal(rng.choice(["0.15", "4.5"]))
        if rng.random() < 0.02:  # a return
            quantity = -rng.choice([1, 1, 2])
        customer_b2b = rng.random() < (0.85 if profile.b2b else 0.25)
        row: dict[str, object] = {
            "gtin": product.gtin,
            "quantity": quantity,
            "unit_price": (list_price * price_factor).quantize(Decimal("0.01")),
            "currency": product.currency,
            "sale_date": start + dt.timedelta(days=_sale_day(rng, profile, index, count, days)),
            "channel": "online" if rng.random() < profile.online_share else "in_store",
            "customer_type": "b2b" if customer_b2b else "b2c",
            "customer_segment": rng.choice(SEGMENTS_B2B if customer_b2b else SEGMENTS_B2C),
            "customer_postcode_area": f"{rng.randint(1, 95):02d}" if partner.country == "FR" else "",
        }
        if profile.with_invoices:
            row["invoice_ref"] = f"{partner.code}-{start:%y%m}-{index // 3:04d}"
        if rng.random() < 0.03:
            row["feedback"] = rng.choice(FEEDBACK)
        rows.append(row)
    return rows
