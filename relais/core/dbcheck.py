"""Fail loudly when the configured database is unreachable (used by `make test-postgres` and CI)."""

from __future__ import annotations

import os
import sys

import django
from django.db import connection


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        print(f"Database {connection.vendor} unreachable: {exc}", file=sys.stderr)
        return 1
    print(f"Database reachable: {connection.vendor} {connection.settings_dict.get('NAME')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
