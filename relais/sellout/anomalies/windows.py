"""The running challenges' windows, handed to the anomaly checks as plain data.

Challenges live above the sell-out (incentives), so the sell-out never reads them: the follow-ups
(``relais.followups.declarations``) read the windows of the partner's running challenges and give them to
the checks of the lines they declare with ``challenge_windows_given``; the engine takes them when it starts
(``challenge_windows_current``). Without a follow-up around it (the demo, a test), there are none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ChallengeWindow:
    """A running challenge the partner takes part in: its name (shown in the reason) and its period."""

    name: str
    start: dt.date
    end: dt.date


_WINDOWS: ContextVar[tuple[ChallengeWindow, ...]] = ContextVar("challenge_windows", default=())


@contextlib.contextmanager
def challenge_windows_given(windows: Sequence[ChallengeWindow]) -> Iterator[None]:
    """The checks started inside the block look harder at the last days of these challenges."""
    token = _WINDOWS.set(tuple(windows))
    try:
        yield
    finally:
        _WINDOWS.reset(token)


def challenge_windows_current() -> tuple[ChallengeWindow, ...]:
    return _WINDOWS.get()
