"""One set of filters for the numbers a reader sees, in the reader's language (``{% load relais_format %}``).

- ``money``: an amount with its currency, by Babel in the reader's locale: ``1 268,91 €`` / ``€1,268.91``;
- ``number``: thousands separators always, the reader's decimal mark: ``3 000`` / ``3,000``; ``number:1``
  rounds to one decimal;
- ``points``: a count of points with its plural: ``1 point``, ``3 000 points``.

Dates and times use Django's localised formats (``SHORT_DATE_FORMAT``, ``DATETIME_FORMAT``), which the
project sets to 24-hour times in English too (``relais/core/formats/en``); see docs/i18n.md.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency
from django import template
from django.utils import formats
from django.utils.translation import get_language, ngettext, to_locale

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def reader_locale() -> str:
    """The Babel locale of the active language (``fr``, ``en``, ``de``...)."""
    return to_locale(get_language() or "en")


@register.filter
def money(value: Any, currency: str = "EUR") -> str:
    """``value`` in ``currency`` (ISO code, EUR by default) as the reader writes amounts."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_currency(amount, currency or "EUR", locale=reader_locale())


@register.filter
def number(value: Any, decimals: int | None = None) -> str:
    """``value`` with the reader's thousands separator and decimal mark (``decimals`` places if given)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if decimals is None and amount == amount.to_integral_value():
        return formats.number_format(int(amount), force_grouping=True)
    return formats.number_format(amount, decimal_pos=decimals, force_grouping=True)


@register.filter
def points(value: Any) -> str:
    """A number of points with its plural form: ``1 point``, ``3 000 points``."""
    amount = _decimal(value)
    if amount is None:
        return ""
    count = int(amount)
    return ngettext("%(n)s point", "%(n)s points", abs(count)) % {"n": number(count)}
