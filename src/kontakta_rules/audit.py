"""``kontakta-rules audit``: a file of call records judged by the reference evaluator or by
the columnar engine (DuckDB or Spark), the same lines rejected for the same reasons, the same
counts; the engine can write the findings table (Parquet or CSV)."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from attrs import frozen

from .evaluate import CallEvaluator
from .history import BatchCollector
from .i18n import Message
from .model import RejectedInput
from .subjects.call_io import Item, read_call_records
from .subjects.call_record import CallRecord

Engine = Literal["reference", "duckdb", "spark"]


@frozen
class AuditResult:
    records: int
    """Records judged (lines neither rejected nor repeated)."""
    counts: Counter[str]
    """Findings by outcome value."""
    rejected: tuple[RejectedInput, ...]


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
) -> list[RejectedInput]:
    """The lines the audit rejects, each named by its own file and line."""
    batch = BatchCollector()
    for n, item in items:
        if isinstance(item, CallRecord):
            batch.add(n, item)
    out = []
    for n, item in items:
        if isinstance(item, RejectedInput):
            out.append(item)
            continue
        source, line = where[n - 1]
        first = batch.first_line[item.call_id]
        if first != n and where[first - 1][0] != source:
            reason = Message(
                "call_id {id} appears already in {source} line {line}: one call is one record",
                {"id": item.call_id, "source": where[first - 1][0], "line": where[first - 1][1]},
            )
            out.append(RejectedInput(source, line, reason.text()))
            continue
        first_line = {item.call_id: where[first - 1][1]}
        reason_ = evaluator.rejection(line, item, first_line, source)
        if reason_ is not None:
            out.append(reason_)
    return out


def audit(
    evaluator: CallEvaluator,
    inputs: Sequence[Input],
    *,
    engine: Engine = "reference",
    findings: Path | None = None,
    progress: Progress | None = None,
) -> AuditResult:
    """Judge every record of the files as one audit (frequency caps and silent-call shares
    see them all); ``findings`` (the columnar engine only) receives the table; ``progress``
    hears how far it has come."""
    items, where = read_inputs(inputs, progress)
    rejected = _rejected(evaluator, items, where)
    if progress is not None:
        progress(
            Message(
                "{count} records read; judging them with {engine}",
                {"count": len(items), "engine": engine},
            )
        )
    counts: Counter[str] = Counter()
    if engine == "reference":
        if findings is not None:
            raise ValueError(
                "the findings table is written by the columnar engine (--engine duckdb or spark)"
            )
        report = evaluator.evaluate(items, source="")  # rejects the same lines itself
        assert len(report.rejected) == len(rejected)
        counts.update(f.outcome.value for f in report.findings)
    elif engine == "duckdb":
        from .columnar import duckdb_engine

        # the engine sees every record of the batch, as the reference's audit does: a record
        # dated before any rules still counts for frequency caps and silent shares (and gets
        # no findings); a repeated call id counts once, on its first line
        con, sql = duckdb_engine.prepared(evaluator, _batch(items))
        with con:
            if sql is not None:
                relation = con.sql(sql)
                counts.update(dict(relation.aggregate("outcome, count(*)", "outcome").fetchall()))
                if findings is not None:
                    duckdb_engine.write_relation(relation, findings)
    else:
        from .columnar import spark_engine

        with tempfile.TemporaryDirectory() as tmp:
            frame = spark_engine.findings(evaluator, _batch(items), Path(tmp))
            if frame is not None:
                counts.update(dict(frame.groupBy("outcome").count().collect()))
                if findings is not None:
                    spark_engine.write_frame(frame, findings)
    return AuditResult(len(items) - len(rejected), counts, tuple(rejected))


def _batch(items: Sequence[tuple[int, CallRecord | RejectedInput]]) -> list[tuple[int, CallRecord]]:
    return [(line, item) for line, item in items if isinstance(item, CallRecord)]
