"""Reads of the stock domain, always scoped to a brand (and a partner where a partner may look)."""

from __future__ import annotations

import datetime as dt

from relais.catalog.models import Product
from relais.core.models import Brand
from relais.network.models import PartnerCompany, Site
from relais.stock.models import SellInLine, StockSnapshot
from relais.stock.rows import Lookups


def stock_lookups_load(*, brand: Brand) -> Lookups:
    """The brand's partner codes, site GLNs and catalogue GTINs, as id maps, in three queries."""
    return Lookups(
        partners_by_code=dict(PartnerCompany.objects.filter(brand=brand).values_list("code", "id")),
        partners_by_gln=dict(
            Site.objects.filter(brand=brand).exclude(gln="").values_list("gln", "partner_id")
        ),
        products_by_gtin=dict(Product.objects.filter(brand=brand).values_list("gtin", "id")),
    )


def sellin_lines_find(*, brand: Brand, partner: PartnerCompany | None = None) -> list[SellInLine]:
    """The brand's sell-in lines (of one partner when given), newest first."""
    lines = SellInLine.objects.filter(brand=brand)
    if partner is not None:
        lines = lines.filter(partner=partner)
    return list(lines.order_by("-ship_date", "id"))


def stock_snapshots_find(
    *, brand: Brand, partner: PartnerCompany, on: dt.date | None = None
) -> list[StockSnapshot]:
    """A partner's stock snapshots (of one date when given), newest first."""
    snapshots = StockSnapshot.objects.filter(brand=brand, partner=partner)
    if on is not None:
        snapshots = snapshots.filter(stock_date=on)
    return list(snapshots.order_by("-stock_date", "gtin", "location"))


def partner_product_by_gtin_find(*, partner: PartnerCompany, gtin: str) -> Product | None:
    """The product of the partner's brand with this GTIN-14, or None."""
    return Product.objects.filter(brand_id=partner.brand_id, gtin=gtin).first()
