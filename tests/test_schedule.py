"""Weekly schedules: parsing and the half-open window boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.schedule import ScheduleError, parse_schedule


def test_parse_and_render_round_trip() -> None:
    data = {
        "mon": ["09:00-12:00", "13:00-20:00"],
        "sat": ["10:00-24:00"],
        "holiday": ["11:00-15:00"],
    }
    schedule = parse_schedule(data)
    assert schedule.to_data() == data
    assert schedule.days[6] == ()


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"monday": []}, "monday"),
        ({"mon": "09:00-20:00"}, "mon"),
        ({"mon": ["9-20"]}, "mon[0]"),
        ({"mon": ["09:00-25:00"]}, "mon[0]"),
        ({"tue": ["08:00-09:00", "20:00-09:00"]}, "tue[1]"),
        ([], ""),
    ],
)
def test_errors_name_the_day(data: object, path: str) -> None:
    with pytest.raises(ScheduleError) as info:
        parse_schedule(data)
    assert info.value.path == path


_minutes = st.integers(min_value=0, max_value=24 * 60 - 1)


@given(
    _minutes,
    _minutes,
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.booleans(),
)
def test_start_inclusive_end_exclusive(a: int, b: int, day: dt.date, holiday: bool) -> None:
    start, end = sorted((a, b))
    if start == end:
        return
    fmt = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
    key = "holiday" if holiday else ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    schedule = parse_schedule({key: [f"{fmt(start)}-{fmt(end)}"]})

    def at(minute: int, second: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60, second))

    assert schedule.is_open(at(start), is_holiday=holiday)
    assert not schedule.is_open(at(end), is_holiday=holiday)
    assert schedule.is_open(at(end - 1, 59), is_holiday=holiday)
    if start > 0:
        assert not schedule.is_open(at(start - 1, 59), is_holiday=holiday)
    # the other kind of day has no ranges, so it is closed all day
    assert not schedule.is_open(at(start), is_holiday=not holiday)


def test_schedules_read_per_language() -> None:
    from kontakta_rules.render import format_schedule

    s = parse_schedule(
        {
            "mon": ["09:00-20:00"],
            "tue": ["09:00-20:00"],
            "wed": ["09:00-20:00"],
            "fri": ["09:00-12:00", "13:00-24:00"],
            "holiday": ["10:00-14:00"],
        }
    )
    assert format_schedule(s, "sv") == (
        "måndag–onsdag 09:00–20:00; fredag 09:00–12:00, 13:00–midnatt; helgdagar 10:00–14:00"
    )
    assert format_schedule(s, "en") == (
        "Monday–Wednesday 9:00 AM–8:00 PM; Friday 9:00 AM–12:00 PM, 1:00 PM–midnight; "
        "holidays 10:00 AM–2:00 PM"
    )
    assert format_schedule(parse_schedule({}), "en") == "closed"


def test_schedule_errors_speak_both_languages() -> None:
    with pytest.raises(ScheduleError) as info:
        parse_schedule({"tue": ["20:00-09:00"]})
    assert info.value.message.render("en") == "the range '20:00-09:00' ends before it starts"
    assert info.value.message.render("sv") == "intervallet '20:00-09:00' slutar innan det börjar"
