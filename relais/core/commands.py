"""What the file-import management commands share: the brand from its slug, and one command shape for
"import a brand's table from a CSV or XLSX file" (catalogue, sell-in, ...)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import ImportReport, Table, table_read_path


def brand_from_slug(slug: str) -> Brand:
    brand = Brand.objects.filter(slug=slug).first()
    if brand is None:
        raise CommandError(f"No brand with the slug {slug!r} (create it with create_brand).")
    return brand


class BrandTableImportCommand(BaseCommand):
    """``manage.py <command> --brand SLUG FILE [--dry-run] [--json]``: subclasses say what to run."""

    def import_table(self, *, brand: Brand, table: Table, dry_run: bool) -> ImportReport:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--brand", required=True, help="slug of the brand")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = brand_from_slug(options["brand"])
        try:
            report = self.import_table(
                brand=brand, table=table_read_path(options["file"]), dry_run=options["dry_run"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write("\n".join(report.summary_lines()))
