"""Filters for the figures of a measured effect: fractions shown as percentages in the active language."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def _percent(value: float, digits: int) -> Decimal:
    return (Decimal(repr(float(value))) * 100).quantize(Decimal(1).scaleb(-digits))


@register.filter
def signed_percent(value: float | None, digits: int = 1) -> str:
    """0.153 -> "+15.3" (the decimal separator of the active language); the template adds the " %"."""
    if value is None:
        return "—"
    number = _percent(value, digits)
    text = number_format(number, digits)
    return f"+{text}" if number > 0 else text


@register.filter
def percent(value: float | None) -> str:
    """0.9 -> "90": a share as a whole percentage."""
    return "—" if value is None else number_format(_percent(value, 0), 0)


@register.filter
def signed_number(value: float | None, digits: int = 1) -> str:
    """A change already in points (percentage points), signed: 4.25 -> "+4.3"."""
    if value is None:
        return "—"
    number = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits))
    text = number_format(number, digits)
    return f"+{text}" if number > 0 else text
