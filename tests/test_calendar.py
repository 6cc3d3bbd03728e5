"""Swedish holidays and working-day counting across Easter, Midsummer and Christmas."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.calendar import add_working_days, is_holiday, is_working_day, working_days_after
from kontakta_rules.vocabulary import HolidayCalendar

PUBLIC, EVES = HolidayCalendar.SE_PUBLIC, HolidayCalendar.SE_PUBLIC_AND_EVES
D = dt.date


@pytest.mark.parametrize(
    ("day", "public", "eves"),
    [
        (D(2025, 4, 18), True, True),  # Good Friday
        (D(2025, 4, 21), True, True),  # Easter Monday
        (D(2025, 6, 20), False, True),  # Midsummer Eve
        (D(2025, 6, 6), True, True),  # National Day
        (D(2025, 12, 24), False, True),  # Christmas Eve
        (D(2025, 12, 26), True, True),  # Boxing Day
        (D(2025, 12, 31), False, True),  # New Year's Eve
        (D(2025, 12, 23), False, False),
        (D(2025, 3, 16), False, False),  # an ordinary Sunday: a weekend day, not a holiday
    ],
)
def test_holidays_by_calendar(day: dt.date, public: bool, eves: bool) -> None:
    assert is_holiday(day, PUBLIC) is public
    assert is_holiday(day, EVES) is eves


def test_working_days_across_easter_midsummer_and_christmas() -> None:
    assert add_working_days(D(2025, 4, 17), 1, PUBLIC) == D(2025, 4, 22)  # over Easter
    assert add_working_days(D(2025, 6, 19), 1, PUBLIC) == D(2025, 6, 20)  # Midsummer Eve works...
    assert add_working_days(D(2025, 6, 19), 1, EVES) == D(2025, 6, 23)  # ...unless eves count
    assert add_working_days(D(2025, 12, 22), 5, PUBLIC) == D(2025, 12, 31)
    assert add_working_days(D(2025, 12, 22), 5, EVES) == D(2026, 1, 5)  # 23, 29, 30 Dec, 2, 5 Jan
    assert add_working_days(D(2025, 12, 22), 0, EVES) == D(2025, 12, 22)


_days = st.dates(min_value=D(2010, 1, 1), max_value=D(2035, 12, 31))
_calendars = st.sampled_from([PUBLIC, EVES])


@given(_days, st.integers(min_value=0, max_value=30), _calendars)
def test_adding_then_counting_gives_the_count(
    start: dt.date, count: int, calendar: HolidayCalendar
) -> None:
    end = add_working_days(start, count, calendar)
    assert working_days_after(start, end, calendar) == count
    if count:
        assert is_working_day(end, calendar)
        assert working_days_after(start, end - dt.timedelta(days=1), calendar) == count - 1


@given(_days, st.integers(min_value=0, max_value=30))
def test_counting_eves_as_holidays_never_shortens_a_deadline(start: dt.date, count: int) -> None:
    assert add_working_days(start, count, EVES) >= add_working_days(start, count, PUBLIC)


@given(_days, _calendars)
def test_weekends_are_never_working_days(day: dt.date, calendar: HolidayCalendar) -> None:
    if day.weekday() >= 5:
        assert not is_working_day(day, calendar)
