"""Helpers for the ingest tests: run a file like the CLI does, read outcomes per row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stdnum import ean

from relais.sellout.models import SelloutImport
from relais.sellout.services import (
    IngestResult,
    sellout_import_create,
    sellout_import_map,
    sellout_import_propose_mapping,
    sellout_import_run,
)
from relais.sellout.tests.factories import catalogue, ean13

# An EAN-13 starting with "00": Excel shows it as the number 12345678905.
ZERO_EAN = "001234567890" + ean.calc_check_digit("001234567890")


def wrong_check_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def run_file(partner, path: Path, **period) -> tuple[IngestResult, SelloutImport]:
    """Upload, auto-map and import a file as the CLI does; return the result and the import."""
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
    assert proposal.required_missing == [], proposal
    sellout_import_map(sellout_import=sellout_import, mapping=proposal.mapping)
    result = sellout_import_run(sellout_import=sellout_import, **period)
    sellout_import.refresh_from_db()
    return result, sellout_import


def outcomes(result: IngestResult) -> dict[int, set[str]]:
    """row -> fields at fault (duplicates as 'duplicate')."""
    found: dict[int, set[str]] = {}
    for error in result.errors:
        found.setdefault(error.row, set()).add(error.field if error.kind == "rejected" else "duplicate")
    return found


def serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


__all__ = ["ZERO_EAN", "catalogue", "ean13", "outcomes", "run_file", "serial", "wrong_check_digit"]
