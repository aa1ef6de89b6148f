"""``manage.py apply_retention``: each brand's daily retention of customer feedback (from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relais.core.models import Brand
from relais.privacy.services import feedback_purge, feedback_scrub_stored


class Command(BaseCommand):
    help = "Purge customer feedback older than each brand's retention and scrub e-mails and phones from it."

    def handle(self, *args: Any, **options: Any) -> None:
        for brand in Brand.objects.filter(is_active=True):
            purged = feedback_purge(brand=brand)
            scrubbed = feedback_scrub_stored(brand=brand)
            self.stdout.write(f"{brand.slug}: purged {purged}, scrubbed {scrubbed}")
