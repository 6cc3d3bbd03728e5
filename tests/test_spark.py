"""The Spark engine on a real local Spark (``nox -s spark``; Java 17 and pyspark needed,
skipped without them): the same findings as the reference for the bundled examples and for
generated batches, and ``audit --engine spark`` agreeing with the other engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("pyspark")
pytest.importorskip("duckdb")

from columnar_data import differences  # the DuckDB harness, with Spark as the judge
from kontakta_rules.columnar import EngineUnavailable, spark_engine
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.subjects import CallRecord
from kontakta_rules.subjects.call_io import read_jsonl
from test_columnar import (
    EXAMPLE_AUDIT,
    GENERATED,
    POLICY,
    ROOT,
    WITH_REGISTER,
    _records,
    run_cli,
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    try:
        session = spark_engine.session()
    except EngineUnavailable as exc:  # no Java here: say so, do not pass quietly
        pytest.skip(str(exc))
    yield session
    session.stop()


def test_the_bundled_examples_give_the_same_findings(spark: Any) -> None:
    items = [
        (n, r)
        for n, r in read_jsonl(ROOT / "examples" / "calls.jsonl")
        if isinstance(r, CallRecord)
    ]
    missing, extra, total = differences(CallEvaluator(overlay=POLICY), items, engine="spark")
    assert total > 200
    assert (missing, extra) == (set(), set())


@settings(
    max_examples=1,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(
    st.lists(st.integers(), min_size=60, max_size=80).flatmap(
        lambda xs: st.tuples(*(_records(i) for i in range(len(xs))))
    )
)
def test_generated_batches_give_the_same_findings(
    spark: Any, records: tuple[CallRecord, ...]
) -> None:
    items = list(enumerate(records, start=1))
    for evaluator in (GENERATED, WITH_REGISTER):
        missing, extra, _ = differences(evaluator, items, engine="spark")
        assert (missing, extra) == (set(), set())


def test_audit_with_spark_agrees_with_the_reference(spark: Any, tmp_path: Path) -> None:
    """``audit --engine spark`` prints what ``--engine reference`` prints (counts, rejected
    lines, exit status) and writes the findings table as a Parquet folder."""

    run = run_cli
    common = [*EXAMPLE_AUDIT, "--lang", "en"]
    table = tmp_path / "findings.parquet"
    code_s, by_spark = run("audit", *common, "--engine", "spark", "--out", str(table))
    code_r, by_reference = run("audit", *common, "--engine", "reference")
    assert code_s == code_r == 2  # two lines of the examples are rejected
    assert by_spark.replace("by spark", "by E") == by_reference.replace("by reference", "by E") + (
        f"findings table: {table}\n"
    )
    import duckdb

    rows = duckdb.sql(
        f"SELECT outcome, count(*) FROM read_parquet('{table}/*.parquet') GROUP BY outcome"
    ).fetchall()
    judged = sum(n for _, n in rows)
    assert judged > 200
    assert dict(rows)["violation"] == int(
        next(
            line.split(":")[1].replace(",", "")
            for line in by_reference.splitlines()
            if line.strip().startswith("violation:")
        )
    )
    assert (
        json.loads(
            duckdb.sql(f"SELECT args FROM read_parquet('{table}/*.parquet') LIMIT 1").fetchall()[0][
                0
            ]
        )
        is not None
    )


def test_the_text_report_from_spark_is_the_one_check_calls_writes(spark: Any) -> None:
    """``audit --engine spark --format text``: the report of ``check calls``, built from
    Spark's findings."""

    run = run_cli
    common = [*EXAMPLE_AUDIT, "--format", "text", "--lang", "sv"]
    expected = run("check", "calls", *common)
    assert run("audit", *common, "--engine", "spark") == expected
    assert expected[0] == 2 and "EXB-2017" in expected[1]
