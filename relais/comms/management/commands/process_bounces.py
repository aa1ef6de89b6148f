"""Read the bounce and complaint reports of a maildir (a directory) or an mbox (a file): addresses that
bounce for good get no more e-mail. Reading the same folder again changes nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from relais.comms.services import bounces_process_folder


class Command(BaseCommand):
    help = "Process delivery status notifications (RFC 3464) and complaint reports from a maildir or mbox."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="a maildir directory or an mbox file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such maildir or mbox")
        counts = bounces_process_folder(path=path)
        self.stdout.write(
            f"{counts['emails']} e-mail(s) read, {counts['bounces']} report(s), {counts['recorded']} new"
        )
