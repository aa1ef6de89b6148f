"""The fund ledger as a CSV or XLSX file (``relais.core.exports``), chunked reads, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from relais.core.exports import csv_stream, export_dialect, rows_frame, xlsx_stream
from relais.funds.models import EntryKind, FundEntry

CHUNK = 5000
SCHEMA = {
    "date": pl.Date,
    "budget": pl.String,
    "partner_code": pl.String,
    "partner": pl.String,
    "kind": pl.String,
    "amount": pl.Float64,
    "request": pl.Int64,
    "claim": pl.Int64,
    "note": pl.String,
}


def _header() -> list[str]:
    return [
        _("Date"),
        _("Budget"),
        _("Partner code"),
        _("Partner"),
        _("Movement"),
        _("Amount"),
        _("Request"),
        _("Claim"),
        _("Note"),
    ]


def _frames(entries: QuerySet[FundEntry]) -> Iterator[pl.DataFrame]:
    labels = {kind.value: str(kind.label) for kind in EntryKind}
    rows = entries.order_by("id").values_list(
        "created_at",
        "allocation__budget__name",
        "partner__code",
        "partner__name",
        "kind",
        "amount",
        "request_id",
        "claim_id",
        "note",
    )
    chunk = []
    for created_at, *rest in rows.iterator(chunk_size=CHUNK):
        rest[3] = labels.get(str(rest[3]), rest[3])
        chunk.append([created_at.date(), *rest])
        if len(chunk) == CHUNK:
            yield rows_frame(chunk, SCHEMA)
            chunk = []
    if chunk:
        yield rows_frame(chunk, SCHEMA)


def ledger_export(*, entries: QuerySet[FundEntry], fmt: str) -> Iterator[bytes]:
    dialect = export_dialect(translation.get_language())
    if fmt == "xlsx":
        return xlsx_stream(header=_header(), frames=_frames(entries), dialect=dialect, title=_("Fund ledger"))
    return csv_stream(header=_header(), frames=_frames(entries), dialect=dialect)
