"""``manage.py expire_points``: post the expiry of lots past their date, for every brand (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relais.core.models import Brand
from relais.incentives.services import points_expire


class Command(BaseCommand):
    help = "Post an expire entry for what is left of every expired points lot (idempotent; run it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        for brand in Brand.objects.filter(is_active=True):
            expired = points_expire(brand=brand)
            if expired:
                self.stdout.write(f"{brand.slug}: {expired} points expired")
