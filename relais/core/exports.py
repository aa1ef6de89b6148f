"""Cells written to a file a person opens in a spreadsheet (CSV and XLSX exports).

Text typed by someone else (a partner's invoice ref, a segment name, a comment) could start with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return and be run as a formula by the spreadsheet (CSV/formula
injection). Such text cells get a leading apostrophe; numbers and dates are left alone.
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
