"""Tell partners of the points posted, freed and soon expiring since the last run, every active brand or
one: for cron (hourly or daily)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relais.core.models import Brand
from relais.followups.points import EXPIRING_WITHIN_DAYS, points_notices_send


class Command(BaseCommand):
    help = "Notify partners of points posted, available and expiring soon (each lot once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--brand", help="slug of one brand (default: every active brand)")
        parser.add_argument(
            "--days", type=int, default=EXPIRING_WITHIN_DAYS, help="expiring within this many days"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        brands = Brand.objects.filter(is_active=True)
        if options["brand"]:
            brands = brands.filter(slug=options["brand"])
            if not brands.exists():
                raise CommandError(f"no active brand {options['brand']!r}")
        for brand in brands:
            told = points_notices_send(brand=brand, expiring_within_days=options["days"])
            self.stdout.write(f"{brand.slug}: " + ", ".join(f"{k} {v}" for k, v in told.items()))
