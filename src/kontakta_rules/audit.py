"""``kontakta-rules audit``: a file of call records judged by the reference evaluator or by
the columnar engine (DuckDB or Spark), the same lines rejected for the same reasons, the same
counts; the engine can write the findings table (Parquet or CSV)."""

from __future__ import annotations

import tempfile
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from attrs import frozen

from .errors import InputError
from .evaluate import CallEvaluator, repeated_call
from .history import BatchCollector
from .i18n import Message
from .model import Finding, RejectedInput, Report
from .report import ReportWriter
from .subjects.call_io import Item, input_format, read_call_records
from .subjects.call_record import CallRecord

if TYPE_CHECKING:
    import duckdb

Engine = Literal["reference", "duckdb", "spark"]


@frozen
class AuditResult:
    records: int
    """Records judged (lines neither rejected nor repeated)."""
    counts: Counter[str]
    """Findings by outcome value."""
    rejected: tuple[RejectedInput, ...]
    notes: tuple[Message, ...] = ()
    """What the user should know about how the audit ran (a Parquet file the engine could
    not read itself, so every row went through the slower reader)."""


@frozen
class Input:
    """One file of an audit: where to read it and how messages name it."""

    path: Path
    source: str
    fmt: str | None = None
    """``jsonl``, ``csv`` or ``parquet``; None: by the file's name."""


Progress = Callable[[Message], None]
"""Told how far a long audit has come (a message in both languages)."""

PROGRESS_EVERY = 100_000
"""Records read between two progress messages."""


def read_inputs(
    inputs: Sequence[Input], progress: Progress | None = None
) -> tuple[list[Item], list[tuple[str, int]]]:
    """Every record of the files as one batch, numbered through (``line`` is the record's
    place in the audit: its line when there is one file), and where each came from."""
    items: list[Item] = []
    where: list[tuple[str, int]] = []
    for one in inputs:
        for line, item in read_call_records(one.path, source=one.source, fmt=one.fmt):
            items.append((len(items) + 1, item))
            where.append((one.source, line))
            if progress is not None and len(items) % PROGRESS_EVERY == 0:
                progress(Message("{count} records read", {"count": len(items)}))
    return items, where


def _rejected(
    evaluator: CallEvaluator, items: Sequence[Item], where: Sequence[tuple[str, int]]
) -> list[tuple[int, RejectedInput]]:
    """The lines the audit rejects, each with its place in the audit and named by its own
    file and line."""
    batch = BatchCollector()
    for n, item in items:
        if isinstance(item, CallRecord):
            batch.add(n, item)
    out = []
    for n, item in items:
        if isinstance(item, RejectedInput):
            out.append((n, item))
            continue
        source, line = where[n - 1]
        first = batch.first_line[item.call_id]
        if first != n and where[first - 1][0] != source:
            reason = repeated_call(item.call_id, where[first - 1][1], where[first - 1][0])
            out.append((n, RejectedInput(source, line, reason.text())))
            continue
        first_line = {item.call_id: where[first - 1][1]}
        reason_ = evaluator.rejection(line, item, first_line, source)
        if reason_ is not None:
            out.append((n, reason_))
    return out


def audit(
    evaluator: CallEvaluator,
    inputs: Sequence[Input],
    *,
    engine: Engine = "reference",
    findings: Path | None = None,
    progress: Progress | None = None,
    memory_limit: str | None = None,
    writer: ReportWriter | None = None,
) -> AuditResult:
    """Judge every record of the files as one audit (frequency caps and silent-call shares
    see them all); ``findings`` (the columnar engine only) receives the table; ``progress``
    hears how far it has come; ``memory_limit`` bounds DuckDB's memory (it spills beyond);
    ``writer`` is given the report (the counts of every rule, the findings it lists and the
    rejected lines; not closed here)."""
    if engine != "reference":
        from .columnar import require_engine

        require_engine(engine)
    if engine == "duckdb":
        from .columnar import duckdb_engine

        try:
            return _audit_duckdb(evaluator, inputs, findings, progress, memory_limit, writer)
        except duckdb_engine.OutOfMemory as exc:
            raise InputError(
                Message(
                    "DuckDB needed more memory than it may use ({limit}): raise "
                    "--memory-limit, or audit fewer files at once ({detail})",
                    {"limit": memory_limit or "80%", "detail": str(exc).splitlines()[0][:160]},
                )
            ) from None
    items, where = read_inputs(inputs, progress)
    rejected = _rejected(evaluator, items, where)
    _judging(progress, len(items), engine)
    counts: Counter[str] = Counter()
    if engine == "reference":
        if findings is not None:
            raise ValueError(
                "the findings table is written by the columnar engine (--engine duckdb or spark)"
            )
        report = evaluator.evaluate(items, source="")  # rejects the same lines itself
        assert len(report.rejected) == len(rejected)
        counts.update(f.outcome.value for f in report.findings)
        if writer is not None:
            _feed(writer, items, dict(rejected), report)
    else:
        from .columnar import spark_engine
        from .columnar.findings import Rows, feed

        with tempfile.TemporaryDirectory() as tmp:
            frame = spark_engine.findings(evaluator, _batch(items), Path(tmp))
            if frame is not None:
                counts.update(dict(frame.groupBy("outcome").count().collect()))
                if findings is not None:
                    spark_engine.write_frame(frame, findings)
            if writer is not None:
                shown = [o.value for o in writer.shown]
                by_rule, listed = (
                    spark_engine.summary(frame, shown) if frame is not None else ([], [])
                )
                feed(writer, Rows(evaluator), by_rule, listed, len(items) - len(rejected), rejected)
    return AuditResult(len(items) - len(rejected), counts, tuple(r for _, r in rejected))


def _feed(
    writer: ReportWriter, items: Sequence[Item], rejected: dict[int, RejectedInput], report: Report
) -> None:
    """The reference's report given to the writer record by record, each rejected line in
    its place (as ``check calls`` writes it)."""
    by_subject: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_subject.setdefault(f.subject_id, []).append(f)
    for n, item in items:
        if n in rejected:
            writer.rejected(rejected[n])
        elif isinstance(item, CallRecord):
            writer.subject(by_subject.get(item.call_id, []))


def _judging(progress: Progress | None, count: int, engine: str) -> None:
    if progress is not None:
        progress(
            Message(
                "{count} records read; judging them with {engine}",
                {"count": count, "engine": engine},
            )
        )


@frozen
class _Span:
    """Where one file's rows lie among the audit's: from ``first`` on, each row's own line
    (JSON Lines, CSV) or its row number (Parquet: ``lines`` is None)."""

    source: str
    first: int
    lines: array[int] | None

    def line(self, ordinal: int) -> int:
        n = ordinal - self.first
        return n + 1 if self.lines is None else self.lines[n]


def _audit_duckdb(
    evaluator: CallEvaluator,
    inputs: Sequence[Input],
    findings: Path | None,
    progress: Progress | None,
    memory_limit: str | None,
    writer: ReportWriter | None,
) -> AuditResult:
    """The audit on DuckDB: Parquet rows the engine takes as they are go straight into its
    table, every other row through the reader all formats share; repeated call ids and days
    without rules are found by the engine, worded as the reference words them. Rows flow
    through; no list of the audit's records is held in Python."""
    from .columnar import duckdb_engine
    from .columnar.findings import Rows, feed

    con = duckdb_engine.connect(memory_limit)
    with con:
        duckdb_engine.calls_table(con)
        spans: list[_Span] = []
        rejected: list[tuple[int, RejectedInput]] = []
        notes: list[Message] = []
        total = 0
        for one in inputs:
            first = total + 1
            if input_format(one.path, one.fmt, one.source) == "parquet":
                rows, others, note = duckdb_engine.append_parquet(con, one.path, one.source, first)
                notes.extend([note] if note is not None else [])
                span = _Span(one.source, first, None)
                numbered: Iterable[tuple[int, Item]] = (
                    (first + row - 1, (row, item)) for row, item in others
                )
            else:
                span = _Span(one.source, first, array("q"))
                numbered = _numbered(
                    span, read_call_records(one.path, source=one.source, fmt=one.fmt)
                )
                rows = 0
            duckdb_engine.append_records(con, _records(numbered, rejected, progress))
            total += rows if span.lines is None else len(span.lines)
            spans.append(span)
            if progress is not None:
                progress(Message("{count} records read", {"count": total}))
        rejected.extend(_found_by_engine(con, evaluator, spans))
        _judging(progress, total, "duckdb")
        counts: Counter[str] = Counter()
        rejected.sort(key=lambda pair: pair[0])
        records = total - len(rejected)
        sql = duckdb_engine.finish(con, evaluator)
        with tempfile.TemporaryDirectory() as tmp:
            table = findings
            if table is None and writer is not None:
                table = Path(tmp) / "findings.parquet"
            if sql is not None:
                if table is not None:
                    duckdb_engine.write_relation(con.sql(sql), table)
                counts.update(duckdb_engine.outcome_counts(con, sql, table))
            if writer is not None:
                if sql is not None and table is not None:
                    shown = [o.value for o in writer.shown]
                    feed(
                        writer,
                        Rows(evaluator),
                        duckdb_engine.by_rule(con, table),
                        duckdb_engine.listed(con, table, shown),
                        records,
                        rejected,
                    )
                else:
                    feed(writer, Rows(evaluator), [], [], records, rejected)
    return AuditResult(records, counts, tuple(r for _, r in rejected), tuple(notes))


def _numbered(span: _Span, items: Iterable[Item]) -> Iterator[tuple[int, Item]]:
    assert span.lines is not None
    for line, item in items:
        span.lines.append(line)
        yield span.first + len(span.lines) - 1, (line, item)


def _records(
    numbered: Iterable[tuple[int, Item]],
    rejected: list[tuple[int, RejectedInput]],
    progress: Progress | None,
) -> Iterator[tuple[int, CallRecord]]:
    """The records among the rows (each as its place in the audit); the rejected rows are
    kept with their place."""
    for count, (ordinal, (_, item)) in enumerate(numbered, start=1):
        if isinstance(item, RejectedInput):
            rejected.append((ordinal, item))
        else:
            yield ordinal, item
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(Message("{count} records read", {"count": ordinal}))


def _found_by_engine(
    con: duckdb.DuckDBPyConnection,
    evaluator: CallEvaluator,
    spans: Sequence[_Span],
) -> Iterator[tuple[int, RejectedInput]]:
    """The records an audit rejects although each is valid: a call id an earlier row has
    (named by its file and line), and calls on days no rule covers."""
    from .columnar import duckdb_engine

    firsts = [s.first for s in spans]

    def where(ordinal: int) -> tuple[str, int]:
        span = spans[bisect_right(firsts, ordinal) - 1]
        return span.source, span.line(ordinal)

    repeated = set()
    for ordinal, call_id, first in duckdb_engine.repeated(con):
        repeated.add(ordinal)
        (source, line), (first_source, first_line) = where(ordinal), where(first)
        reason = repeated_call(
            call_id, first_line, first_source if first_source != source else None
        )
        yield ordinal, RejectedInput(source, line, reason.text())
    for ordinal, day in duckdb_engine.lines_on_days(
        con, lambda d: evaluator.unjudgeable_on(d) is not None
    ):
        if ordinal not in repeated:
            source, line = where(ordinal)
            message = evaluator.unjudgeable_on(day)
            assert message is not None
            yield ordinal, RejectedInput(source, line, message.text())


def _batch(items: Sequence[tuple[int, CallRecord | RejectedInput]]) -> list[tuple[int, CallRecord]]:
    return [(line, item) for line, item in items if isinstance(item, CallRecord)]
