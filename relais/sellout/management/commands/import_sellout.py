"""Import a partner's sell-out file from the command line, with the same engine as the web upload.

python manage.py import_sellout --brand acme --partner R001 ventes.csv --json
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.followups.declarations import sellout_import_run
from relais.network.models import PartnerCompany
from relais.sellout.services import sellout_import_create, sellout_import_map, sellout_import_propose_mapping


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Import a sell-out file (CSV or XLSX) for a partner; columns are mapped automatically."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--brand", required=True, help="brand slug")
        parser.add_argument("--partner", required=True, help="partner code")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument("--period-start", type=_date, default=None)
        parser.add_argument("--period-end", type=_date, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"no brand with slug {options['brand']!r}")
        partner = PartnerCompany.objects.filter(brand=brand, code=options["partner"]).first()
        if partner is None:
            raise CommandError(f"no partner with code {options['partner']!r} in brand {brand.slug!r}")
        try:
            sellout_import = sellout_import_create(partner=partner, uploaded_file=options["file"])
            proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
            if proposal.required_missing:
                raise CommandError(
                    "cannot map the required field(s) "
                    + ", ".join(proposal.required_missing)
                    + f" to a column of {proposal.headers} (header on line {proposal.header_row})"
                )
            sellout_import_map(sellout_import=sellout_import, mapping=proposal.mapping)
            result = sellout_import_run(
                sellout_import=sellout_import,
                period_start=options["period_start"],
                period_end=options["period_end"],
            )
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {options['file']}") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        summary = result.as_dict()
        if options["json"]:
            summary["errors"] = [
                {"row": e["row"], "field": e["field"], "message": e["message"]} for e in summary["errors"]
            ]
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result.accepted} accepted, {result.flagged} flagged, {result.rejected} rejected, "
            f"{result.duplicates} duplicates (import #{sellout_import.pk})"
        )
        for error in result.errors[:50]:
            self.stdout.write(f"  row {error.row} {error.field or '-'}: {error.message}")
