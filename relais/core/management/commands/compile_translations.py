"""Compile every .po file to .mo with Babel, so no system gettext is needed on a fresh machine."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile .po translation catalogues to .mo (pure Python, Babel)."

    def handle(self, *args, **options) -> None:
        root = Path(settings.BASE_DIR)
        compiled = 0
        for po_path in sorted(
            [*root.glob("locale/*/LC_MESSAGES/*.po"), *root.glob("relais/*/locale/*/LC_MESSAGES/*.po")]
        ):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            compiled += 1
        self.stdout.write(f"{compiled} catalogue(s) compiled")
