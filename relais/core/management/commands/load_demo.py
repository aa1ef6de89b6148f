"""``manage.py load_demo``: the Atelier Lumen demo network and its logins (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from relais.core.jobs import job_wait_idle
from relais.demo import SEED, demo_load, logins_table


class Command(BaseCommand):
    help = "Load the demo brands, partner network, catalogue and users, then print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED, help="random seed (the demo is deterministic)")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = demo_load(seed=options["seed"], log=lambda msg: self.stdout.write(f"  {msg}"))
        # A job a domain's loader enqueues runs after commit in this process's worker thread: let it
        # finish before the command exits (the demo builds its rollups and cube itself, so none today).
        job_wait_idle(timeout=300)
        if result.created:
            counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo loaded in {time.monotonic() - started:.1f} s: {result.brand.name}, {counts}."
                )
            )
        else:
            self.stdout.write(
                f"The demo brand {result.brand.name} ({result.brand.slug}) is already loaded: nothing to do."
            )
        self.stdout.write("")
        self.stdout.write(logins_table(result.logins))
        self.stdout.write("")
