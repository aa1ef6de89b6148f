"""A module's text: Markdown through markdown-it-py's CommonMark preset with raw HTML disabled, so a brand's
text holds headings, emphasis, lists and links, never a tag or a script (the link validator also refuses
``javascript:`` and ``data:`` links)."""

from __future__ import annotations

from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_html(text: str) -> str:
    """Markdown to safe HTML (raw HTML is escaped)."""
    return _markdown.render(text or "")
