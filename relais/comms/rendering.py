"""A message as one reader sees it: subject and text in their language, Markdown rendered safely.

Markdown goes through markdown-it-py's CommonMark preset with raw HTML disabled: a brand's text can hold
links, emphasis and lists, never a tag or a script (its link validator also refuses ``javascript:``).
Notification params are formatted here, at read time, with the reader's localised formats: numbers with
their grouping, ISO dates in keys ending ``_on`` as dates, decimal strings in keys ending ``_amount`` with two decimals, and ``_month`` as months, ``reasons`` (review reason codes) as bullet lines of their labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from markdown_it import MarkdownIt

from relais.comms.kinds import NOTIFICATION_TEXTS
from relais.comms.models import Message
from relais.sellout.models import ReviewReason

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # Markdown source (the plain-text e-mail part)
    html: str  # safe HTML of the text
    reasons: list[str] = field(default_factory=list)


def language_of(preferred: str) -> str:
    """The language a user reads in: their preferred one if offered, else the site default."""
    offered = {code for code, _name in settings.LANGUAGES}
    return preferred if preferred in offered else settings.LANGUAGE_CODE


def markdown_html(text: str) -> str:
    """Markdown to HTML with raw HTML disabled (escaped), for the inbox and the e-mail's HTML part."""
    return _markdown.render(text)


def _format_param(key: str, value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, str) and key.endswith("_month"):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "YEAR_MONTH_FORMAT", use_l10n=True)
        except ValueError:
            return value
    if isinstance(value, str) and key.endswith("_on"):
        try:
            return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT", use_l10n=True)
        except ValueError:
            return value
    if isinstance(value, str) and key.endswith("_amount"):
        try:
            return formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
        except InvalidOperation:
            return value
    return value


def params_format(params: dict[str, Any]) -> dict[str, Any]:
    """Params in the active language's formats (call inside ``translation.override``)."""
    return {key: _format_param(key, value) for key, value in params.items() if not isinstance(value, list)}


def _reason_label(code: str) -> str:
    """A review reason code in the active language (an unknown code is shown as it is)."""
    try:
        return str(ReviewReason(code).label)
    except ValueError:
        return code


def message_render(*, message: Message, language: str) -> Rendered:
    """The message's subject and text in ``language`` (a campaign falls back to its other language)."""
    with translation.override(language):
        if message.code:
            subject_template, body_template = NOTIFICATION_TEXTS[message.code]
            params = params_format(message.params)
            reasons = [_reason_label(str(r)) for r in message.params.get("reasons", [])]
            subject, text = str(subject_template) % params, str(body_template) % params
            if reasons:
                text += "\n\n" + "\n".join(f"- {reason}" for reason in reasons)
            return Rendered(subject=subject, text=text, html=markdown_html(text), reasons=reasons)
        if language == "fr":
            subject, text = message.subject_fr or message.subject_en, message.body_fr or message.body_en
        else:
            subject, text = message.subject_en or message.subject_fr, message.body_en or message.body_fr
        return Rendered(subject=subject, text=text, html=markdown_html(text))
