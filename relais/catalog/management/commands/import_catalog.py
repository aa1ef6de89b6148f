"""``manage.py import_catalog --brand SLUG FILE``: upsert a brand's products from a CSV or XLSX file."""

from __future__ import annotations

from relais.catalog.importing import catalog_import
from relais.core.commands import BrandTableImportCommand
from relais.core.models import Brand
from relais.core.tabular import ImportReport, Table


class Command(BrandTableImportCommand):
    help = "Upsert a brand's products (gtin, name, family, list_price, currency) from a CSV or XLSX file."

    def import_table(self, *, brand: Brand, table: Table, dry_run: bool) -> ImportReport:
        return catalog_import(brand=brand, table=table, dry_run=dry_run)
