"""A simulated network for the anomaly checks: partners and products with seasonality and growth, two years
of history (summarised as the ingest would have), one month of lines to declare, and anomalies to inject."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.network.tests.factories import PartnerFactory
from relais.sellout.anomalies.history import history_record
from relais.sellout.tests.factories import ean13

FAMILIES = ["drills", "saws", "lights", "batteries"]
MONTH = dt.date(2026, 11, 1)  # the month declared (complete before the tests' today)
HISTORY_MONTHS = 24


def months_before(month: dt.date, count: int) -> list[dt.date]:
    out = []
    for _i in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(month)
    return out[::-1]


def days_in(month: dt.date) -> int:
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return (following - month).days


@dataclass
class Network:
    brand: Brand
    partners: list[PartnerCompany]
    products: list[Product]
    rng: random.Random
    rate: dict[tuple[int, int], float] = field(default_factory=dict)  # monthly units, at the start
    size: dict[tuple[int, int], int] = field(default_factory=dict)  # usual largest line
    growth: dict[int, float] = field(default_factory=dict)  # a year

    def units(self, p: int, q: int, month: dt.date) -> int:
        """Monthly units: base rate × seasonality (±25 %, peak in December) × growth × noise."""
        years = (month.year - 2024) + (month.month - 11) / 12
        season = 1 + 0.25 * math.cos(2 * math.pi * (month.month - 12) / 12)
        noise = math.exp(self.rng.gauss(0, 0.15))
        return max(0, round(self.rate[p, q] * season * (1 + self.growth[p]) ** years * noise))

    def month_lines(self, p: int, month: dt.date) -> list[dict]:
        """The lines of partner ``p`` in ``month``: each product's units cut into sales of 1..size units."""
        lines: list[dict] = []
        for q, product in enumerate(self.products):
            left = self.units(p, q, month)
            while left > 0:
                quantity = min(left, self.rng.randint(1, self.size[p, q]))
                left -= quantity
                day = month + dt.timedelta(days=self.rng.randrange(days_in(month)))
                lines.append(
                    {
                        "partner": p,
                        "product_id": product.pk,
                        "gtin": product.gtin,
                        "quantity": quantity,
                        "unit_price": float(product.list_price or 0),
                        "sale_date": day,
                        "invoice_ref": f"F{p}-{month:%y%m}-{len(lines)}",
                        "kind": "clean",
                    }
                )
        return lines


def network_build(brand: Brand, *, partners: int = 30, products: int = 16, seed: int = 7) -> Network:
    """Partners and products, and two years of history in the summary table (as declared months)."""
    rng = random.Random(seed)
    catalogue = [
        Product.objects.create(
            brand=brand,
            gtin="0" + ean13(900 + i),
            name=f"Outil {i}",
            family=FAMILIES[i % len(FAMILIES)],
            list_price=Decimal(str(round(rng.uniform(15, 400), 2))),
            currency="EUR",
        )
        for i in range(products)
    ]
    companies: list[PartnerCompany] = [PartnerFactory(brand=brand) for _i in range(partners)]
    network = Network(brand=brand, partners=companies, products=catalogue, rng=rng)
    for p in range(partners):
        network.growth[p] = rng.uniform(-0.05, 0.3)
        scale = math.exp(rng.gauss(0, 0.8))
        for q in range(products):
            network.rate[p, q] = max(2.0, 25 * scale * math.exp(rng.gauss(0, 0.6)))
            network.size[p, q] = rng.randint(1, 6)
    for p, company in enumerate(companies):
        rows = [
            line for month in months_before(MONTH, HISTORY_MONTHS) for line in network.month_lines(p, month)
        ]
        history_record(_frame(rows), brand_id=brand.pk, partner_id=company.pk)
    return network


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "product_id": [r["product_id"] for r in rows],
            "sale_date": [r["sale_date"] for r in rows],
            "quantity": [r["quantity"] for r in rows],
            "amount": [r["quantity"] * r["unit_price"] for r in rows],
        },
        schema={"product_id": pl.Int64, "sale_date": pl.Date, "quantity": pl.Int64, "amount": pl.Float64},
    )


def inject(network: Network, lines: list[dict]) -> list[dict]:
    """The month's lines with anomalies of each kind added (``kind`` says which)."""
    rng = network.rng
    clean = [line for line in lines if line["kind"] == "clean"]
    out = list(lines)
    for line in rng.sample(clean, 20):  # 50× the partner's usual quantity of the product
        usual = network.size[line["partner"], network.products.index(_product(network, line))]
        out.append({**line, "quantity": 50 * usual, "invoice_ref": line["invoice_ref"] + "B", "kind": "big"})
    for line in rng.sample(clean, 20):  # the same row twice in the file
        out.append({**line, "kind": "duplicate"})
    for line in rng.sample(clean, 10):  # 10× the list price
        out.append(
            {
                **line,
                "unit_price": line["unit_price"] * 10,
                "invoice_ref": line["invoice_ref"] + "P",
                "kind": "price",
            }
        )
    surging = 3  # one partner triples its volume in the last week of the month
    last_week = MONTH + dt.timedelta(days=days_in(MONTH) - 7)
    week = [line for line in clean if line["partner"] == surging and line["sale_date"] >= last_week]
    for i, line in enumerate(week * 2):
        out.append({**line, "invoice_ref": f"{line['invoice_ref']}S{i}", "kind": "surge"})
    return out


def _product(network: Network, line: dict) -> Product:
    return next(p for p in network.products if p.pk == line["product_id"])


def file_frame(lines: list[dict]) -> pl.DataFrame:
    """The lines as a file's batch: text columns named by field, and the row number."""
    return pl.DataFrame(
        {
            "__row": list(range(2, len(lines) + 2)),
            "gtin": [line["gtin"] for line in lines],
            "quantity": [str(line["quantity"]) for line in lines],
            "unit_price": [f"{line['unit_price']:.2f}" for line in lines],
            "sale_date": [line["sale_date"].isoformat() for line in lines],
            "invoice_ref": [line["invoice_ref"] for line in lines],
        },
        schema={
            "__row": pl.Int64,
            **dict.fromkeys(["gtin", "quantity", "unit_price", "sale_date", "invoice_ref"], pl.String),
        },
    )
