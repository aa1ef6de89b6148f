"""Stored sell-out texts worded in the reader's language: ``{{ e.message|row_message }}``, ``{{ e.field|field_label }}``."""

from __future__ import annotations

from django import template

from relais.sellout.ingest import row_messages

register = template.Library()


@register.filter
def row_message(message: str) -> str:
    """An import row error in the active language."""
    return row_messages.row_message_display(message or "")


@register.filter
def field_label(name: str) -> str:
    """A line field's label (``sale_date`` → "Date of sale" / "Date de vente")."""
    return row_messages.field_label(name or "")
