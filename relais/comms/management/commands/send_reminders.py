"""Send today's declaration reminders (and last calls) of every active brand, or of one: for cron."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relais.comms.services import campaigns_dispatch_due, reminders_send
from relais.core.models import Brand


class Command(BaseCommand):
    help = "Send the declaration reminders due today (once per brand and month), and start due campaigns."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--brand", help="slug of one brand (default: every active brand)")
        parser.add_argument("--today", help="the day to act as (YYYY-MM-DD), default today")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from exc
        brands = Brand.objects.filter(is_active=True)
        if options["brand"]:
            brands = brands.filter(slug=options["brand"])
            if not brands.exists():
                raise CommandError(f"no active brand {options['brand']!r}")
        for brand in brands:
            sent = reminders_send(brand=brand, today=today)
            for code, count in sent.items():
                self.stdout.write(f"{brand.slug}: {code} to {count} user(s)")
        started = campaigns_dispatch_due()
        if started:
            self.stdout.write(f"{started} scheduled campaign(s) started")
