"""``manage.py run_jobs``: run the queued background jobs now (the ``deferred`` backend's worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.core.jobs import job_run_queued


class Command(BaseCommand):
    help = "Run queued background jobs, oldest first, until none is left (or --limit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="run at most this many jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        ran = job_run_queued(limit=options["limit"])
        self.stdout.write(f"{ran} job(s) run")
