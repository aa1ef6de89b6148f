"""Recompute segment memberships (historised) for one brand or all active brands: run it nightly from cron,
after the activity tiers, so segments on activity follow the sell-out."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from relais.core.models import Brand
from relais.network.services import segment_memberships_recompute


class Command(BaseCommand):
    help = "Recompute the members of every segment (closing and opening stays as partners move)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--brand", help="slug of one brand (default: every active brand)")

    def handle(self, *args, **options) -> None:
        brands = Brand.objects.filter(is_active=True)
        if options["brand"]:
            brands = Brand.objects.filter(slug=options["brand"])
            if not brands.exists():
                raise CommandError(f"No brand with the slug {options['brand']!r}.")
        for brand in brands.order_by("slug"):
            result = segment_memberships_recompute(brand=brand)
            self.stdout.write(
                f"{brand.slug}: {result['segments']} segment(s), {result['opened']} joined, {result['closed']} left"
            )
