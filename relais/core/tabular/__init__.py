"""Reading the tables brands and partners send: CSV in any usual delimiter and encoding, or XLSX/XLS/ODS.

One reader for every import: partners and catalogue (``table_read``, whole), objectives, and sell-out files
of millions of lines (``table_open``, in batches). Modules: ``sniff`` (format, encoding, delimiter),
``delimited`` (CSV), ``workbook`` (spreadsheets), ``headers`` (matching header cells to fields), ``table``
(the ``Table`` and the two ways in), ``report`` (row errors and import reports).
"""

from relais.core.tabular.headers import columns_map, first_filled_row, header_key, unique_headers
from relais.core.tabular.report import DUPLICATE, REJECTED, ImportReport, RowError
from relais.core.tabular.sniff import detect_delimiter, detect_encoding
from relais.core.tabular.table import Table, table_open, table_read, table_read_path
from relais.core.tabular.workbook import cell_text, cell_value

__all__ = [
    "DUPLICATE",
    "REJECTED",
    "ImportReport",
    "RowError",
    "Table",
    "cell_text",
    "cell_value",
    "columns_map",
    "detect_delimiter",
    "detect_encoding",
    "first_filled_row",
    "header_key",
    "table_open",
    "table_read",
    "table_read_path",
    "unique_headers",
]
