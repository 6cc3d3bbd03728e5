"""Judging a table of calls on DuckDB with the compiled stack.

The engine fails closed: a stack with a rule whose check kind has no columnar form is
refused (:class:`.compile.UnsupportedRules`), never judged with that rule left out.
"""

from __future__ import annotations

import csv
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlglot import exp

from ..evaluate import CallEvaluator
from ..nix import NixRegister
from ..subjects.call_record import CallRecord
from . import require
from .build import CALL_COLUMNS
from .compile import Compiled, EngineFinding, compiled
from .tables import (
    calendar_years,
    calls_view,
    deadline_rows,
    holiday_rows,
    register_numbers,
    write_calls,
)

require("duckdb")
import duckdb  # noqa: E402


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    # no row order is promised (findings carry their line): DuckDB may then write the
    # findings table from both cores and spill less (measured: 66,000 -> 92,000 records/s)
    con.execute("SET preserve_insertion_order = false")
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
        with path.open("w", encoding="ascii") as out:
            out.writelines(register_numbers(register.national_numbers()))
        con.execute(
            "INSERT INTO register SELECT * FROM read_csv(?, header = false, columns = {'nsn': 'BIGINT'})",
            [str(path)],
        )
    con.execute("INSERT INTO register_info VALUES (?)", [register.updated])


def load_calls(con: duckdb.DuckDBPyConnection, records: Iterable[tuple[int, CallRecord]]) -> int:
    """The validated records as the ``calls`` table and the ``calls_v`` view's rows (see
    :func:`.tables.calls_view`); returns how many records."""
    # through a temporary JSON Lines file, which DuckDB's reader takes in bulk (row-by-row
    # inserts run at a few hundred rows a second)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.jsonl"
        with path.open("w", encoding="utf-8") as out:
            count = write_calls(out, records)
        con.execute(
            "CREATE OR REPLACE TABLE calls AS SELECT * FROM read_json(?, format = 'newline_delimited', columns = ?)",
            [str(path), CALL_COLUMNS],
        )
    view = exp.Create(
        this=exp.to_table("calls_v"), kind="TABLE", replace=True, expression=calls_view()
    )
    con.execute(view.sql("duckdb"))
    return count


def load_calendars(
    con: duckdb.DuckDBPyConnection, years: Iterable[int], deadlines: Iterable[tuple[str, int]]
) -> None:
    """The ``holidays`` and ``deadlines`` tables (:mod:`.tables`)."""
    years = set(years)
    tables: dict[str, tuple[dict[str, str], Sequence[tuple[Any, ...]]]] = {
        "holidays": ({"calendar": "VARCHAR", "day": "DATE"}, holiday_rows(years)),
        "deadlines": (
            {"calendar": "VARCHAR", "days": "INTEGER", "day": "DATE", "deadline": "DATE"},
            deadline_rows(years, deadlines),
        ),
    }
    # through CSV files: executemany inserts a few thousand rows a second
    with tempfile.TemporaryDirectory() as tmp:
        for table, (columns, rows) in tables.items():
            path = Path(tmp) / f"{table}.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                csv.writer(out).writerows(rows)
            con.execute(
                f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv(?, header = false, "
                "auto_detect = false, delim = ',', columns = ?)",
                [str(path), columns],
            )


def _sql(compiled: Compiled) -> str | None:
    """The compiled query in DuckDB's dialect (written once per compiled stack)."""
    if compiled.query is None:
        return None
    sql = _SQL.get(compiled)
    if sql is None:
        sql = _SQL[compiled] = compiled.query.sql(dialect="duckdb")
    return sql


_SQL: weakref.WeakKeyDictionary[Compiled, str] = weakref.WeakKeyDictionary()


def prepared(
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = None,
) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """A connection holding the calls, the register and the calendar tables, and the query
    to run on it; refuses a stack with rules the engine cannot judge."""
    stack = compiled(evaluator, kinds)
    stack.require_all()
    con = connect()
    load_register(con, evaluator.nix)
    load_calls(con, records)
    load_calendars(con, calendar_years(records), stack.deadlines)
    return con, _sql(stack)


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
    try:
        rows = con.execute(sql).fetchall()
    finally:
        con.close()  # the in-memory database goes now, not when the collector finds it
    for row in rows:
        yield EngineFinding.from_row(row)
