"""Swedish holidays and working days, by the holiday calendar a rule names.

``se-public``: public holidays (allmänna helgdagar). ``se-public-and-eves``: those plus
Midsummer Eve, Christmas Eve and New Year's Eve. Working days are Monday to Friday that are
not holidays in the calendar. The holiday data come from the ``holidays`` package.
"""

from __future__ import annotations

import datetime as dt
import functools

from holidays.countries.sweden import Sweden

from .vocabulary import HolidayCalendar

_CATEGORIES = {
    HolidayCalendar.SE_PUBLIC: ("public",),
    HolidayCalendar.SE_PUBLIC_AND_EVES: ("public", "de_facto"),
}


@functools.cache
def _holidays(calendar: HolidayCalendar, year: int) -> frozenset[dt.date]:
    # Sundays are weekend days here, not holidays: holidays < 0.107 counts every Sunday as a
    # Sweden holiday unless told not to (and country_holidays() passes the option on from 0.109).
    days = Sweden(
        years=year, categories=_CATEGORIES[calendar], language="en_US", include_sundays=False
    )
    return frozenset(days)


def holidays_in(calendar: HolidayCalendar, year: int) -> frozenset[dt.date]:
    """The holidays of ``calendar`` in ``year`` (what :func:`is_holiday` answers from)."""
    return _holidays(calendar, year)


def is_holiday(day: dt.date, calendar: HolidayCalendar) -> bool:
    return day in _holidays(calendar, day.year)


def is_working_day(day: dt.date, calendar: HolidayCalendar) -> bool:
    return day.weekday() < 5 and not is_holiday(day, calendar)


def add_working_days(start: dt.date, count: int, calendar: HolidayCalendar) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += dt.timedelta(days=1)
        if is_working_day(day, calendar):
            count -= 1
    return day


def working_days_after(start: dt.date, end: dt.date, calendar: HolidayCalendar) -> int:
    """How many working days fall after ``start`` up to and including ``end``."""
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + dt.timedelta(days=offset), calendar)
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))
