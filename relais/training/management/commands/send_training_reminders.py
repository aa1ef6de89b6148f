"""Send the renewal reminders of the certifications expiring within 30 days (each holder once): for cron."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relais.followups.training import certification_reminders_send


class Command(BaseCommand):
    help = "Remind the holders of certifications expiring within 30 days to renew them (once per grant)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from exc
        told = certification_reminders_send(today=today)
        self.stdout.write(f"{told} certification holder(s) reminded")
