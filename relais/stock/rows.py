"""Reading one row of a sell-in or inventory file: the cells a column map points at, checked field by field.

Each reader records a ``RowError`` (row number as in the file, field at fault, message in the user's
language) and returns None when the row cannot be taken, so the import reports every bad row at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from relais.core.tabular import RowError
from relais.core.validators import parse_decimal, recover_gtin, validate_gln

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d", "%d/%m/%y")
_MAX_QUANTITY = 10_000_000


@dataclass
class Lookups:
    """The brand's partners (by code and by site GLN) and catalogue (by GTIN), loaded once per import."""

    partners_by_code: dict[str, int] = field(default_factory=dict)
    partners_by_gln: dict[str, int] = field(default_factory=dict)
    products_by_gtin: dict[str, int] = field(default_factory=dict)


def cell(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return "" if value is None else value


def text(cells: list[object], index: int | None) -> str:
    return str(cell(cells, index)).strip()


def parse_day(value: object) -> dt.date:
    """A date as a spreadsheet or an ERP writes it: a date cell, ISO, 31/03/2026, 31.03.2026, 20260331."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    if not raw:
        raise ValueError(_("The date is missing."))
    raw = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "", raw)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 (a local date, no time)
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (write it as 2026-03-31 or 31/03/2026).") % {"value": raw})


def parse_quantity(value: object, *, allow_negative: bool) -> int:
    """A whole number of units; sell-in may be negative (a return to the brand), stock may not."""
    if value in ("", None):
        raise ValueError(_("The quantity is missing."))
    try:
        number = parse_decimal(value)
    except (ValueError, ArithmeticError) as exc:
        raise ValueError(_("“%(value)s” is not a quantity.") % {"value": value}) from exc
    if number != number.to_integral_value():
        raise ValueError(_("A quantity is a whole number of units (%(value)s).") % {"value": value})
    quantity = int(number)
    if not allow_negative and quantity < 0:
        raise ValueError(_("A stock quantity cannot be negative."))
    if abs(quantity) > _MAX_QUANTITY:
        raise ValueError(_("This quantity is too large."))
    return quantity


def read_product(
    raw: object, *, lookups: Lookups, row: int, errors: list[RowError]
) -> tuple[str, int] | None:
    """(GTIN-14, product id) of a GTIN of the brand's catalogue, else None after recording the error."""
    try:
        gtin = recover_gtin(raw)
    except ValueError as exc:
        errors.append(RowError(row, "gtin", str(exc)))
        return None
    product_id = lookups.products_by_gtin.get(gtin)
    if product_id is None:
        errors.append(
            RowError(row, "gtin", _("GTIN %(gtin)s is not in the brand's catalogue.") % {"gtin": gtin})
        )
        return None
    return gtin, product_id


def read_partner(code: str, gln: str, *, lookups: Lookups, row: int, errors: list[RowError]) -> int | None:
    """The partner id named by its code, or by the GLN of one of its sites."""
    if code:
        partner_id = lookups.partners_by_code.get(code)
        if partner_id is None:
            errors.append(RowError(row, "partner", _("No partner has the code %(code)s.") % {"code": code}))
        return partner_id
    if not gln:
        errors.append(RowError(row, "partner", _("The partner code or GLN is missing.")))
        return None
    try:
        gln = validate_gln(gln)
    except ValueError as exc:
        errors.append(RowError(row, "partner_gln", str(exc)))
        return None
    partner_id = lookups.partners_by_gln.get(gln)
    if partner_id is None:
        errors.append(RowError(row, "partner_gln", _("No partner site has the GLN %(gln)s.") % {"gln": gln}))
    return partner_id


def read_amount(raw: object, *, row: int, errors: list[RowError]) -> Decimal | None:
    """An optional amount with at most 2 decimals."""
    if raw in ("", None):
        return None
    try:
        amount = parse_decimal(raw)
    except (ValueError, ArithmeticError):
        errors.append(RowError(row, "amount", _("“%(value)s” is not an amount.") % {"value": raw}))
        return None
    if abs(amount) >= Decimal("1e14") or amount != amount.quantize(Decimal("0.01")):
        errors.append(
            RowError(row, "amount", _("An amount has at most 2 decimals (%(value)s).") % {"value": raw})
        )
        return None
    return amount


def read_quantity_and_date(
    raw_quantity: object, raw_date: object, *, allow_negative: bool, row: int, errors: list[RowError]
) -> tuple[int, dt.date] | None:
    """The quantity and the date of a row, or None after recording what is wrong with either."""
    quantity: int | None = None
    day: dt.date | None = None
    try:
        quantity = parse_quantity(raw_quantity, allow_negative=allow_negative)
    except ValueError as exc:
        errors.append(RowError(row, "quantity", str(exc)))
    try:
        day = parse_day(raw_date)
    except ValueError as exc:
        errors.append(RowError(row, "date", str(exc)))
    if quantity is None or day is None:
        return None
    return quantity, day
