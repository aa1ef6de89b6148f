"""What the CSV and workbook readers need to know of an opened table (``table.Table`` is the one class).

A protocol, so the readers below ``table.py`` depend on this description only and ``Table.batches`` can
call them without a circle between the modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class TableLayout(Protocol):
    headers: list[str]
    header_row: int
    path: Path | None
    preview: list[list[str]]
    encoding: str
    delimiter: str
    data_offset: int
    warnings: list[str]

    @property
    def columns(self) -> list[str]: ...
