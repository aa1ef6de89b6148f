"""Opaque keyset cursors for incremental pulls ordered by (change time, id).

A cursor is the position just after the last row sent: its change time and id, as URL-safe base64 JSON.
Keyset (not offset) pagination is what makes a pull miss nothing and repeat nothing when rows change between
two pages: a row that changes after it was sent moves behind the cursor and is sent again once, as its new
version; a row not yet sent keeps its place or moves forward, so it is still ahead. Rows are served only up to
a settling horizon (``SETTLE``): a transaction that stamped a row a moment ago may not have committed yet,
and a row committed later with an earlier stamp would fall behind a cursor already past it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError

# Longer than any transaction that stamps declarations (a file import stamps its declaration at the end).
SETTLE = timedelta(seconds=30)


@dataclass(frozen=True)
class Cursor:
    changed_at: datetime
    row_id: int

    def encode(self) -> str:
        text = json.dumps({"t": self.changed_at.isoformat(), "id": self.row_id}, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def cursor_decode(text: str) -> Cursor:
    """The cursor a previous page returned; a cursor that was not one is a 400 saying so."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw)
        changed_at = datetime.fromisoformat(data["t"])
        row_id = int(data["id"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ApplicationError(
            _("The cursor is not one this API returned; start again with updated_since.")
        ) from exc
    if changed_at.tzinfo is None:
        raise ApplicationError(_("The cursor is not one this API returned; start again with updated_since."))
    return Cursor(changed_at=changed_at, row_id=row_id)
