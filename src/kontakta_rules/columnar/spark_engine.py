"""Judging a table of calls on Apache Spark with the same compiled stack as DuckDB.

The query is the one :func:`.compile.compiled` builds, written by sqlglot in Spark's
dialect; :func:`for_spark` changes only what sqlglot cannot write for Spark from the lowest
sqlglot we support (two function names, the ISO weekday) and how a message's arguments become JSON (Spark
has no ``json_object``: a struct turned into JSON, nested messages as ``VARIANT`` so that
differently shaped messages share a column). The tables come from :mod:`.tables`, as
DuckDB's do. Needs ``pip install 'kontakta-rules[spark]'`` and Java 17.

The session is the active one (a cluster's, when run there) or a local one; the engine
sets the session time zone to UTC, JSON nulls kept, and ANSI mode off (a failed cast is
NULL, as DuckDB's ``TRY_CAST``) with the size of a NULL list NULL.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sqlglot import exp

from ..evaluate import CallEvaluator
from ..i18n import Message
from ..subjects.call_record import CallRecord
from . import EngineUnavailable, require
from .build import CALL_COLUMNS
from .compile import Compiled, EngineFinding, compiled
from .tables import (
    SPARK_TIMESTAMP_FORMAT,
    calendar_years,
    calls_view,
    deadline_rows,
    holiday_rows,
    register_numbers,
    write_calls,
)

require("pyspark", extra="spark")
from pyspark.sql import DataFrame, SparkSession  # noqa: E402

SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.jsonGenerator.ignoreNullFields": "false",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.legacy.sizeOfNull": "false",
}
"""Session settings the compiled query relies on (set on the session the engine uses)."""

_RENAMED = {"LIST_MIN": "ARRAY_MIN", "ROUND_EVEN": "BROUND"}


def session() -> SparkSession:
    """The active Spark session, or a local one using every core; with ``SETTINGS``."""
    spark = SparkSession.getActiveSession()
    if spark is None:
        try:
            spark = (
                SparkSession.builder.master("local[*]")
                .appName("kontakta-rules")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                # one machine: few partitions (the query has a stage per rule, and a task
                # per partition in each costs more than the work on small batches)
                .config("spark.sql.shuffle.partitions", str(os.cpu_count() or 2))
                .config("spark.sql.adaptive.enabled", "false")
                .getOrCreate()
            )
        except Exception as exc:  # pyspark reports a missing or failing Java in many ways
            raise EngineUnavailable(
                Message(
                    "Spark could not start ({error}); it needs Java 17 or later on PATH or "
                    "JAVA_HOME",
                    {
                        "error": str(exc).strip().splitlines()[0][:200]
                        if str(exc)
                        else type(exc).__name__
                    },
                )
            ) from None
        spark.sparkContext.setLogLevel("FATAL")
    for key, value in SETTINGS.items():
        spark.conf.set(key, value)
    return spark


def _struct(obj: exp.JSONObject) -> exp.Expression:
    """``named_struct(k, v, ...)`` of a JSON object's pairs."""
    args: list[exp.Expression] = []
    for pair in obj.expressions:
        args.extend([pair.this, pair.expression])
    return exp.Anonymous(this="NAMED_STRUCT", expressions=args)


def _to_json(obj: exp.JSONObject) -> exp.Expression:
    if not obj.expressions:
        return exp.Literal.string("{}")
    return exp.Anonymous(this="TO_JSON", expressions=[_struct(obj)])


def _variant(value: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="PARSE_JSON", expressions=[value])


def for_spark(query: exp.Expression) -> exp.Expression:
    """The compiled query with Spark's function names and JSON construction.

    A message's arguments (a JSON object) become JSON text; a JSON object inside one (a
    nested message, or another finding's arguments) becomes a ``VARIANT``, so that the
    branches of a CASE with differently shaped messages have one type."""
    query = query.copy()
    for node in list(query.find_all(exp.Anonymous)):
        if node.name.upper() in _RENAMED:
            node.set("this", _RENAMED[node.name.upper()])
    for day in list(query.find_all(exp.DayOfWeekIso)):
        # sqlglot writes ((DAYOFWEEK(d) % 7) + 1), which is not ISO; WEEKDAY is 0 on Monday
        weekday = exp.Anonymous(this="WEEKDAY", expressions=[day.this.copy()])
        day.replace(exp.Paren(this=exp.Add(this=weekday, expression=exp.Literal.number(1))))
    for column in list(query.find_all(exp.Column)):
        # another finding's arguments (JSON text) inside a message
        if column.name == "args" and column.find_ancestor(exp.JSONObject) is not None:
            column.replace(_variant(column.copy()))
    objects = list(query.find_all(exp.JSONObject))
    objects.sort(key=lambda node: -node.depth)  # the innermost first
    for obj in objects:
        nested = obj.find_ancestor(exp.JSONObject) is not None
        obj.replace(_variant(_to_json(obj)) if nested else _to_json(obj))
    return query


_STEPS: weakref.WeakKeyDictionary[Compiled, list[tuple[str, str]]] = weakref.WeakKeyDictionary()


def steps(compiled: Compiled) -> list[tuple[str, str]]:
    """The compiled query in Spark's dialect as steps: each common table expression as a
    named view to cache (Spark would otherwise compute the judged findings again for every
    reference to them), then the query itself (named ``""``). Written once per stack."""
    if compiled.query is None:
        return []
    done = _STEPS.get(compiled)
    if done is None:
        query = for_spark(compiled.query)
        with_ = query.args.get("with") or query.args.get("with_")
        done = []
        if with_ is not None:
            for cte in with_.expressions:
                done.append((cte.alias, cte.this.sql(dialect="spark")))
            query = query.copy()
            query.set("with" if query.args.get("with") is not None else "with_", None)
        done.append(("", query.sql(dialect="spark")))
        _STEPS[compiled] = done
    return done


def _schema(columns: dict[str, str]) -> str:
    """A DDL schema for Spark from DuckDB column types (translated by sqlglot)."""
    return ", ".join(
        f"`{name}` {exp.DataType.build(kind, dialect='duckdb').sql('spark')}"
        for name, kind in columns.items()
    )


def load_tables(
    spark: SparkSession,
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    deadlines: Iterable[tuple[str, int]],
    tmp: Path,
) -> None:
    """The temporary views the query reads: ``calls_v``, ``register``, ``register_info``,
    ``holidays`` and ``deadlines``, built as for DuckDB."""
    calls = tmp / "calls.jsonl"
    with calls.open("w", encoding="utf-8") as out:
        write_calls(out, records)
    (
        spark.read.schema(_schema(CALL_COLUMNS))
        .option("timestampFormat", SPARK_TIMESTAMP_FORMAT)
        .option("mode", "FAILFAST")
        .json(str(calls))
        .createOrReplaceTempView("calls")
    )
    register = evaluator.nix
    numbers = tmp / "register.txt"
    with numbers.open("w", encoding="ascii") as out:
        if register is not None:
            out.writelines(register_numbers(register.national_numbers()))
    spark.read.schema("nsn BIGINT").csv(str(numbers)).createOrReplaceTempView("register")
    info: list[tuple[dt.date]] = [] if register is None else [(register.updated,)]
    spark.createDataFrame(info, "updated DATE").createOrReplaceTempView("register_info")
    years = calendar_years(records)
    spark.createDataFrame(holiday_rows(years), "calendar STRING, day DATE").createOrReplaceTempView(
        "holidays"
    )
    spark.createDataFrame(
        deadline_rows(years, deadlines), "calendar STRING, days INT, day DATE, deadline DATE"
    ).createOrReplaceTempView("deadlines")
    view = spark.sql(calls_view().sql(dialect="spark")).cache()
    view.createOrReplaceTempView("calls_v")


def findings(
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    tmp: Path,
    *,
    kinds: frozenset[str] | None = None,
    spark: SparkSession | None = None,
) -> DataFrame | None:
    """The findings table (``FINDING_COLUMNS``) as a Spark DataFrame, reading its input from
    files written into ``tmp`` (which must outlive the DataFrame's use); None when the stack
    has no rules for the kinds. Refuses a stack with rules the engine cannot judge."""
    stack = compiled(evaluator, kinds)
    stack.require_all()
    spark = spark or session()
    load_tables(spark, evaluator, records, stack.deadlines, tmp)
    frame = None
    for name, sql in steps(stack):
        frame = spark.sql(sql)
        if name:
            frame.cache().createOrReplaceTempView(name)
    return frame


def judge(
    evaluator: CallEvaluator,
    records: Sequence[tuple[int, CallRecord]],
    *,
    kinds: frozenset[str] | None = None,
    spark: SparkSession | None = None,
) -> Iterator[EngineFinding]:
    """Every finding for ``records`` by the evaluator's stack, judged by Spark."""
    with tempfile.TemporaryDirectory() as tmp:
        frame = findings(evaluator, records, Path(tmp), kinds=kinds, spark=spark)
        rows = [] if frame is None else frame.collect()
    for row in rows:
        yield EngineFinding.from_row(row)


def write_frame(frame: DataFrame, path: Path) -> None:
    """The findings table to ``path``, as Spark writes tables: a folder of part files (one
    here), CSV with a header when the name ends in ``.csv``, else Parquet; replaces what
    is there."""
    writer = frame.coalesce(1).write.mode("overwrite")
    if path.suffix.lower() == ".csv":
        writer.option("header", "true").csv(str(path))
    else:
        writer.parquet(str(path))


def summary(
    frame: DataFrame, outcomes: Sequence[str]
) -> tuple[list[tuple[str, str, str, str, int]], Iterator[EngineFinding]]:
    """``(ruleset, version, rule, outcome, count)`` of the findings, and the findings with
    these outcomes in record order (streamed to the driver a partition at a time)."""
    counted = frame.groupBy("ruleset_id", "ruleset_version", "rule_id", "outcome").count()
    by_rule = [(r[0], r[1], r[2], r[3], int(r[4])) for r in counted.collect()]
    chosen = frame.where(frame.outcome.isin(list(outcomes))).orderBy("line")
    return by_rule, (EngineFinding.from_row(row) for row in chosen.toLocalIterator())
