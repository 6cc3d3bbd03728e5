"""Judging a table of calls on DuckDB with the compiled stack.

The engine fails closed: a stack with a rule whose check kind has no columnar form is
refused (``UnsupportedRules``), never judged with that rule left out.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from ..calendar import holidays_in
from ..catalog import CatalogError
from ..evaluate import CallEvaluator
from ..i18n import Message
from ..nix import NixRegister
from ..subjects.call_record import CallRecord
from ..vocabulary import HolidayCalendar
from . import require
from .build import CALL_COLUMNS, ZONE
from .compile import FINDING_COLUMNS, Unsupported, compile_stack

require("duckdb")
import duckdb  # noqa: E402


class UnsupportedRules(CatalogError):
    """The stack has rules the engine cannot judge yet; it refuses rather than skip them."""

    def __init__(self, rules: Sequence[Unsupported]) -> None:
        super().__init__(
            Message(
                "the columnar engine cannot judge {count} rules of the stack (check kinds "
                "without a columnar form: {kinds}); use --engine reference",
                {"count": len(rules), "kinds": ", ".join(sorted({u.kind for u in rules}))},
            )
        )
        self.rules = tuple(rules)


@frozen
class EngineFinding:
    """One row of the findings table."""

    line: int
    call_id: str
    ruleset_id: str
    ruleset_version: str
    fingerprint: str
    layer: str
    rule_id: str
    outcome: str
    msgid: str
    args: dict[str, Any]


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


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


def load_register(con: duckdb.DuckDBPyConnection, register: NixRegister | None) -> None:
    """The NIX snapshot as a table of national significant numbers (integers), and its
    update date; an empty table and no date without one."""
    con.execute("CREATE OR REPLACE TABLE register (nsn BIGINT)")
    con.execute("CREATE OR REPLACE TABLE register_info (updated DATE)")
    if register is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.txt"
        path.write_text("".join(f"{n}\n" for n in register.national_numbers()), encoding="ascii")
        con.execute(
            "INSERT INTO register SELECT * FROM read_csv(?, header = false, columns = {'nsn': 'BIGINT'})",
            [str(path)],
        )
    con.execute("INSERT INTO register_info VALUES (?)", [register.updated])


def load_calls(con: duckdb.DuckDBPyConnection, records: Iterable[tuple[int, CallRecord]]) -> int:
    """The validated records as the ``calls`` table and ``calls_v`` with the Stockholm wall
    clock computed once per row; a call id counts on its first line only, as in the
    reference's audit (a later line with the same id is rejected there). Returns how many
    rows."""
    # The validated rows go to DuckDB through a temporary JSON Lines file, which DuckDB's
    # reader takes in bulk (row-by-row inserts run at a few hundred rows a second).
    names = list(CALL_COLUMNS)
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for line, record in records:
                out.write(
                    json.dumps(
                        dict(zip(names, _row(line, record), strict=True)), default=_json_value
                    )
                )
                out.write("\n")
                count += 1
        con.execute(
            "CREATE OR REPLACE TABLE calls AS SELECT * FROM read_json(?, format = 'newline_delimited', columns = ?)",
            [str(path), CALL_COLUMNS],
        )
    con.execute(
        f"""CREATE OR REPLACE TABLE calls_v AS
        SELECT *,
               100.0 * sum(CAST(silent AS INTEGER)) OVER (PARTITION BY calling_organisation)
                 / nullif(count(silent) OVER (PARTITION BY calling_organisation), 0)
                 AS silent_share,
               nix_given OR register_listed IS NOT NULL AS nix_known,
               CASE WHEN nix_given THEN nix_checked ELSE true END AS nix_e_checked,
               CASE WHEN nix_given THEN nix_register_updated
                    ELSE (SELECT updated FROM register_info) END AS nix_e_updated,
               CASE WHEN nix_given THEN nix_listed ELSE register_listed END AS nix_e_listed
        FROM (
          SELECT *,
                 CASE WHEN (SELECT updated FROM register_info) <= local_day
                      THEN EXISTS (SELECT 1 FROM register r
                                   WHERE r.nsn = TRY_CAST(substr(destination, 4) AS BIGINT)
                                     AND destination LIKE '+46%')
                 END AS register_listed
          FROM (
          SELECT *, timezone('{ZONE}', started_at) AS local_start,
                 CAST(timezone('{ZONE}', started_at) AS DATE) AS local_day,
                 CAST(timezone('{ZONE}', started_at) AS TIME) AS local_time
          FROM calls
          QUALIFY row_number() OVER (PARTITION BY call_id ORDER BY line) = 1
          )
        )"""
    )
    return count


def _json_value(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"no JSON form for {value!r}")


def load_holidays(con: duckdb.DuckDBPyConnection, years: Iterable[int]) -> None:
    """The holiday calendars as a table, from the same source as the reference."""
    years = sorted(set(years))
    con.execute("CREATE OR REPLACE TABLE holidays (calendar VARCHAR, day DATE)")
    rows = [
        (calendar.value, day)
        for year in years
        for calendar in HolidayCalendar
        for day in sorted(holidays_in(calendar, year))
    ]
    if rows:
        con.executemany("INSERT INTO holidays VALUES (?, ?)", rows)
    # every day with the number of working days up to it, per calendar (working-day deadlines)
    first, last = min(years, default=2000), max(years, default=2000)
    con.execute(
        """CREATE OR REPLACE TABLE workdays AS
        WITH days AS (
          SELECT c.calendar, CAST(d.day AS DATE) AS day
          FROM (SELECT DISTINCT calendar FROM holidays
                UNION SELECT unnest(?) AS calendar) c,
               range(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY) d(day)
        )
        SELECT calendar, day,
               isodow(day) < 6 AND day NOT IN (
                 SELECT h.day FROM holidays h WHERE h.calendar = days.calendar) AS working,
               sum(CAST(isodow(day) < 6 AND day NOT IN (
                 SELECT h.day FROM holidays h WHERE h.calendar = days.calendar) AS INTEGER))
                 OVER (PARTITION BY calendar ORDER BY day) AS n
        FROM days""",
        [
            [c.value for c in HolidayCalendar],
            dt.date(first, 1, 1).isoformat(),
            dt.date(last + 1, 1, 1).isoformat(),
        ],
    )


_COMPILED: weakref.WeakKeyDictionary[
    CallEvaluator, dict[frozenset[str] | None, tuple[str | None, list[Unsupported]]]
] = weakref.WeakKeyDictionary()


def compiled(
    evaluator: CallEvaluator, kinds: frozenset[str] | None
) -> tuple[str | None, list[Unsupported]]:
    """The evaluator's stack as DuckDB SQL, compiled once per evaluator and kinds (an
    evaluator's stack does not change)."""
    per_kinds = _COMPILED.setdefault(evaluator, {})
    if kinds not in per_kinds:
        query, unsupported = compile_stack(evaluator, kinds)
        per_kinds[kinds] = (None if query is None else query.sql(dialect="duckdb"), unsupported)
    return per_kinds[kinds]


def prepared(
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = None,
) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """A connection holding the calls and the holiday tables, and the query to run on it;
    refuses a stack with rules the engine cannot judge."""
    sql, unsupported = compiled(evaluator, kinds)
    if unsupported:
        raise UnsupportedRules(unsupported)
    con = connect()
    load_register(con, evaluator.nix)
    load_calls(con, records)
    years = {r.started_at.year for _, r in records} | {
        r.accepted_at.year for _, r in records if r.accepted_at is not None
    }
    load_holidays(con, years | {y - 1 for y in years} | {y + 1 for y in years})
    return con, sql


def write_findings(
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    path: Path,
    kinds: frozenset[str] | None = None,
) -> None:
    """The findings table (``FINDING_COLUMNS``) written by DuckDB to ``path``: Parquet, or
    CSV when the name ends in ``.csv``."""
    con, sql = prepared(evaluator, records, kinds)
    if sql is not None:
        write_relation(con.sql(sql), path)


def write_relation(relation: duckdb.DuckDBPyRelation, path: Path) -> None:
    """A findings relation to ``path``: CSV when the name ends in ``.csv``, else Parquet."""
    if path.suffix.lower() == ".csv":
        relation.write_csv(str(path))
    else:
        relation.write_parquet(str(path))


def judge(
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    *,
    kinds: frozenset[str] | None = None,
) -> Iterator[EngineFinding]:
    """Every finding for ``records`` by the evaluator's stack, judged by DuckDB."""
    con, sql = prepared(evaluator, records, kinds)
    if sql is None:
        return
    for row in con.execute(sql).fetchall():
        data = dict(zip(FINDING_COLUMNS, row, strict=True))
        data["args"] = json.loads(data["args"]) if data["args"] else {}
        yield EngineFinding(**data)
