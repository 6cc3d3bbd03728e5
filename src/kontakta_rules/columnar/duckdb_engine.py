"""Judging a table of calls on DuckDB with the compiled stack.

The engine fails closed: a stack with a rule whose check kind has no columnar form is
refused (:class:`.compile.UnsupportedRules`), never judged with that rule left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlglot import exp

from ..errors import InputError
from ..evaluate import CallEvaluator
from ..i18n import Message
from ..nix import NixRegister
from ..subjects.call_io import Item, jsonl_item, not_parquet
from ..subjects.call_record import CallRecord
from . import parquet_input, require
from .build import CALL_COLUMNS, lit, stockholm_clock
from .compile import FINDING_COLUMNS, Compiled, EngineFinding, compiled
from .tables import (
    calls_view,
    deadline_rows,
    holiday_rows,
    register_numbers,
    write_calls,
)

require("duckdb")
import duckdb  # noqa: E402

OutOfMemory = duckdb.OutOfMemoryException
"""DuckDB could not do its work within its memory limit."""


def connect(memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for one audit. Beyond ``memory_limit`` (DuckDB's own size syntax,
    ``2GB``; default DuckDB's, 80% of the machine's memory) it spills to a private temporary
    folder, removed with the connection (DuckDB's default would be ``.tmp`` in the working
    directory)."""
    con = duckdb.connect()
    spill = tempfile.TemporaryDirectory(prefix="kontakta-rules-duckdb-")
    weakref.finalize(con, spill.cleanup)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET temp_directory = ?", [spill.name])
    # no row order is promised (findings carry their line): DuckDB may then write the
    # findings table from both cores and spill less (measured: 66,000 -> 92,000 records/s)
    con.execute("SET preserve_insertion_order = false")
    if memory_limit is not None:
        try:
            con.execute("SET memory_limit = ?", [memory_limit])
        except duckdb.Error:
            con.close()
            raise InputError(
                Message(
                    "--memory-limit {value}: not a size DuckDB understands (write e.g. 2GB "
                    "or 500MB)",
                    {"value": memory_limit},
                )
            ) from None
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


def calls_table(con: duckdb.DuckDBPyConnection) -> None:
    """An empty ``calls`` table (``CALL_COLUMNS``) for records to be appended to."""
    columns = [
        exp.ColumnDef(this=exp.to_identifier(name), kind=exp.DataType.build(kind, dialect="duckdb"))
        for name, kind in CALL_COLUMNS.items()
    ]
    table = exp.Schema(this=exp.to_table("calls"), expressions=columns)
    con.execute(exp.Create(this=table, kind="TABLE", replace=True).sql("duckdb"))


def append_records(
    con: duckdb.DuckDBPyConnection, records: Iterable[tuple[int, CallRecord]]
) -> int:
    """Validated records appended to ``calls``, each with its line; returns how many. The
    records are consumed as they come (a reader's generator is never held in memory)."""
    # through a temporary JSON Lines file, which DuckDB's reader takes in bulk (row-by-row
    # inserts run at a few hundred rows a second)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.jsonl"
        with path.open("w", encoding="utf-8") as out:
            count = write_calls(out, records)
        if count:
            con.execute(
                "INSERT INTO calls SELECT * FROM read_json(?, format = 'newline_delimited', columns = ?)",
                [str(path), CALL_COLUMNS],
            )
    return count


def load_calls(con: duckdb.DuckDBPyConnection, records: Iterable[tuple[int, CallRecord]]) -> int:
    """The validated records as the ``calls`` table; returns how many."""
    calls_table(con)
    return append_records(con, records)


def parquet_types(con: duckdb.DuckDBPyConnection, path: Path, source: str) -> dict[str, str]:
    """The columns of a Parquet file and their DuckDB types; a clear error when it is not
    one."""
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise not_parquet(source, exc) from None
    return {str(row[0]): str(row[1]) for row in described}


def _scan() -> exp.Table:
    """``read_parquet(?, file_row_number = true) AS src``."""
    call = exp.Anonymous(
        this="read_parquet",
        expressions=[
            exp.Placeholder(),
            exp.EQ(this=exp.column("file_row_number"), expression=exp.true()),
        ],
    )
    return exp.Table(this=call, alias=exp.TableAlias(this=exp.to_identifier("src")))


def append_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, source: str, first: int
) -> tuple[int, Iterator[Item], Message | None]:
    """The rows of a Parquet file that the engine takes as they are (:mod:`.parquet_input`)
    appended to ``calls`` as lines ``first + row - 1``; returns how many rows the file has,
    every other row as ``(row, record or rejection)`` from the reader all formats share,
    for the caller to append or report (rows numbered from 1), and why the engine took no
    row itself, if so."""
    types = parquet_types(con, path, source)
    ((rows,),) = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall()
    found = parquet_input.plan(types)
    plan, note = (None, found) if isinstance(found, Message) else (found, None)
    if note is not None:
        note = Message(
            "{source}: {reason}; every row goes through the reader all formats share, "
            "which is slower",
            {"source": source, "reason": note},
        )
    row = exp.Add(this=exp.column("file_row_number", table="src"), expression=exp.Literal.number(1))
    rest: exp.Expression = exp.true()
    if plan is not None:
        line = exp.Add(this=row.copy(), expression=exp.Literal.number(first - 1))
        taken = (
            exp.select(
                exp.cast(line, "INTEGER").as_("line"), *parquet_input.cast_columns(plan.columns)
            )
            .from_(_scan())
            .where(plan.ok.copy())
        )
        con.execute(exp.insert(taken, "calls").sql("duckdb"), [str(path)])
        rest = exp.Not(this=exp.paren(plan.ok.copy()))
    others = (
        exp.select(row.as_("row_"), parquet_input.row_json(types).as_("json_"))
        .from_(_scan())
        .where(rest)
        .order_by("row_")
    )
    cursor = con.cursor()
    cursor.execute(others.sql("duckdb"), [str(path)])
    return rows, _items(cursor, source), note


def _items(cursor: duckdb.DuckDBPyConnection, source: str) -> Iterator[Item]:
    try:
        while batch := cursor.fetchmany(10_000):
            for row, text in batch:
                yield row, jsonl_item(source, row, text)
    finally:
        cursor.close()


def finish(
    con: duckdb.DuckDBPyConnection,
    evaluator: CallEvaluator,
    kinds: frozenset[str] | None = None,
) -> str | None:
    """The register, the ``calls_v`` table (made from ``calls``, which is dropped) and the
    calendar tables; returns the query to run on them (None when no rule is left). Refuses
    a stack with rules the engine cannot judge."""
    stack = compiled(evaluator, kinds)
    stack.require_all()
    load_register(con, evaluator.nix)
    view = exp.Create(
        this=exp.to_table("calls_v"), kind="TABLE", replace=True, expression=calls_view()
    )
    con.execute(view.sql("duckdb"))
    # each call's and acceptance's year and the years on either side (as calendar_years)
    years = {
        int(y)
        for (y,) in con.execute(
            "SELECT DISTINCT year(started_at) FROM calls UNION "
            "SELECT DISTINCT year(accepted_at) FROM calls WHERE accepted_at IS NOT NULL"
        ).fetchall()
    }
    load_calendars(con, years | {y - 1 for y in years} | {y + 1 for y in years}, stack.deadlines)
    # calls_v holds every column of calls: the table's memory is given back for the query
    con.execute("DROP TABLE calls")
    return _sql(stack)


def repeated(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, int]]:
    """``(line, call id, first line)`` for every record whose call id an earlier line has."""
    return con.execute(
        "SELECT line, call_id, first_line FROM (SELECT line, call_id, "
        "min(line) OVER (PARTITION BY call_id) AS first_line FROM calls) "
        "WHERE line <> first_line ORDER BY line"
    ).fetchall()


def lines_on_days(
    con: duckdb.DuckDBPyConnection, pick: Callable[[dt.date], bool]
) -> list[tuple[int, dt.date]]:
    """``(line, Stockholm day)`` of the calls on the days ``pick`` chooses (asked once per
    day)."""
    day = exp.cast(stockholm_clock(exp.column("started_at")), "DATE")
    days = con.execute(exp.select(day).distinct().from_("calls").sql("duckdb")).fetchall()
    picked = [d for (d,) in days if pick(d)]
    if not picked:
        return []
    query = (
        exp.select(exp.column("line"), day.copy())
        .from_("calls")
        .where(exp.In(this=day.copy(), expressions=[lit(d) for d in picked]))
        .order_by("line")
    )
    return con.execute(query.sql("duckdb")).fetchall()


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
    con = connect()
    try:
        load_calls(con, records)
        return con, finish(con, evaluator, kinds)
    except BaseException:
        con.close()
        raise


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


def _table(con: duckdb.DuckDBPyConnection, written: Path) -> duckdb.DuckDBPyRelation:
    if written.suffix.lower() == ".csv":
        return con.read_csv(
            str(written),
            header=True,
            all_varchar=True,
            columns={name: "INTEGER" if name == "line" else "VARCHAR" for name in FINDING_COLUMNS},
        )
    return con.read_parquet(str(written))


def outcome_counts(
    con: duckdb.DuckDBPyConnection, sql: str, written: Path | None = None
) -> dict[str, int]:
    """Findings by outcome: of the table ``written`` (the query ran once, to write it),
    else of the query."""
    table = con.sql(sql) if written is None else _table(con, written)
    rows = table.aggregate("outcome, count(*)", "outcome")
    return {str(outcome): int(n) for outcome, n in rows.fetchall()}


def by_rule(con: duckdb.DuckDBPyConnection, written: Path) -> list[tuple[str, str, str, str, int]]:
    """``(ruleset, version, rule, outcome, count)`` of a written findings table."""
    rows = _table(con, written).aggregate(
        "ruleset_id, ruleset_version, rule_id, outcome, count(*)",
        "ruleset_id, ruleset_version, rule_id, outcome",
    )
    return [(str(a), str(b), str(c), str(d), int(n)) for a, b, c, d, n in rows.fetchall()]


def listed(
    con: duckdb.DuckDBPyConnection, written: Path, outcomes: Iterable[str]
) -> Iterator[EngineFinding]:
    """The findings of a written table with these outcomes, in record order (streamed)."""
    wanted = sorted(outcomes)
    if not wanted:
        return
    relation = _table(con, written).filter(
        exp.In(this=exp.column("outcome"), expressions=[lit(o) for o in wanted]).sql("duckdb")
    )
    relation = relation.select(", ".join(FINDING_COLUMNS)).order("line")
    cursor = con.cursor()
    try:
        cursor.execute(relation.sql_query())
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                yield EngineFinding.from_row((int(row[0]), *row[1:]))
    finally:
        cursor.close()


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
