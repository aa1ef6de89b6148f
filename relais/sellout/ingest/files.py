"""Opening a partner's sell-out file: the ground reader (``relais.core.tabular``) with the sell-out rules.

A partner's export may carry title lines above its header (``mapping.find_header_row`` finds it), and a
sell-out file is a few columns wide: a table of hundreds of columns is something else, refused at upload.
"""

from __future__ import annotations

import os

from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.tabular import Table, table_open
from relais.sellout.ingest.mapping import find_header_row

MAX_COLUMNS = 200


def sellout_file_open(path: str | os.PathLike[str]) -> Table:
    """Open a sell-out file on disk (CSV or spreadsheet): its layout and preview; rows via ``batches``.

    Raises ``ApplicationError`` for what cannot be read as a sell-out table.
    """
    table = table_open(path, header_row_find=find_header_row, max_columns=MAX_COLUMNS)
    if len(table.headers) > MAX_COLUMNS:
        raise ApplicationError(_("The file has too many columns to be a sell-out file."))
    return table
