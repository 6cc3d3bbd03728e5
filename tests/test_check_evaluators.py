"""Evaluators so far: caller id, calling windows (Stockholm time, DST, holidays), manual."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.checks import CallerId, CallingWindow, Manual
from kontakta_rules.checks.verdict import Context, Verdict
from kontakta_rules.model import Parameter
from kontakta_rules.schedule import parse_schedule
from kontakta_rules.subjects import CallRecord
from kontakta_rules.text import Text
from kontakta_rules.vocabulary import Basis, HolidayCalendar, Outcome, ParameterType

STHLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
WINDOW = {d: ["09:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": ["10:00-16:00"]
}


def _call(started_at: dt.datetime, **kw: object) -> CallRecord:
    return CallRecord(
        call_id="c",
        started_at=started_at,
        # elapsed time, not wall-clock time: three minutes after 01:57 on the night the clocks
        # skip an hour is 03:00, never the 02:00 that does not exist
        ended_at=(started_at.astimezone(UTC) + dt.timedelta(minutes=3)).astimezone(
            started_at.tzinfo
        ),
        calling_organisation="Acme AB",
        destination="+46701740605",
        purpose="sales",  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _context(window: dict[str, list[str]] | None) -> Context:
    param = Parameter(
        type=ParameterType.WEEKLY_SCHEDULE,
        description=Text("Ringtider", "Calling windows"),
        basis=Basis.ORGANISATION,
        value=None if window is None else parse_schedule(window),
    )
    return Context(parameters={"calling_windows": param})


CHECK = CallingWindow(window="calling_windows", calendar=HolidayCalendar.SE_PUBLIC_AND_EVES)
CTX = _context(WINDOW)


@pytest.mark.parametrize(
    ("local", "outcome"),
    [
        (dt.datetime(2026, 11, 24, 9, 0), Outcome.COMPLIANT),  # Tuesday, opening minute
        (dt.datetime(2026, 11, 24, 8, 59, 59), Outcome.VIOLATION),
        (dt.datetime(2026, 11, 24, 19, 59, 59), Outcome.COMPLIANT),
        (dt.datetime(2026, 11, 24, 20, 0), Outcome.VIOLATION),  # end is exclusive
        (dt.datetime(2026, 11, 29, 12, 0), Outcome.VIOLATION),  # Sunday: closed
        (dt.datetime(2026, 11, 28, 12, 0), Outcome.COMPLIANT),  # Saturday window
        (dt.datetime(2026, 12, 24, 12, 0), Outcome.VIOLATION),  # Christmas Eve counts as holiday
        (dt.datetime(2026, 6, 19, 12, 0), Outcome.VIOLATION),  # Midsummer Eve
        (dt.datetime(2026, 4, 3, 12, 0), Outcome.VIOLATION),  # Good Friday
    ],
)
def test_calling_window_cases(local: dt.datetime, outcome: Outcome) -> None:
    assert CHECK.judge(_call(local.replace(tzinfo=STHLM)), CTX).outcome is outcome


def test_calling_window_without_a_value_is_undetermined() -> None:
    verdict = CHECK.judge(_call(dt.datetime(2026, 11, 24, 12, tzinfo=STHLM)), _context(None))
    assert verdict.outcome is Outcome.UNDETERMINED
    assert verdict.missing_parameters == ("calling_windows",)
    assert "set it in your policy overlay" in verdict.message.render("en")
    assert "policyfil" in verdict.message.render("sv")


_instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.sampled_from([STHLM, UTC, ZoneInfo("America/New_York")]),
    allow_imaginary=False,  # a wall time the clocks skip is refused, not judged
)


@given(_instants)
def test_calling_window_depends_only_on_the_instant(started: dt.datetime) -> None:
    a = CHECK.judge(_call(started), CTX).outcome
    b = CHECK.judge(_call(started.astimezone(UTC)), CTX).outcome
    assert a is b


@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(0, 23 * 60 + 59),
)
def test_calling_window_matches_the_local_wall_clock(day: dt.date, minute: int) -> None:
    local = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=STHLM)
    # skip wall-clock times that do not exist (the spring-forward gap)
    if local.astimezone(UTC).astimezone(STHLM).replace(tzinfo=None) != local.replace(tzinfo=None):
        return
    from kontakta_rules.calendar import is_holiday

    key = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    ranges = [] if is_holiday(day, HolidayCalendar.SE_PUBLIC_AND_EVES) else WINDOW.get(key, [])
    inside = any(r[:5] <= f"{minute // 60:02d}:{minute % 60:02d}" < r[6:] for r in ranges)
    want = Outcome.COMPLIANT if inside else Outcome.VIOLATION
    assert CHECK.judge(_call(local), CTX).outcome is want


def test_dst_fold_and_gap_are_judged_by_the_instant() -> None:
    night = {d: ["02:00-02:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    ctx = _context(night)

    def at_utc(*args: int) -> Outcome:
        return CHECK.judge(_call(dt.datetime(*args, tzinfo=UTC)), ctx).outcome

    # 2026-10-25: 02:00-03:00 happens twice (CEST, then CET); both 02:15s are inside
    assert at_utc(2026, 10, 25, 0, 15) is Outcome.COMPLIANT  # 02:15 CEST
    assert at_utc(2026, 10, 25, 1, 15) is Outcome.COMPLIANT  # 02:15 CET
    assert at_utc(2026, 10, 25, 1, 45) is Outcome.VIOLATION  # 02:45 CET
    # 2026-03-29: 02:00-03:00 does not exist; 01:00 UTC is 03:00 CEST, outside
    assert at_utc(2026, 3, 29, 0, 59) is Outcome.VIOLATION  # 01:59 CET
    assert at_utc(2026, 3, 29, 1, 0) is Outcome.VIOLATION  # 03:00 CEST
    assert at_utc(2026, 3, 28, 1, 15) is Outcome.COMPLIANT  # 02:15 CET the day before


@pytest.mark.parametrize(
    ("shown", "outcome"),
    [(True, Outcome.COMPLIANT), (False, Outcome.VIOLATION), (None, Outcome.UNDETERMINED)],
)
def test_caller_id(shown: bool | None, outcome: Outcome) -> None:
    call = _call(dt.datetime(2026, 1, 5, 12, tzinfo=STHLM), caller_id_shown=shown)
    assert CallerId().judge(call, CTX).outcome is outcome


def test_manual_is_never_compliant() -> None:
    check = Manual(procedure=Text("Granska avtalet.", "Review the contract."))
    verdict = check.judge(_call(dt.datetime(2026, 1, 5, 12, tzinfo=STHLM)), CTX)
    assert verdict.outcome is Outcome.UNDETERMINED
    assert verdict.message.render("sv").endswith("Granska avtalet.")


def test_a_kind_without_an_evaluator_is_undetermined_not_compliant() -> None:
    from kontakta_rules.checks import SilentCalls

    verdict = SilentCalls(max_share="x").judge(
        _call(dt.datetime(2026, 1, 5, 12, tzinfo=STHLM)), CTX
    )
    assert verdict.outcome is Outcome.UNDETERMINED
    assert isinstance(verdict, Verdict)


def test_a_frequency_period_is_the_same_for_every_way_of_writing_the_time() -> None:
    """30 days before 4 April 2024 11:00 in Stockholm are 720 hours, across the change to
    summer time: a call at 10:00 on 5 March (09:00 UTC) is exactly 30 days earlier, whether
    the times carry the zone or a fixed offset (the columnar engine found the difference)."""
    from kontakta_rules.checks import CallFrequency

    check = CallFrequency(max_calls="max", period="days")
    param = {
        "max": Parameter(ParameterType.INTEGER, Text("x", "x"), Basis.ORGANISATION, value=1),
        "days": Parameter(ParameterType.INTEGER, Text("x", "x"), Basis.ORGANISATION, value=30),
    }
    earlier = dt.datetime(2024, 3, 5, 10, tzinfo=STHLM)
    now = dt.datetime(2024, 4, 4, 11, tzinfo=STHLM)
    zoned = _call(now, previous_calls=(earlier,))
    fixed = _call(now.astimezone(dt.timezone(dt.timedelta(hours=2))), previous_calls=(earlier,))
    a = check.judge(zoned, Context(param)).outcome
    b = check.judge(fixed, Context(param)).outcome
    assert a is b is Outcome.VIOLATION  # the earlier call is inside the 30 days: 2 > 1
