"""Whole months, the grain of every insights figure: the rollups and the cube hold one row per month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def month_start(day: dt.date) -> dt.date:
    """The first day of the month of ``day``."""
    return day.replace(day=1)


def month_next(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_covering(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months from the month of ``start`` to the month of ``end``, both included."""
    out, month = [], month_start(start)
    while month <= end:
        out.append(month)
        month = month_next(month)
    return out


@dataclass(frozen=True)
class Period:
    """Whole months, ``start`` and ``end`` both first days of months, ``end`` included."""

    start: dt.date
    end: dt.date

    @property
    def stop(self) -> dt.date:
        return month_next(self.end)

    @property
    def months(self) -> list[dt.date]:
        return months_covering(self.start, self.end)
