"""Eighteen months of sell-out for the demo brand (so this year compares with the last), declared through the same path as real partners.

Most partners declare every month (a few skip months, some never declare); web-oriented partners sell
mostly online; about 2 % of lines are returns, a handful are priced far from the list price (flagged for
review), and some carry customer feedback in French or English. Each month's lines go through
``declaration_lines_add`` (vectorised checks, dedup key, bulk write), then the declaration is submitted,
except the current month which stays a draft for some partners. Called by ``relais.demo``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from relais.accounts.models import User
from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import Channel, PartnerCompany, PartnerKind
from relais.sellout.models import Source
from relais.sellout.services import declaration_create, declaration_lines_add, declaration_submit

MONTHS = 18
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


def _month_starts(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.month - 1 - back, 12)
        months.append(dt.date(first.year + year, month + 1, 1))
    return months


def _month_end(start: dt.date) -> dt.date:
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Create the demo declarations of ``brand``; returns counts for the demo summary."""
    today = timezone.localdate()
    products = list(
        Product.objects.filter(brand=brand, is_active=True, list_price__isnull=False).order_by("gtin")
    )
    partners = list(PartnerCompany.objects.filter(brand=brand, is_active=True).order_by("code"))
    # The partners whose people have demo logins declare every period: their pages show a full history.
    with_logins = set(
        User.objects.filter(brand=brand, partner__isnull=False).values_list("partner_id", flat=True)
    )
    if not products or not partners:
        return {"declarations": 0, "lines": 0}
    counts = {"declarations": 0, "lines": 0, "flagged": 0, "drafts": 0, "partners_declaring": 0}
    months = _month_starts(today)
    for partner in partners:
        if rng.random() < 0.15 and partner.pk not in with_logins:  # some partners never declare
            continue
        counts["partners_declaring"] += 1
        size = rng.choice([4, 8, 12, 20, 35])  # lines per month: small resellers to big distributors
        online_share = 0.7 if partner.channel == Channel.WEB else rng.choice([0.0, 0.05, 0.15, 0.3])
        b2b = partner.kind in {PartnerKind.DISTRIBUTOR, PartnerKind.WHOLESALER, PartnerKind.AGENT}
        with_invoices = rng.random() < 0.6
        assortment = rng.sample(products, k=min(len(products), rng.randint(8, 40)))
        regularity = 1.0 if partner.pk in with_logins else rng.choice([1.0, 1.0, 0.9, 0.6])
        # Distributors and wholesalers declare monthly, the others quarterly (three months at a time).
        step = 1 if b2b or size >= 20 else 3
        for first in range(0, len(months), step):
            if rng.random() > regularity:
                continue
            month_start = months[first]
            last_start = months[min(first + step, len(months)) - 1]
            period_end = min(_month_end(last_start), today)
            rows = _month_rows(
                rng,
                assortment,
                month_start,
                period_end,
                size * step,
                online_share,
                b2b,
                with_invoices,
                partner,
            )
            declaration = declaration_create(
                partner=partner,
                period_start=month_start,
                period_end=_month_end(last_start),
                source=rng.choice([Source.FILE, Source.FILE, Source.FORM, Source.API]),
            )
            result = declaration_lines_add(declaration=declaration, rows=rows)
            counts["declarations"] += 1
            counts["lines"] += result.accepted + result.flagged
            counts["flagged"] += result.flagged
            current_month = last_start == months[-1]
            if current_month and rng.random() < 0.5:
                counts["drafts"] += 1
                continue
            if result.accepted + result.flagged:
                # The domain's submit enqueues no follow-up (the doors go through relais.followups): the
                # demo scores and builds the rollups once, at the end (incentives, insights).
                declaration_submit(declaration=declaration)
    return counts


def _month_rows(
    rng: random.Random,
    assortment: list[Product],
    start: dt.date,
    end: dt.date,
    size: int,
    online_share: float,
    b2b: bool,
    with_invoices: bool,
    partner: PartnerCompany,
) -> list[dict[str, object]]:
    days = (end - start).days
    count = max(1, int(size * rng.uniform(0.6, 1.4)))
    rows: list[dict[str, object]] = []
    for index in range(count):
        product = rng.choice(assortment)
        list_price = product.list_price or Decimal("10")
        quantity = rng.choice([1, 1, 1, 2, 2, 3, 5, 10]) * (3 if b2b else 1)
        price_factor = Decimal(str(round(rng.uniform(0.82, 1.04), 3)))
        if rng.random() < 0.004:  # a price far from the list price: flagged for the brand to review
            price_factor = Decimal(rng.choice(["0.15", "4.5"]))
        if rng.random() < 0.02:  # a return
            quantity = -rng.choice([1, 1, 2])
        customer_b2b = rng.random() < (0.85 if b2b else 0.25)
        row: dict[str, object] = {
            "gtin": product.gtin,
            "quantity": quantity,
            "unit_price": (list_price * price_factor).quantize(Decimal("0.01")),
            "currency": product.currency,
            "sale_date": start + dt.timedelta(days=rng.randint(0, days)),
            "channel": "online" if rng.random() < online_share else "in_store",
            "customer_type": "b2b" if customer_b2b else "b2c",
            "customer_segment": rng.choice(SEGMENTS_B2B if customer_b2b else SEGMENTS_B2C),
            "customer_postcode_area": f"{rng.randint(1, 95):02d}" if partner.country == "FR" else "",
        }
        if with_invoices:
            row["invoice_ref"] = f"{partner.code}-{start:%y%m}-{index // 3:04d}"
        if rng.random() < 0.03:
            row["feedback"] = rng.choice(FEEDBACK)
        rows.append(row)
    return rows
