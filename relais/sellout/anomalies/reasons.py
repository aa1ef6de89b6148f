"""Why a line was flagged: a code and its parameters stored on the line, put into words when shown.

The words are looked up at display time, so a brand user reads the reason in their own language whatever
the language of the partner who declared the line. Imports nothing of the sell-out models (they use it).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

QUANTITY_HIGH = "quantity_high"
AMOUNT_HIGH = "amount_high"
MONTH_VOLUME = "month_volume"
WEEK_VOLUME = "week_volume"
DUPLICATE_IN_FILE = "duplicate_in_file"
CODES = (QUANTITY_HIGH, AMOUNT_HIGH, MONTH_VOLUME, WEEK_VOLUME, DUPLICATE_IN_FILE)


def _basis(item: dict[str, Any]) -> str:
    basis = item.get("basis", "own")
    if basis == "family":
        return _("this partner's usual for the product family")
    if basis == "peers":
        return _("comparable partners' usual")
    return _("this partner's usual for the product")


def anomaly_text(item: dict[str, Any]) -> str:
    """One anomaly in the reader's language (empty for an unknown code)."""
    code = item.get("code")
    if code == QUANTITY_HIGH:
        return _("Quantity %(quantity)s is %(times)s× %(basis)s (%(usual)s a line at most)") % {
            "quantity": item.get("quantity"),
            "times": item.get("times"),
            "basis": _basis(item),
            "usual": item.get("usual"),
        }
    if code == AMOUNT_HIGH:
        return _("Amount %(amount)s is %(times)s× %(basis)s (%(usual)s a line at most)") % {
            "amount": item.get("amount"),
            "times": item.get("times"),
            "basis": _basis(item),
            "usual": item.get("usual"),
        }
    if code == MONTH_VOLUME:
        return _("%(units)s units in %(month)s: %(times)s× this partner's usual month (%(usual)s units)") % {
            "units": item.get("units"),
            "month": item.get("month"),
            "times": item.get("times"),
            "usual": item.get("usual"),
        }
    if code == WEEK_VOLUME:
        return _(
            "%(units)s units in the week of %(week)s: %(times)s× this partner's usual week (%(usual)s units)"
        ) % {
            "units": item.get("units"),
            "week": item.get("week"),
            "times": item.get("times"),
            "usual": item.get("usual"),
        }
    if code == DUPLICATE_IN_FILE:
        return _(
            "Possible duplicate in the file: same invoice, product, quantity, price and date as row %(row)s"
        ) % {"row": item.get("row")}
    return ""
