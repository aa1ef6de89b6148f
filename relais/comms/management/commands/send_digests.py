"""Send the notification digests due today (yesterday's daily ones, last week's weekly ones): for cron."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relais.comms.models import EmailFrequency
from relais.comms.services import digests_send
from relais.core.models import Brand


class Command(BaseCommand):
    help = "Send the daily and weekly notification digests (each user and period once)."

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
            for frequency in (EmailFrequency.DAILY, EmailFrequency.WEEKLY):
                counts = digests_send(brand=brand, frequency=frequency, today=today)
                self.stdout.write(
                    f"{brand.slug} {frequency}: {counts['sent']} sent, {counts['failed']} failed"
                )
