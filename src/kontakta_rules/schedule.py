"""Weekly opening schedules: the value type of calling windows and office hours.

In a ruleset or overlay file a schedule is a table of day keys, each a list of
``"HH:MM-HH:MM"`` ranges in Europe/Stockholm local time (start inclusive, end exclusive)::

    calling_windows = { mon = ["09:00-20:00"], tue = ["09:00-20:00"], sat = ["10:00-16:00"] }

Day keys are ``mon tue wed thu fri sat sun holiday``. A missing day is closed. ``holiday``
applies on the days the rule's holiday calendar names and replaces that weekday's ranges.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from attrs import frozen

from .i18n import Message

DAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SCHEDULE_KEYS: tuple[str, ...] = (*DAY_KEYS, "holiday")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class ScheduleError(ValueError):
    """A schedule value that cannot be read; ``path`` is relative to the schedule."""

    def __init__(self, path: str, message: Message) -> None:
        english = message.render("en")
        super().__init__(f"{path}: {english}" if path else english)
        self.path = path
        self.message = message


@frozen
class TimeRange:
    """A half-open local-time range ``[start, end)``; ``end`` of ``24:00`` is midnight."""

    start: dt.time
    end: dt.time | None  # None means until midnight (written "24:00")

    def contains(self, t: dt.time) -> bool:
        return self.start <= t and (self.end is None or t < self.end)

    def __str__(self) -> str:
        end = "24:00" if self.end is None else self.end.strftime("%H:%M")
        return f"{self.start.strftime('%H:%M')}-{end}"


@frozen
class WeeklySchedule:
    """Open ranges per weekday and on holidays."""

    days: tuple[tuple[TimeRange, ...], ...]  # index 0 = Monday .. 6 = Sunday
    holiday: tuple[TimeRange, ...]

    def ranges_on(self, day: dt.date, *, is_holiday: bool) -> tuple[TimeRange, ...]:
        return self.holiday if is_holiday else self.days[day.weekday()]

    def is_open(self, local: dt.datetime, *, is_holiday: bool) -> bool:
        """Whether ``local`` (a Europe/Stockholm wall-clock time) falls in an open range."""
        t = local.time()  # the wall-clock time, without its zone
        return any(r.contains(t) for r in self.ranges_on(local.date(), is_holiday=is_holiday))

    def to_data(self) -> dict[str, list[str]]:
        """The file form of this schedule (only days that have ranges)."""
        out = {
            key: [str(r) for r in ranges] for key, ranges in zip(DAY_KEYS, self.days, strict=True)
        }
        out["holiday"] = [str(r) for r in self.holiday]
        return {k: v for k, v in out.items() if v}


def _parse_time(text: str, *, allow_24: bool) -> dt.time | None:
    hours, minutes = int(text[:2]), int(text[3:])
    if allow_24 and (hours, minutes) == (24, 0):
        return None
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return dt.time(hours, minutes)


def parse_range(text: object, path: str = "") -> TimeRange:
    if not isinstance(text, str):
        raise ScheduleError(path, Message('expected a time range string like "09:00-20:00"'))
    m = _RANGE.match(text.strip())
    if not m:
        raise ScheduleError(
            path,
            Message('expected a time range like "09:00-20:00", got {got}', {"got": repr(text)}),
        )
    try:
        start = _parse_time(f"{m[1]}:{m[2]}", allow_24=False)
        end = _parse_time(f"{m[3]}:{m[4]}", allow_24=True)
    except ValueError:
        raise ScheduleError(
            path, Message("not a valid time of day in {got}", {"got": repr(text)})
        ) from None
    assert start is not None
    if end is not None and end <= start:
        raise ScheduleError(
            path, Message("the range {got} ends before it starts", {"got": repr(text)})
        )
    return TimeRange(start, end)


def parse_schedule(data: object) -> WeeklySchedule:
    """Read a schedule from its file form; raises :class:`ScheduleError` naming the key."""
    if not isinstance(data, Mapping):
        raise ScheduleError(
            "", Message("expected a table of day keys (mon, tue, ..., sun, holiday)")
        )
    unknown = sorted(set(data) - set(SCHEDULE_KEYS))
    if unknown:
        raise ScheduleError(
            str(unknown[0]),
            Message("unknown day key; use {keys}", {"keys": ", ".join(SCHEDULE_KEYS)}),
        )

    def ranges(key: str) -> tuple[TimeRange, ...]:
        value = data.get(key, [])
        if not isinstance(value, list | tuple):
            raise ScheduleError(key, Message('expected a list of ranges like ["09:00-20:00"]'))
        return tuple(parse_range(item, f"{key}[{i}]") for i, item in enumerate(value))

    return WeeklySchedule(days=tuple(ranges(k) for k in DAY_KEYS), holiday=ranges("holiday"))
