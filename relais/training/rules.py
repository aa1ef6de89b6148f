"""Pure rules of training that services and selectors both read: quiz scoring, links, dates, files."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from urllib.parse import urlparse

# What a module's attachments may be: the extension and the first bytes that file type starts with.
ALLOWED_FILES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    # Office files are zip packages.
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
}
MAX_FILE_BYTES = 20 * 1024 * 1024
REMINDER_DAYS = 30  # a certification expiring within this many days gets its renewal reminder


def quiz_score(*, key: Mapping[int, set[int]], answers: Mapping[int, Iterable[int]]) -> int:
    """The percentage of questions answered right (0 to 100, rounded down). ``key`` maps each question to
    its right choices; a question is right when exactly its right choices are ticked, no more, no fewer."""
    if not key:
        return 0
    right = sum(1 for question, correct in key.items() if set(answers.get(question, ())) == correct)
    return right * 100 // len(key)


def is_https_link(url: str) -> bool:
    """A video link must be an https URL with a host."""
    parsed = urlparse(url.strip())
    return parsed.scheme == "https" and bool(parsed.netloc)


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def file_type_of(*, name: str, head: bytes) -> str | None:
    """The content type of an accepted attachment, from its extension checked against its first bytes;
    None when the file is not one of ``ALLOWED_FILES`` or its content is not what its name says."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ALLOWED_FILES.get(extension)
    if allowed is None or not head.startswith(allowed[1]):
        return None
    return allowed[0]
