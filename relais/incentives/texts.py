"""Challenge and reward texts per language: the brand writes each title and description in French, English,
German...; a reader gets its language, else the text the brand wrote first (the ``name`` and ``description``
columns, in the brand's own language).

``texts`` is a JSON object ``{language: {"name": ..., "description": ...}}``; an empty text is no text.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.utils.translation import get_language

TEXT_LANGUAGES = ("fr", "en", "de")
TEXT_FIELDS = ("name", "description")


class HasTexts(Protocol):
    name: str
    description: str
    texts: Any


def language_of_request(request: Any) -> str:
    """The reader's language for the brand's texts: the first of Accept-Language the brand may write in
    (a German partner reading an English UI still gets German texts), else the active language."""
    header = request.headers.get("Accept-Language", "") if request is not None else ""
    for part in header.split(","):
        tag = part.split(";")[0].strip().split("-")[0].lower()
        if tag in TEXT_LANGUAGES:
            return tag
    return (get_language() or "en").split("-")[0]


def localized(obj: HasTexts, field: str, language: str | None = None) -> str:
    """``obj``'s ``field`` in ``language`` (the active one by default), else its default text."""
    language = (language or get_language() or "").split("-")[0]
    texts = obj.texts if isinstance(obj.texts, dict) else {}
    text = (texts.get(language) or {}).get(field) or ""
    return str(text) if text.strip() else str(getattr(obj, field))


def texts_clean(texts: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Only the known languages and fields, stripped; empty texts and languages left out."""
    clean: dict[str, dict[str, str]] = {}
    for language in TEXT_LANGUAGES:
        entry = texts.get(language) or {}
        kept = {field: str(entry.get(field) or "").strip() for field in TEXT_FIELDS}
        kept = {field: text for field, text in kept.items() if text}
        if kept:
            clean[language] = kept
    return clean


def form_field_name(field: str, language: str) -> str:
    return f"{field}_{language}"


def texts_from_form(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The ``texts`` of a form's ``name_<lang>`` / ``description_<lang>`` fields."""
    return texts_clean(
        {
            language: {field: data.get(form_field_name(field, language), "") for field in TEXT_FIELDS}
            for language in TEXT_LANGUAGES
        }
    )


def texts_initial(obj: HasTexts) -> dict[str, str]:
    """A form's initial ``name_<lang>`` / ``description_<lang>`` values."""
    texts = obj.texts if isinstance(obj.texts, dict) else {}
    return {
        form_field_name(field, language): (texts.get(language) or {}).get(field, "")
        for language in TEXT_LANGUAGES
        for field in TEXT_FIELDS
    }


def without_texts(data: dict[str, Any]) -> dict[str, Any]:
    """A form's cleaned data without the per-language fields (what the other services take)."""
    names = {form_field_name(field, language) for language in TEXT_LANGUAGES for field in TEXT_FIELDS}
    return {key: value for key, value in data.items() if key not in names}
