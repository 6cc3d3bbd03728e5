"""Swedish local time: the one time zone the rules judge calling windows, office hours and
working days in, and how to find an instant from a Stockholm wall-clock time when the clocks
jump (daylight saving time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
"""Calling windows, office hours and working days are judged in Swedish local time."""


def instant(moment: dt.datetime) -> dt.datetime:
    """An aware time in UTC, for comparing instants: Python compares two times of one zone
    by their wall clocks, ignoring the fold, so in the hour the clocks go back 02:59 summer
    time would come after 02:00 winter time."""
    return moment.astimezone(dt.UTC)


def stockholm_day(moment: dt.datetime) -> dt.date:
    """The Stockholm calendar day of an aware moment."""
    return moment.astimezone(STOCKHOLM).date()


def exists(wall: dt.datetime) -> bool:
    """Whether a Stockholm wall-clock time (naive) happens: false inside the spring gap."""
    aware = wall.replace(tzinfo=STOCKHOLM)
    return aware.astimezone(dt.UTC).astimezone(STOCKHOLM).replace(tzinfo=None) == wall


def first_instant_at_or_after(day: dt.date, time: dt.time) -> dt.datetime:
    """The first instant whose Stockholm wall-clock time on ``day`` is ``time`` or later.

    For an ordinary time that is the time itself (the first of the two on the autumn night the
    clocks go back); for a time inside the spring gap (02:30 on the last Sunday of March) it
    is the moment the clocks jump, 03:00 summer time: the first moment a window opening at
    02:30 is open."""
    wall = dt.datetime.combine(day, time)
    if exists(wall):
        return wall.replace(tzinfo=STOCKHOLM, fold=0).astimezone(STOCKHOLM)
    # In the gap: the offsets before and after bracket the jump; find it to the microsecond.
    early = wall.replace(tzinfo=STOCKHOLM, fold=1).astimezone(dt.UTC)
    late = wall.replace(tzinfo=STOCKHOLM, fold=0).astimezone(dt.UTC)
    step = dt.timedelta(microseconds=1)
    while late - early > step:
        middle = early + (late - early) / 2
        if middle.astimezone(STOCKHOLM).replace(tzinfo=None) >= wall:
            late = middle
        else:
            early = middle
    return late.astimezone(STOCKHOLM)
