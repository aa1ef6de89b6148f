"""The row errors of an import, stored in English and read in the reader's language.

The checks (``validate``) run in a job, whose language is not the reader's: each error is stored as the
English text of one of ``ROW_MESSAGES`` (its code, with the offending value in place of ``{value}``), the
stable form the rejected-rows file and the API also give. ``row_message_display`` finds the message it came
from and words it again in the active language; a text it does not know is shown as it is. Field names
(``gtin``, ``sale_date``) are read as the labels of ``fields.FIELDS``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext, gettext_noop

from relais.sellout.ingest.fields import FIELDS

ROW_MESSAGES: dict[str, str] = {
    "gtin_missing": gettext_noop("GTIN is missing"),
    "not_gtin_ean_digits": gettext_noop("'{value}' is not a GTIN/EAN (8 to 14 digits)"),
    "gtin_has_wrong_check_digit": gettext_noop("GTIN {value} has a wrong check digit"),
    "gtin_not_product_catalogue": gettext_noop("GTIN {value} is not a product of the brand's catalogue"),
    "quantity_missing": gettext_noop("Quantity is missing"),
    "quantity_not_number": gettext_noop("Quantity '{value}' is not a number"),
    "quantity_not_whole_number": gettext_noop("Quantity '{value}' is not a whole number"),
    "quantity_zero": gettext_noop("Quantity is zero"),
    "quantity_too_large": gettext_noop("Quantity '{value}' is too large"),
    "date_sale_missing": gettext_noop("Date of sale is missing"),
    "not_date": gettext_noop("'{value}' is not a date"),
    "an_impossible_date": gettext_noop("'{value}' is an impossible date"),
    "date_sale_future": gettext_noop("Date of sale {value} is in the future"),
    "date_sale_too_old": gettext_noop("Date of sale {value} is too old"),
    "date_sale_outside_declared_period": gettext_noop("Date of sale {value} is outside the declared period"),
    "amount_unit_price_missing": gettext_noop("Amount or unit price is missing"),
    "amount_not_number": gettext_noop("Amount '{value}' is not a number"),
    "unit_price_not_number": gettext_noop("Unit price '{value}' is not a number"),
    "unit_price_negative": gettext_noop("Unit price '{value}' is negative"),
    "not_currency_code": gettext_noop("'{value}' is not a currency code"),
    "not_sales_channel_store_online": gettext_noop("'{value}' is not a sales channel (in store or online)"),
    "not_customer_type": gettext_noop("'{value}' is not a customer type (B2B or B2C)"),
    "invoice_number_longer_60_characters": gettext_noop("Invoice number is longer than 60 characters"),
    "postcode_area_longer_10_characters": gettext_noop("Postcode area is longer than 10 characters"),
    "customer_segment_longer_60_characters": gettext_noop("Customer segment is longer than 60 characters"),
    "customer_feedback_longer_2000_characters": gettext_noop(
        "Customer feedback is longer than 2000 characters"
    ),
}


def _pattern(template: str) -> re.Pattern[str]:
    before, _marker, after = template.partition("{value}")
    return re.compile("^" + re.escape(before) + "(?P<value>.*)" + re.escape(after) + "$", re.DOTALL)


_EXACT = {template for template in ROW_MESSAGES.values() if "{value}" not in template}
_PATTERNS = [(_pattern(template), template) for template in ROW_MESSAGES.values() if "{value}" in template]


def row_message_display(message: str) -> str:
    """A stored row error in the active language (as stored when it is none of ``ROW_MESSAGES``)."""
    if message in _EXACT:
        return gettext(message)
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return gettext(template).replace("{value}", match["value"])
    return message


def field_label(name: str) -> str:
    """A line field's label in the active language (``gtin`` → "GTIN / EAN"); other names as they are."""
    labels = {spec.name: spec.label for spec in FIELDS}
    return str(labels[name]) if name in labels else name
