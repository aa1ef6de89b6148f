"""``manage.py import_sellin --brand SLUG FILE [--json]``: store a brand's shipments to its partners."""

from __future__ import annotations

from relais.core.commands import BrandTableImportCommand
from relais.core.models import Brand
from relais.core.tabular import ImportReport, Table
from relais.stock.services import sellin_import


class Command(BrandTableImportCommand):
    help = "Store sell-in (partner code or GLN, gtin, quantity, date, reference, amount) from a CSV or XLSX file."

    def import_table(self, *, brand: Brand, table: Table, dry_run: bool) -> ImportReport:
        return sellin_import(brand=brand, table=table, dry_run=dry_run)
