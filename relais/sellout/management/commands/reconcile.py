"""``manage.py reconcile --brand SLUG --period YYYY-MM [--json]``: sell-in, sell-out and stock, per partner × product.

Prints ``{"rows": [{"partner", "gtin", "opening_stock", "sell_in", "sell_out", "closing_stock", "gap",
"flagged"}]}`` with ``--json``, else one line per row. See docs/stock.md.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.models import Brand
from relais.network.models import PartnerCompany
from relais.sellout.reconciliation import (
    DEFAULT_TOLERANCE_SHARE,
    DEFAULT_TOLERANCE_UNITS,
    month_bounds,
    reconciliation_rows,
)


class Command(BaseCommand):
    help = "Reconcile opening stock + sell-in − sell-out − closing stock for each partner and product of a month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", required=True, help="slug of the brand")
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--partner", help="code of one partner")
        parser.add_argument("--tolerance-units", type=int, default=DEFAULT_TOLERANCE_UNITS)
        parser.add_argument("--tolerance-share", default=str(DEFAULT_TOLERANCE_SHARE), help="e.g. 0.05")
        parser.add_argument("--json", action="store_true", help="print the rows as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand with the slug {options['brand']!r}.")
        try:
            start, end = month_bounds(options["period"])
        except ValueError as exc:
            raise CommandError(f"--period is a month written YYYY-MM, not {options['period']!r}.") from exc
        try:
            share = Decimal(options["tolerance_share"])
        except InvalidOperation as exc:
            raise CommandError("--tolerance-share is a number such as 0.05.") from exc
        partner = None
        if options["partner"]:
            partner = PartnerCompany.objects.filter(brand=brand, code=options["partner"]).first()
            if partner is None:
                raise CommandError(f"No partner with the code {options['partner']!r} in {brand.slug}.")
        rows = reconciliation_rows(
            brand=brand,
            period_start=start,
            period_end=end,
            partner=partner,
            tolerance_units=options["tolerance_units"],
            tolerance_share=share,
        )
        if options["json"]:
            self.stdout.write(json.dumps({"rows": [row.as_dict() for row in rows]}, ensure_ascii=False))
            return
        for row in rows:
            flag = "  FLAGGED" if row.flagged else ""
            self.stdout.write(
                f"{row.partner} {row.gtin}: opening {row.opening_stock} + in {row.sell_in} − out {row.sell_out}"
                f" − closing {row.closing_stock} = gap {row.gap}{flag}"
            )
