"""Why a line was flagged: a code and its parameters stored on the line, put into words when shown.

Stored: ``{"code": ..., figures}`` (numbers as numbers, dates as ISO text), never words. Shown:
``reason_display(code, params)`` in the reader's active language, numbers and dates formatted by Django's
localised formats ("Prix unitaire 32,84 : 15 % du prix catalogue 218,90" for a French reader, "Unit price
32.84 is 15% of the list price 218.90" for an English one). Imports nothing of the sell-out models (they
use it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

QUANTITY_HIGH = "quantity_high"
AMOUNT_HIGH = "amount_high"
MONTH_VOLUME = "month_volume"
WEEK_VOLUME = "week_volume"
DUPLICATE_IN_FILE = "duplicate_in_file"
CHALLENGE_END_VOLUME = "challenge_end_volume"
PRICE_IMPLAUSIBLE = "price_implausible"
CODES = (
    QUANTITY_HIGH,
    AMOUNT_HIGH,
    MONTH_VOLUME,
    WEEK_VOLUME,
    DUPLICATE_IN_FILE,
    CHALLENGE_END_VOLUME,
    PRICE_IMPLAUSIBLE,
)

MESSAGES: dict[str, Promise] = {
    QUANTITY_HIGH: _("Quantity %(quantity)s is %(times)s× %(basis)s (%(usual)s a line at most)"),
    AMOUNT_HIGH: _("Amount %(amount)s is %(times)s× %(basis)s (%(usual)s a line at most)"),
    MONTH_VOLUME: _("%(units)s units in %(month)s: %(times)s× this partner's usual month (%(usual)s units)"),
    WEEK_VOLUME: _(
        "%(units)s units in the week of %(week)s: %(times)s× this partner's usual week (%(usual)s units)"
    ),
    DUPLICATE_IN_FILE: _(
        "Possible duplicate in the file: same invoice, product, quantity, price and date as row %(row)s"
    ),
    CHALLENGE_END_VOLUME: _(
        "%(units)s units in the week of %(week)s, the last days of the challenge “%(challenge)s”: "
        "%(times)s× this partner's usual week (%(usual)s units)"
    ),
    PRICE_IMPLAUSIBLE: _("Unit price %(unit_price)s is %(percent)s%% of the list price %(list_price)s"),
}
BASES: dict[str, Promise] = {
    "own": _("this partner's usual for the product"),
    "family": _("this partner's usual for the product family"),
    "peers": _("comparable partners' usual"),
}
# How each parameter is shown: decimals of a number, or a date's format.
_DECIMALS = {"amount": 2, "unit_price": 2, "list_price": 2, "times": 1}
_INTEGERS = {"quantity", "usual", "units", "percent", "row"}
_MONEY_CODES = {AMOUNT_HIGH}


def _number(value: Any, decimals: int) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number_format(round(number, decimals), decimal_pos=decimals, force_grouping=True)


def _date(value: Any, *, month: bool) -> str:
    """An ISO date (stored since the codes are shown translated), or the legacy dd/mm/yyyy or mm/yyyy."""
    text = str(value)
    try:
        parsed = dt.date.fromisoformat(text)
    except ValueError:
        parts = text.split("/")
        try:
            numbers = [int(p) for p in parts]
            parsed = dt.date(numbers[-1], numbers[-2], numbers[0] if len(numbers) == 3 else 1)
        except (ValueError, IndexError):
            return text
    return date_format(parsed, "YEAR_MONTH_FORMAT" if month else "SHORT_DATE_FORMAT")


def _shown(code: str, name: str, value: Any) -> str:
    if name == "basis":
        return str(BASES.get(str(value), BASES["own"]))
    if name in {"month"}:
        return _date(value, month=True)
    if name in {"week"}:
        return _date(value, month=False)
    if name == "usual" and code in _MONEY_CODES:
        return _number(value, 2)
    if name in _DECIMALS:
        return _number(value, _DECIMALS[name])
    if name in _INTEGERS:
        return _number(value, 0)
    return str(value)


def reason_display(code: str, params: Mapping[str, Any]) -> str:
    """One reason in the reader's language, its numbers and dates in the reader's formats ("" for an
    unknown code). ``params`` are the figures stored with the code (the item without its ``code``)."""
    message = MESSAGES.get(code)
    if message is None:
        return ""
    values = {name: _shown(code, name, value) for name, value in params.items() if name != "code"}
    values.setdefault("basis", str(BASES["own"]))
    try:
        return str(message) % values
    except KeyError:  # a stored item missing a figure: the words without it rather than an error page
        return str(message) % _Missing(values)


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


def anomaly_text(item: Mapping[str, Any]) -> str:
    """One stored anomaly (``{"code": ..., figures}``) in the reader's language."""
    return reason_display(str(item.get("code", "")), item)
