"""``manage.py create_brand SLUG --name NAME --currency EUR``: create a brand, or update it when it exists."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from relais.core.errors import ApplicationError
from relais.core.services import brand_upsert


class Command(BaseCommand):
    help = "Create a brand (tenant), or update its name and currency if the slug exists."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", default="EUR", help="ISO 4217 code, default EUR")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            brand, outcome = brand_upsert(
                slug=options["slug"], name=options["name"], currency=options["currency"]
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            payload = {"id": brand.pk, "slug": brand.slug, "name": brand.name, "currency": brand.currency}
            self.stdout.write(json.dumps({"outcome": outcome, "brand": payload}, ensure_ascii=False))
        else:
            self.stdout.write(f"{outcome}: {brand.slug} ({brand.name}, {brand.currency})")
