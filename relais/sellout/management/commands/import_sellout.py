"""Import a partner's sell-out file from the command line, with the same engine as the web upload.

python manage.py import_sellout --brand acme --partner R001 ventes.csv --json

Every format the upload takes: CSV, XLSX/XLS/ODS and EDIFACT SLSRPT (by its extension or its first
segment). What follows the declaration (rollups, points) runs as jobs; with the in-process runner the
command waits for them before it exits (a process that exits takes its worker thread with it), on the
other backends it says where they are queued.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.errors import ApplicationError
from relais.core.jobs import job_wait_idle
from relais.core.models import Brand, Job
from relais.followups.declarations import edifact_declaration_import, sellout_import_run
from relais.network.models import PartnerCompany
from relais.sellout.forms import EDI_EXTENSIONS
from relais.sellout.ingest.engine import IngestResult
from relais.sellout.services import sellout_import_create, sellout_import_map, sellout_import_propose_mapping

# How long the command waits for its follow-up jobs on the in-process runner.
FOLLOWUPS_TIMEOUT_SECONDS = 3600.0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def is_edifact(path: Path) -> bool:
    """An EDIFACT interchange, by its extension or its first segment (as the upload form decides)."""
    if path.name.lower().endswith(EDI_EXTENSIONS):
        return True
    with path.open("rb") as handle:
        head = handle.read(8)
    return head.lstrip(b"\xef\xbb\xbf").startswith((b"UNA", b"UNB"))


class Command(BaseCommand):
    help = "Import a sell-out file (CSV, XLSX/XLS/ODS or EDIFACT SLSRPT) for a partner; columns are mapped automatically."

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
        path = Path(options["file"])
        first_job = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            if not path.is_file():
                raise FileNotFoundError(path)
            if is_edifact(path):
                text = path.read_bytes().decode("utf-8", errors="replace")
                result, label = edifact_declaration_import(partner=partner, text=text).result, "EDIFACT"
            else:
                result, label = self._import_file(partner, path, options)
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {options['file']}") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        followups = self._followups(first_job)
        self._print(result, label, followups, as_json=options["json"])

    def _import_file(
        self, partner: PartnerCompany, path: Path, options: dict[str, Any]
    ) -> tuple[IngestResult, str]:
        sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
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
        return result, f"import #{sellout_import.pk}"

    def _followups(self, after_job: int) -> dict[str, int]:
        """Wait for the follow-up jobs this import queued (in-process runner); count them by status."""
        if settings.RELAIS_TASK_BACKEND == "inprocess":
            job_wait_idle(timeout=FOLLOWUPS_TIMEOUT_SECONDS)
        counts: dict[str, int] = {}
        for status in Job.objects.filter(pk__gt=after_job).values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        return counts

    def _print(self, result: IngestResult, label: str, followups: dict[str, int], *, as_json: bool) -> None:
        queued = followups.get(Job.Status.QUEUED, 0) + followups.get(Job.Status.RUNNING, 0)
        summary = result.as_dict()
        if as_json:
            summary["errors"] = [
                {"row": e["row"], "field": e["field"], "message": e["message"]} for e in summary["errors"]
            ]
            summary["followups"] = followups
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        self.stdout.write(
            f"{result.accepted} accepted, {result.flagged} flagged, {result.rejected} rejected, "
            f"{result.duplicates} duplicates ({label})"
        )
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
        for error in result.errors[:50]:
            self.stdout.write(f"  row {error.row} {error.field or '-'}: {error.message}")
        if queued and settings.RELAIS_TASK_BACKEND != "eager":
            self.stdout.write(
                f"{queued} follow-up job(s) (rollups, points) are queued on the {settings.RELAIS_TASK_BACKEND} "
                "backend; run them with `python manage.py run_jobs` (deferred) or a worker (celery)."
            )
        elif followups.get(Job.Status.FAILED):
            self.stdout.write(
                f"{followups[Job.Status.FAILED]} follow-up job(s) failed: see the jobs in the admin."
            )
