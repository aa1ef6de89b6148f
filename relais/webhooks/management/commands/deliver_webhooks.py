"""``manage.py deliver_webhooks``: send the webhook retries that are due (every minute from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from relais.webhooks.services import webhook_deliveries_due


class Command(BaseCommand):
    help = "Attempt every webhook delivery whose next attempt time has come."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"attempted {webhook_deliveries_due()}")
