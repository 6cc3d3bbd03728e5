"""``kontakta-rules audit``: a file of call records judged by the reference evaluator or by
the columnar engine (DuckDB or Spark), the same lines rejected for the same reasons, the same
counts; the engine can write the findings table (Parquet or CSV)."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from attrs import frozen

from .evaluate import CallEvaluator
from .history import BatchCollector
from .model import RejectedInput
from .subjects.call_io import read_call_records
from .subjects.call_record import CallRecord

Engine = Literal["reference", "duckdb", "spark"]


@frozen
class AuditResult:
    records: int
    """Records judged (lines neither rejected nor repeated)."""
    counts: Counter[str]
    """Findings by outcome value."""
    rejected: tuple[RejectedInput, ...]


def audit(
    evaluator: CallEvaluator,
    path: Path,
    *,
    source: str,
    csv: bool | None = None,
    engine: Engine = "reference",
    findings: Path | None = None,
) -> AuditResult:
    """Judge every record of ``path``; ``findings`` (engine only) receives the table."""
    items = list(read_call_records(path, csv=csv, source=source))
    batch = BatchCollector()
    for line, item in items:
        if isinstance(item, CallRecord):
            batch.add(line, item)
    rejected = [
        reason
        for line, item in items
        if (reason := evaluator.rejection(line, item, batch.first_line, source)) is not None
    ]
    counts: Counter[str] = Counter()
    if engine == "reference":
        if findings is not None:
            raise ValueError(
                "the findings table is written by the columnar engine (--engine duckdb or spark)"
            )
        report = evaluator.evaluate(items, source=source)  # rejects the same lines itself
        assert len(report.rejected) == len(rejected)
        counts.update(f.outcome.value for f in report.findings)
    elif engine == "duckdb":
        from .columnar import duckdb_engine

        # the engine sees every record of the batch, as the reference's audit does: a record
        # dated before any rules still counts for frequency caps and silent shares (and gets
        # no findings); a repeated call id counts once, on its first line
        con, sql = duckdb_engine.prepared(evaluator, _batch(items))
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
