"""Texts of the incentives stored as codes, worded in the reader's language: ``{{ entry|entry_reason }}``."""

from __future__ import annotations

from django import template

from relais.incentives import texts
from relais.incentives.models import PointsEntry
from relais.incentives.reasons import reason_text
from relais.incentives.texts import HasTexts
from relais.sellout.models import SaleChannel

register = template.Library()


@register.filter
def entry_reason(entry: PointsEntry) -> str:
    """Why the entry moved points, in the active language (its stored text when it has no code)."""
    return reason_text(entry.reason_code, entry.reason_params, entry.reason)


@register.filter
def sale_channel(code: str) -> str:
    """A rule's sale channel code (``online``, ``in_store``) as the reader's words."""
    return str(dict(SaleChannel.choices).get(code, code))


@register.filter
def localized(obj: HasTexts, field: str) -> str:
    """A challenge's or reward's ``name`` or ``description`` in the reader's language (else the default)."""
    return texts.localized(obj, field)
