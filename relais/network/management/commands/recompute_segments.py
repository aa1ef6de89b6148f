"""Recompute activity tiers, then segment memberships (historised), for one brand or all active brands: the
nightly pass (Celery beat runs it in production; elsewhere run it nightly from cron), so segments on activity
follow the sell-out."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.models import Brand
from relais.followups.network import network_refresh


class Command(BaseCommand):
    help = "Recompute activity tiers, then the members of every segment (closing and opening stays)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", help="slug of one brand (default: every active brand)")

    def handle(self, *args: Any, **options: Any) -> None:
        brands = Brand.objects.filter(is_active=True)
        if options["brand"]:
            brands = Brand.objects.filter(slug=options["brand"])
            if not brands.exists():
                raise CommandError(f"No brand with the slug {options['brand']!r}.")
        for brand in brands.order_by("slug"):
            result = network_refresh(brand=brand)
            self.stdout.write(
                f"{brand.slug}: {result.get('tiers_changed', 0)} tier change(s), {result['segments']} segment(s), "
                f"{result['opened']} joined, {result['closed']} left"
            )
