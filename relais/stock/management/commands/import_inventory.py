"""``manage.py import_inventory --brand SLUG --partner CODE FILE [--json]``: a partner's stock on hand.

FILE is a CSV/XLSX file (gtin, quantity, date, location) or an EDIFACT INVRPT interchange (recognised by its
``UNA``/``UNB`` start).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.commands import brand_from_slug
from relais.core.errors import ApplicationError
from relais.core.tabular import table_read_path
from relais.network.models import PartnerCompany
from relais.stock.edifact import invrpt_import
from relais.stock.services import inventory_import


def _is_edifact(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(8).lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith((b"UNA", b"UNB"))


class Command(BaseCommand):
    help = "Store a partner's stock on hand from a CSV/XLSX file or an EDIFACT INVRPT message."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--brand", required=True, help="slug of the brand")
        parser.add_argument("--partner", required=True, help="code of the partner")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        brand = brand_from_slug(options["brand"])
        partner = PartnerCompany.objects.filter(brand=brand, code=options["partner"]).first()
        if partner is None:
            raise CommandError(f"No partner with the code {options['partner']!r} in {brand.slug}.")
        path = Path(options["file"])
        try:
            if _is_edifact(path):
                text = path.read_bytes().decode("utf-8", errors="replace")
                report, _parsed = invrpt_import(partner=partner, text=text, dry_run=options["dry_run"])
            else:
                report = inventory_import(
                    brand=brand, partner=partner, table=table_read_path(str(path)), dry_run=options["dry_run"]
                )
        except (ApplicationError, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write("\n".join(report.summary_lines()))
