"""Header cells: folded for matching, mapped to fields, made unique."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError


def header_key(text: str) -> str:
    """A header folded for matching: "Prix catalogue (€)" -> "prix_catalogue"."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def columns_map(headers: list[str], aliases: Mapping[str, set[str]]) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field, by header name or alias; and the headers nobody claimed.

    ``aliases`` maps a field to the folded header names that mean it (the field name itself always does).
    A field named by two columns is an error: the file is ambiguous.
    """
    lookup: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in {name, *names}:
            lookup[header_key(alias)] = name
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        field_name = lookup.get(key) or lookup.get(re.sub(r"_(eur|chf|ht|ttc)$", "", key))
        if field_name is None:
            if header:
                unknown.append(header)
            continue
        if field_name in found:
            raise ApplicationError(
                _("Two columns mean %(field)s: “%(first)s” and “%(second)s”.")
                % {"field": field_name, "first": headers[found[field_name]], "second": header}
            )
        found[field_name] = index
    return found, unknown


def unique_headers(cells: Sequence[object]) -> list[str]:
    """Header cells made unique and non-empty ('Montant', 'Montant (2)', 'Column 5')."""
    # One pass from the end to the last filled cell (cutting one cell at a time was quadratic).
    end = len(cells)
    while end and not str(cells[end - 1]).strip():
        end -= 1
    cells = list(cells[:end])
    seen: dict[str, int] = {}
    headers = []
    for index, cell in enumerate(cells):
        name = str(cell).strip() or _("Column %(number)d") % {"number": index + 1}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    if not headers:
        raise ApplicationError(_("No header row was found in the file."))
    return headers


def first_filled_row(rows: Sequence[Sequence[object]]) -> int:
    """Index (0-based) of the first row with a non-empty cell: the header of a table without title lines."""
    for index, cells in enumerate(rows):
        if any(str(c).strip() for c in cells if c is not None):
            return index
    return 0
