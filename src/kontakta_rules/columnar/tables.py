"""The tables every engine judges from, built the same way for each: the call records as
JSON Lines in the ``CALL_COLUMNS`` shape, the holiday and working-day calendars as rows, and
the ``calls_v`` view (the Stockholm clock, batch shares, the NIX evidence) as one sqlglot
query that each engine receives in its own dialect."""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import IO, Any

import sqlglot
from sqlglot import exp

from ..calendar import holidays_in, is_working_day
from ..subjects.call_record import CallRecord
from ..vocabulary import HolidayCalendar
from .build import CALL_COLUMNS, SQL, TIME_FORMAT, stockholm_clock

SPARK_TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]XXX"
"""Instants in the engines' input are ISO 8601 with their offset (``datetime.isoformat``;
the fraction only when there is one), as Spark's JSON reader is told to read them."""


def _row(line: int, r: CallRecord) -> tuple[Any, ...]:
    def value(v: Any) -> Any:
        return getattr(v, "value", v)

    return (
        line,
        r.call_id,
        r.started_at,
        r.ended_at,
        r.calling_organisation,
        r.destination,
        value(r.purpose),
        r.principal,
        value(r.target),
        value(r.subscription),
        value(r.initiated_by),
        r.caller_id_shown,
        r.silent,
        None if r.recorded_segments is None else [value(s) for s in r.recorded_segments],
        r.offer_category,
        r.offer_sent_at,
        r.accepted_at,
        r.acceptance_form,
        r.confirmation_sent_at,
        r.confirmation_received_at,
        None if r.do_not_call_requests is None else list(r.do_not_call_requests),
        None if r.previous_calls is None else list(r.previous_calls),
        None
        if r.disclosures is None
        else [{"item": d.item.value, "at_seconds": d.at_seconds} for d in r.disclosures],
        r.customer is not None,
        r.consent is not None,
        r.nix is not None,
        None if r.nix is None else r.nix.checked,
        None if r.nix is None else r.nix.register_updated,
        None if r.nix is None else r.nix.listed,
        None if r.customer is None else r.customer.product_category,
        None if r.customer is None else r.customer.started,
        None if r.customer is None else r.customer.ended,
        None if r.consent is None else list(r.consent.organisations),
        None if r.consent is None else r.consent.given_at,
    )


def _json_value(value: object) -> str:
    if isinstance(value, dt.date):  # instants (always with their offset here) and days
        return value.isoformat()
    raise TypeError(f"no JSON form for {value!r}")


def write_calls(out: IO[str], records: Iterable[tuple[int, CallRecord]]) -> int:
    """The validated records as JSON Lines with the ``CALL_COLUMNS`` fields (instants in
    ISO 8601 with their offset); returns how many."""
    names = list(CALL_COLUMNS)
    count = 0
    for line, record in records:
        row = dict(zip(names, _row(line, record), strict=True))
        out.write(json.dumps(row, default=_json_value))
        out.write("\n")
        count += 1
    return count


def calendar_years(records: Iterable[tuple[int, CallRecord]]) -> set[int]:
    """The years the calendars must cover for ``records``: each call's and acceptance's year
    and the years on either side (deadlines and month arithmetic cross a year's end)."""
    years: set[int] = set()
    for _, r in records:
        years.add(r.started_at.year)
        if r.accepted_at is not None:
            years.add(r.accepted_at.year)
    return years | {y - 1 for y in years} | {y + 1 for y in years}


def holiday_rows(years: Iterable[int]) -> list[tuple[str, dt.date]]:
    """``holidays (calendar, day)``: every calendar's holidays, from the reference's source."""
    return [
        (calendar.value, day)
        for year in sorted(set(years))
        for calendar in HolidayCalendar
        for day in sorted(holidays_in(calendar, year))
    ]


def deadline_rows(
    years: Iterable[int], deadlines: Iterable[tuple[str, int]]
) -> list[tuple[str, int, dt.date, dt.date]]:
    """``deadlines (calendar, days, day, deadline)``: for every day of the years and every
    (calendar, count) asked for, the count-th working day after it (as
    :func:`calendar.add_working_days`, from the reference's :func:`calendar.is_working_day`;
    a differential test holds them equal)."""
    years = sorted(set(years))
    if not years:
        return []
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1 + 366)]
    rows = []
    for calendar, count in sorted(set(deadlines)):
        cal = HolidayCalendar(calendar)
        working = [d for d in span if is_working_day(d, cal)]
        for day in span[: (last - first).days + 1]:
            after = bisect_right(working, day)  # working days up to and including ``day``
            rows.append((calendar, count, day, working[after + count - 1] if count else day))
    return rows


_CALLS_VIEW = """
SELECT *,
       CAST(100 AS DOUBLE) * sum(CAST(silent AS INTEGER)) OVER (PARTITION BY calling_organisation)
         / nullif(count(silent) OVER (PARTITION BY calling_organisation), 0) AS silent_share,
       nix_given OR register_listed IS NOT NULL AS nix_known,
       CASE WHEN nix_given THEN nix_checked ELSE true END AS nix_e_checked,
       CASE WHEN nix_given THEN nix_register_updated
            ELSE (SELECT max(updated) FROM register_info) END AS nix_e_updated,
       CASE WHEN nix_given THEN nix_listed ELSE register_listed END AS nix_e_listed
FROM (
  SELECT calls_u.*,
         CASE WHEN (SELECT max(updated) FROM register_info) <= calls_u.local_day
              THEN register.nsn IS NOT NULL END AS register_listed
  FROM (
    SELECT *,
           CASE WHEN destination LIKE '+46%'
                THEN TRY_CAST(substr(destination, 4) AS BIGINT) END AS destination_nsn
    FROM (
      SELECT *, :clock AS local_start, CAST(:clock AS DATE) AS local_day,
             :time AS local_time,
             row_number() OVER (PARTITION BY call_id ORDER BY line) AS call_id_seen
      FROM calls
    ) calls_n
    WHERE call_id_seen = 1
  ) calls_u
  LEFT JOIN register ON register.nsn = calls_u.destination_nsn
) calls_r
"""


def calls_view() -> SQL:
    """``calls_v``: each call id's first record with the Stockholm wall clock
    (``local_start``, ``local_day``, ``local_time`` as ``TIME_FORMAT`` text), the calling
    organisation's share of silent calls in the batch (percent of the calls whose flag is
    known), the NIX evidence the checks use (the record's own, else the register snapshot's
    when it was updated on or before the call's day) and what the snapshot alone says
    (``register_listed``, NULL without a usable snapshot). Needs the tables ``calls``,
    ``register (nsn BIGINT)`` and ``register_info (updated DATE)``."""
    clock = stockholm_clock(exp.column("started_at"))
    time = exp.TimeToStr(this=clock.copy(), format=exp.Literal.string(TIME_FORMAT))
    return exp.replace_placeholders(
        sqlglot.parse_one(_CALLS_VIEW, read="duckdb"), clock=clock, time=time
    )


def register_numbers(numbers: Iterable[int]) -> Iterator[str]:
    """The register's numbers as lines of a one-column text file, for an engine's bulk
    reader."""
    return (f"{n}\n" for n in numbers)
