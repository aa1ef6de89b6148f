"""The brand's partner registry as a CSV or XLSX file, in the reader's language (``relais.core.exports``:
``;`` and dd/mm/yyyy for a French reader, UTF-8 with a BOM, formula-looking text neutralised), streamed in
chunks so a network of any size never sits in memory. Exported in the order and with the filters of the
list the brand is looking at."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import polars as pl
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.core.exports import csv_stream, export_dialect, rows_frame, xlsx_stream
from relais.network.models import PartnerCompany

CHUNK_ROWS = 5_000

# (header, value path); choices are exported as their codes, which a re-import understands.
COLUMNS = [
    (gettext_lazy("Code"), "code"),
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Kind"), "kind"),
    (gettext_lazy("Organisation"), "organisation"),
    (gettext_lazy("City"), "city"),
    (gettext_lazy("Region"), "region"),
    (gettext_lazy("Country"), "country"),
    (gettext_lazy("Channel"), "channel"),
    (gettext_lazy("Distributor code"), "parent__code"),
    (gettext_lazy("Potential"), "potential_tier"),
    (gettext_lazy("Activity"), "activity_tier"),
    (gettext_lazy("SIRET"), "siret"),
    (gettext_lazy("VAT number"), "vat_number"),
    (gettext_lazy("Active"), "is_active"),
    (gettext_lazy("Created on"), "created_at__date"),
]


def _headers(language: str) -> list[str]:
    with translation.override(language):
        return [str(header) for header, _path in COLUMNS]


def _schema() -> dict[str, pl.DataType | type[pl.DataType]]:
    schema: dict[str, pl.DataType | type[pl.DataType]] = {path: pl.String for _h, path in COLUMNS}
    schema["is_active"] = pl.Boolean
    schema["created_at__date"] = pl.Date
    return schema


def _frames(partners: QuerySet[PartnerCompany], chunk_rows: int) -> Iterator[pl.DataFrame]:
    rows = partners.values_list(*[path for _h, path in COLUMNS]).iterator(chunk_size=chunk_rows)
    while chunk := list(islice(rows, chunk_rows)):
        yield rows_frame(chunk, _schema())


def partners_csv_stream(
    partners: QuerySet[PartnerCompany], *, language: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """The registry as CSV bytes chunks, in ``language`` (default: the active one, read now)."""
    language = language or translation.get_language() or "en"
    return csv_stream(
        header=_headers(language), frames=_frames(partners, chunk_rows), dialect=export_dialect(language)
    )


def partners_xlsx_stream(
    partners: QuerySet[PartnerCompany], *, language: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> Iterator[bytes]:
    """The registry as an XLSX workbook in bytes chunks, in ``language``."""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        title = _("Partners")
    return xlsx_stream(
        header=_headers(language),
        frames=_frames(partners, chunk_rows),
        dialect=export_dialect(language),
        title=title,
    )
