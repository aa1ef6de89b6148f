"""``manage.py import_partners --brand SLUG FILE``: upsert a brand's partner companies from CSV or XLSX."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import table_read_path
from relais.followups.network import partners_import


class Command(BaseCommand):
    help = (
        "Upsert a brand's partners (code, name, kind, organisation, country, region, city, parent code, "
        "siret or vat, potential) from a CSV or XLSX file, then recompute tiers and segments."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--brand", required=True, help="slug of the brand")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"No brand with the slug {options['brand']!r} (create it with create_brand).")
        try:
            report = partners_import(
                brand=brand, table=table_read_path(options["file"]), dry_run=options["dry_run"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write("\n".join(report.summary_lines()))
