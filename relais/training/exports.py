"""The completion report as a CSV or XLSX file in the reader's language (``relais.core.exports``): one row
per partner user and module assigned to them, done or not, with the score and the date."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

import polars as pl
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core.exports import csv_stream, export_dialect, rows_frame, xlsx_stream
from relais.training.selectors import ReportRow

CHUNK_ROWS = 5_000
COLUMNS = [
    (gettext_lazy("Partner code"), "partner_code", pl.String),
    (gettext_lazy("Partner"), "partner", pl.String),
    (gettext_lazy("User"), "user", pl.String),
    (gettext_lazy("Role"), "role", pl.String),
    (gettext_lazy("Module"), "module", pl.String),
    (gettext_lazy("Due date"), "due_on", pl.Date),
    (gettext_lazy("Completed on"), "completed_on", pl.Date),
    (gettext_lazy("Best score (%)"), "score", pl.Int64),
]


def _headers(language: str) -> list[str]:
    with translation.override(language):
        return [str(header) for header, _name, _type in COLUMNS]


def _frames(rows: Sequence[ReportRow]) -> Iterator[pl.DataFrame]:
    schema = {name: dtype for _h, name, dtype in COLUMNS}
    values = (
        (
            r.partner.code,
            r.partner.name,
            r.user.email,
            r.user.role,
            r.module.title,
            r.due_on,
            timezone.localtime(r.completion.completed_at).date() if r.completion else None,
            r.completion.score if r.completion else None,
        )
        for r in rows
    )
    while chunk := list(islice(values, CHUNK_ROWS)):
        yield rows_frame(chunk, schema)


def report_csv_stream(rows: Sequence[ReportRow], *, language: str | None = None) -> Iterator[bytes]:
    language = language or translation.get_language() or "en"
    return csv_stream(header=_headers(language), frames=_frames(rows), dialect=export_dialect(language))


def report_xlsx_stream(rows: Sequence[ReportRow], *, language: str | None = None) -> Iterator[bytes]:
    language = language or translation.get_language() or "en"
    with translation.override(language):
        title = _("Training")
    return xlsx_stream(
        header=_headers(language), frames=_frames(rows), dialect=export_dialect(language), title=title
    )
