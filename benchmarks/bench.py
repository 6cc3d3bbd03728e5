"""Benchmarks (run with `nox -s bench`; prints numbers, asserts nothing).

- audit throughput on synthetic call records (default 1,000,000; `--records N`)
- pre-dial decision latency with a 3,000,000-number NIX register loaded
- register load time and peak memory for 3,000,000 numbers (in a fresh process)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from kontakta_rules.dialer import decide_record
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects import CallRecord, NixEvidence

STHLM = ZoneInfo("Europe/Stockholm")
ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "tests" / "data" / "overlays" / "dialer-policy.toml"


def synthetic_records(n: int, rnd: random.Random) -> list[CallRecord]:
    start = dt.datetime(2026, 10, 1, tzinfo=STHLM)
    out = []
    for i in range(n):
        at = start + dt.timedelta(seconds=rnd.randrange(0, 60 * 86400))
        listed = rnd.random() < 0.05
        out.append(
            CallRecord(
                call_id=f"c{i}",
                started_at=at,
                ended_at=at + dt.timedelta(seconds=rnd.randrange(10, 900)),
                calling_organisation="Bench AB",
                destination=f"+467{rnd.choice('02369')}{rnd.randrange(0, 10**7):07d}",
                purpose="sales",  # type: ignore[arg-type]
                subscription="private",  # type: ignore[arg-type]
                target="consumer",  # type: ignore[arg-type]
                caller_id_shown=rnd.random() > 0.01,
                silent=rnd.random() < 0.02,
                nix=NixEvidence(checked=True, register_updated=dt.date(2026, 9, 15), listed=listed),
                previous_calls=(),
            )
        )
    return out


def synthetic_lines(n: int, rnd: random.Random, *, sparse: bool = False) -> Iterator[str]:
    """JSON Lines of call records: complete ones like a dialer's export (most calls compliant,
    some not), or ``sparse`` ones that say little, so most rules are undetermined and every
    report lists about 15 findings per record (the worst case for a report's size)."""
    start = dt.datetime(2026, 10, 1, tzinfo=STHLM)
    for i in range(n):
        at = start + dt.timedelta(seconds=rnd.randrange(0, 60 * 86400))
        record: dict[str, object] = {
            "call_id": f"c{i}",
            "started_at": at.isoformat(),
            "ended_at": (at + dt.timedelta(seconds=rnd.randrange(10, 900))).isoformat(),
            "calling_organisation": "Bench AB",
            "destination": f"+467{rnd.choice('02369')}{rnd.randrange(0, 10**7):07d}",
            "purpose": "sales",
        }
        if not sparse:
            record.update(
                subscription="private",
                target="consumer",
                initiated_by="trader",
                caller_id_shown=rnd.random() > 0.01,
                silent=rnd.random() < 0.02,
                agent_name="Agent",
                agent_relationship="employee",
                disclosures=[
                    {"item": item, "at_seconds": 2 + 2 * k}
                    for k, item in enumerate(
                        (
                            "agent-name",
                            "company-or-principal",
                            "agent-relationship",
                            "commercial-purpose",
                        )
                    )
                ],
                recorded_segments=["offer-presentation", "consent-to-written-offer"],
                nix={
                    "checked": True,
                    "register_updated": "2026-09-15",
                    "listed": rnd.random() < 0.05,
                },
                offer_category="broadband",
                do_not_call_requests=[],
            )
        yield json.dumps(record) + "\n"


def bench_streaming(n: int, formats: Sequence[str]) -> None:
    """``kontakta-rules check calls`` on a file of ``n`` records, each format in a fresh process:
    wall time and peak memory (the process's VmHWM)."""
    code = (
        "import re, resource, sys, time; from kontakta_rules.cli import main;"
        "t = time.perf_counter(); code = main(sys.argv[1:]); t = time.perf_counter() - t;"
        "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024;"
        "child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024;"
        "print(f'{t:.1f} s, peak RSS {hwm:.0f} MB (largest worker process {child:.0f} MB), "
        "exit {code}')"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for sparse in (False, True):
            path = Path(tmp) / f"calls-{'sparse' if sparse else 'full'}.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                fh.writelines(synthetic_lines(n, random.Random(4), sparse=sparse))
            for fmt in formats:
                argv = [
                    "check",
                    "calls",
                    str(path),
                    "--policy",
                    str(POLICY),
                    "--format",
                    fmt,
                    "-o",
                    os.devnull,
                ]
                done = subprocess.run(
                    [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False
                )
                kind = (
                    "sparse records (every report lists ~15 findings a record)"
                    if sparse
                    else "complete records"
                )
                print(
                    f"streaming audit: {n:,} {kind}, --format {fmt}: {done.stdout.strip() or done.stderr[-300:]}"
                )


def write_register(path: Path, n: int, rnd: random.Random) -> None:
    numbers = rnd.sample(range(730_000_000, 739_999_999), n)  # 073: never drawn as "allowed"
    with path.open("w") as fh:
        fh.write("# updated: 2026-11-01\n")
        fh.writelines(f"0{x}\n" for x in numbers)


def bench_audit(n: int) -> None:
    rnd = random.Random(1)
    t0 = time.perf_counter()
    records = synthetic_records(n, rnd)
    t1 = time.perf_counter()
    evaluator = CallEvaluator(overlay=load_overlay(POLICY))
    counts: Counter[str] = Counter()
    t2 = time.perf_counter()
    for record in records:
        for finding in evaluator.findings(record):
            counts[finding.outcome.value] += 1
    t3 = time.perf_counter()
    print(
        f"audit: {n:,} records built in {t1 - t0:.1f} s; evaluated in {t3 - t2:.1f} s "
        f"= {n / (t3 - t2):,.0f} records/s ({sum(counts.values()):,} findings: {dict(counts)})"
    )


def bench_register(path: Path) -> None:
    # VmHWM (peak RSS of this process image) rather than ru_maxrss, which Linux carries
    # over from the parent across fork and exec.
    code = (
        "import re, time; from kontakta_rules.nix import NixRegister;"
        "hwm = lambda: int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024;"
        "r0 = hwm();"
        f"t = time.perf_counter(); reg = NixRegister.load({str(path)!r}); t = time.perf_counter() - t;"
        "r1 = hwm();"
        "print(f'register: {len(reg):,} numbers loaded in {t:.2f} s; peak RSS {r1:.0f} MB "
        "({r1 - r0:.0f} MB above the interpreter with the library imported)')"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def bench_decide(path: Path, samples: int) -> None:
    """Decision latency on the two paths a dialer sees: numbers that may be called (every rule
    asked and met) and numbers listed in NIX (refused), each with every fact the rules need."""
    register = NixRegister.load(path)
    evaluator = CallEvaluator(overlay=load_overlay(POLICY), nix=register)
    listed = [int(line) for line in path.read_text().split()[3 : 3 + samples] if line.isdigit()]
    rnd = random.Random(2)
    base = dt.datetime(2026, 11, 24, 10, tzinfo=STHLM)
    for label, pick in (
        ("allowed", lambda: f"+4670{rnd.randrange(0, 10**7):07d}"),
        ("denied (listed in NIX)", lambda: f"+46{rnd.choice(listed)}"),
    ):
        timings = []
        outcomes: Counter[bool] = Counter()
        for i in range(samples):
            number = pick()
            record = CallRecord(
                call_id="d",
                started_at=base + dt.timedelta(minutes=i % 500),
                ended_at=base + dt.timedelta(minutes=i % 500),
                calling_organisation="Bench AB",
                destination=number,
                purpose="sales",  # type: ignore[arg-type]
                subscription="private",  # type: ignore[arg-type]
                target="consumer",  # type: ignore[arg-type]
                caller_id_shown=True,
                previous_calls=(),
                do_not_call_requests=(),
            )
            t = time.perf_counter()
            decision = decide_record(record, evaluator)
            timings.append(time.perf_counter() - t)
            outcomes[decision.allowed] += 1
        timings.sort()
        print(
            f"decide, {label}: {samples:,} decisions with {len(register):,} numbers loaded: "
            f"median {1e6 * statistics.median(timings):.0f} µs, "
            f"p95 {1e6 * timings[int(0.95 * samples)]:.0f} µs "
            f"({outcomes[True]:,} allowed, {outcomes[False]:,} not)"
        )


def _reference_anchor(
    n: int,
) -> tuple[list[tuple[int, CallRecord]], CallEvaluator, float, int]:
    """``n`` synthetic records, the evaluator of the whole call stack with the example
    policy, and the reference's rate and number of findings on them (an engine's anchor)."""
    records = list(enumerate(synthetic_records(n, random.Random(5)), start=1))
    evaluator = CallEvaluator(overlay=load_overlay(POLICY))
    t0 = time.perf_counter()
    findings = len(evaluator.evaluate(records).findings)
    return records, evaluator, n / (time.perf_counter() - t0), findings


def bench_columnar(n: int) -> None:
    """The whole call stack judged by the columnar engine on DuckDB, beside the reference
    judging the same batch (the anchor)."""
    try:
        from kontakta_rules.columnar import duckdb_engine
        from kontakta_rules.columnar.compile import compiled
    except ImportError:
        print("columnar: skipped (pip install 'kontakta-rules[duckdb]')")
        return
    records, evaluator, rate, reference = _reference_anchor(n)
    t1 = time.perf_counter()
    compiled(evaluator, None)  # compiling the stack is done once
    t2 = time.perf_counter()
    con, sql = duckdb_engine.prepared(evaluator, records)
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        con.sql(sql).write_parquet(str(Path(tmp) / "findings.parquet"))
        t4 = time.perf_counter()
        ((engine,),) = con.sql(sql).aggregate("count(*)").fetchall()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"columnar, the whole call stack: {n:,} records; reference {rate:,.0f} "
        f"records/s ({reference:,} findings); DuckDB: handing over the validated records "
        f"{n / (t3 - t2):,.0f} records/s, judging and writing the Parquet findings table "
        f"{n / (t4 - t3):,.0f} records/s ({engine:,} findings; compiling the stack "
        f"{t2 - t1:.2f} s); peak RSS {rss:.0f} MB"
    )


SYNTHETIC_SQL = """
SELECT * EXCLUDE (seconds) REPLACE (started_at + to_seconds(seconds) AS ended_at) FROM (
SELECT 'c' || i AS call_id,
       TIMESTAMPTZ '2026-10-01 00:00:00+02' + to_seconds(CAST(floor(random() * 5184000) AS BIGINT)) AS started_at,
       CAST(10 + floor(random() * 890) AS BIGINT) AS seconds, NULL::TIMESTAMPTZ AS ended_at,
       'Bench AB' AS calling_organisation,
       '+467' || ['0', '2', '3', '6', '9'][1 + CAST(floor(random() * 5) AS INTEGER)]
              || lpad(CAST(CAST(floor(random() * 10000000) AS BIGINT) AS VARCHAR), 7, '0') AS destination,
       'sales' AS purpose, 'private' AS subscription, 'consumer' AS target,
       'trader' AS initiated_by, random() > 0.01 AS caller_id_shown, random() < 0.02 AS silent,
       'Agent' AS agent_name, 'employee' AS agent_relationship,
       [{'item': 'agent-name', 'at_seconds': 2.0}, {'item': 'company-or-principal', 'at_seconds': 4.0},
        {'item': 'agent-relationship', 'at_seconds': 6.0}, {'item': 'commercial-purpose', 'at_seconds': 8.0}]
         AS disclosures,
       ['offer-presentation', 'consent-to-written-offer'] AS recorded_segments,
       {'checked': true, 'register_updated': DATE '2026-09-15', 'listed': random() < 0.05} AS nix,
       'broadband' AS offer_category, CAST([] AS TIMESTAMPTZ[]) AS do_not_call_requests
FROM range({n}) AS t(i))
"""
"""The records of :func:`synthetic_lines` (complete ones), made by DuckDB: ten million in
seconds, in the Parquet types the engine reads itself."""

ANCHOR_SQL = """
COPY (
  WITH calls AS (
    SELECT row_number() OVER () AS line, *,
           timezone('Europe/Stockholm', started_at) AS local_start,
           count(*) OVER (PARTITION BY calling_organisation, destination ORDER BY started_at
                          RANGE BETWEEN INTERVAL 30 DAYS PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING)
             AS previous
    FROM read_parquet('{path}')
  ),
  rules AS (
    SELECT k, 'ruleset-' || (k % 5) AS ruleset_id, '2021-07-01' AS ruleset_version,
           'sha256:' || md5(CAST(k AS VARCHAR)) || md5(CAST(k + 1 AS VARCHAR)) AS fingerprint,
           'industry' AS layer, 'rule-' || k AS rule_id, 'message of rule ' || k AS msgid
    FROM range(19) AS r(k)
  )
  SELECT c.line, c.call_id, r.ruleset_id, r.ruleset_version, r.fingerprint, r.layer, r.rule_id,
         CASE r.k
           WHEN 0 THEN CASE WHEN hour(c.local_start) BETWEEN 8 AND 20 THEN 'compliant' ELSE 'violation' END
           WHEN 1 THEN CASE WHEN c.silent THEN 'violation' ELSE 'compliant' END
           WHEN 2 THEN CASE WHEN c.caller_id_shown THEN 'compliant' ELSE 'violation' END
           WHEN 3 THEN CASE WHEN c.nix.listed THEN 'violation' ELSE 'compliant' END
           WHEN 4 THEN CASE WHEN CAST(c.local_start AS DATE) <= c.nix.register_updated + INTERVAL 3 MONTH
                            THEN 'compliant' ELSE 'violation' END
           WHEN 5 THEN CASE WHEN c.previous < 3 THEN 'compliant' ELSE 'violation' END
           WHEN 6 THEN CASE WHEN len(c.disclosures) >= 4 THEN 'compliant' ELSE 'violation' END
           ELSE 'not_applicable' END AS outcome,
         r.msgid,
         CAST(json_object('rule', r.rule_id, 'updated', c.nix.register_updated,
                          'count', c.previous) AS VARCHAR) AS args
  FROM calls AS c CROSS JOIN rules AS r
) TO '{out}' (FORMAT parquet)
"""
"""The ratio anchor: a hand-written DuckDB query writing a findings table of the same shape
(19 rows a record, the same columns, a JSON argument per row) from the same Parquet file,
with seven of the checks written out (calling hours in Stockholm time, silent calls, caller
id, NIX listing and validity, a 30-day frequency window, disclosures) and the rest constant:
what DuckDB costs for this table on this machine before any rule model."""

_FRESH = (
    "import re, sys, time; t = time.perf_counter(); exec(sys.argv[1]); "
    "t = time.perf_counter() - t; "
    "hwm = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) / 1024; "
    "print(f'{t:.2f} {hwm:.0f}')"
)


def _fresh(code: str) -> tuple[float, float]:
    """Seconds and peak memory (MB, the process's VmHWM) of ``code`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _FRESH, code], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    seconds, mb = done.stdout.split()[-2:]
    return float(seconds), float(mb)


def _audit_code(path: Path, out: Path, engine: str, memory_limit: str | None = None) -> str:
    argv = ["audit", str(path), "--policy", str(POLICY), "--engine", engine, "--lang", "en"]
    if engine != "reference":
        argv += ["--out", str(out)]
    if memory_limit:
        argv += ["--memory-limit", memory_limit]
    return (
        "from kontakta_rules.cli import main; import io; "
        f"code = main({argv!r}, out=io.StringIO()); assert code in (0, 1), code"
    )


def bench_parquet(n: int, small: int, memory_limit: str) -> None:
    """``audit --engine duckdb`` end to end (read, judge every rule, write the Parquet findings
    table) on ``n`` synthetic records from Parquet, each run in a fresh process, beside the
    hand-written anchor on the same file; then JSON Lines and CSV (``small`` records, read by
    the shared reader) and the reference."""
    try:
        import duckdb
    except ImportError:
        print("parquet: skipped (pip install 'kontakta-rules[duckdb]')")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = folder / "calls.parquet"
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SELECT setseed(0.5)")
        t0 = time.perf_counter()
        synthetic = SYNTHETIC_SQL.replace("{n}", str(n))
        con.execute(f"COPY ({synthetic}) TO '{table}' (FORMAT parquet)")
        made = time.perf_counter() - t0
        con.close()
        out = folder / "findings.parquet"
        anchor_s, anchor_mb = _fresh(
            "import duckdb; con = duckdb.connect(); con.execute(\"SET TimeZone = 'UTC'\"); "
            "con.execute('SET preserve_insertion_order = false'); "
            f"con.execute({ANCHOR_SQL.format(path=table, out=folder / 'anchor.parquet')!r})"
        )
        print(
            f"parquet: {n:,} synthetic records made by DuckDB in {made:.1f} s; anchor (hand-"
            f"written DuckDB query, same table shape): {n / anchor_s:,.0f} records/s, peak RSS "
            f"{anchor_mb:,.0f} MB"
        )
        for limit in (None, memory_limit):
            seconds, mb = _fresh(_audit_code(table, out, "duckdb", limit))
            print(
                f"parquet: audit --engine duckdb --out findings.parquet"
                f"{' --memory-limit ' + limit if limit else ''}: {n / seconds:,.0f} records/s "
                f"end to end ({seconds:.1f} s, {n / seconds / (n / anchor_s):.2f} x the "
                f"anchor), peak RSS {mb:,.0f} MB"
            )
        small_table = folder / "small.parquet"
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(f"COPY (SELECT * FROM '{table}' LIMIT {small}) TO '{small_table}'")
        lines = folder / "small.jsonl"
        with lines.open("w", encoding="utf-8") as fh:
            fh.writelines(synthetic_lines(small, random.Random(4)))
        csv_file = folder / "small.csv"
        _jsonl_to_csv(lines, csv_file)
        con.close()
        for label, path, engine in (
            ("JSON Lines", lines, "duckdb"),
            ("CSV", csv_file, "duckdb"),
            ("Parquet", small_table, "duckdb"),
            ("Parquet", small_table, "reference"),
            ("JSON Lines", lines, "reference"),
        ):
            seconds, mb = _fresh(_audit_code(path, out, engine))
            print(
                f"{label}: {small:,} records, audit --engine {engine}: {small / seconds:,.0f} "
                f"records/s end to end, peak RSS {mb:,.0f} MB"
            )


def _jsonl_to_csv(lines: Path, out: Path) -> None:
    """The JSON Lines records as the CSV format (nested evidence flattened, lists with ``;``)."""
    from kontakta_rules.subjects.call_io import CSV_COLUMNS

    with lines.open(encoding="utf-8") as src, out.open("w", encoding="utf-8", newline="") as dst:
        writer = csv.DictWriter(dst, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        for text in src:
            record = json.loads(text)
            row: dict[str, str] = {}
            for key, value in record.items():
                if isinstance(value, dict):
                    for sub, v in value.items():
                        row[f"{key}_{sub}"] = _cell(v)
                else:
                    row[key] = _cell(value)
            writer.writerow(row)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if not value:
            return "[]"
        return ";".join(
            f"{v['item']}@{v['at_seconds']}" if isinstance(v, dict) else str(v) for v in value
        )
    return str(value)


def bench_spark(n: int) -> None:
    """The whole call stack on a local Spark (every core), writing the Parquet findings
    folder, beside the reference on the same batch."""
    try:
        from kontakta_rules.columnar import spark_engine
    except ImportError:
        print("spark: skipped (pip install 'kontakta-rules[spark]')")
        return
    records, evaluator, rate, reference = _reference_anchor(n)
    t1 = time.perf_counter()
    spark_engine.session()
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        frame = spark_engine.findings(evaluator, records, Path(tmp))
        assert frame is not None
        spark_engine.write_frame(frame, Path(tmp) / "findings.parquet")
        t3 = time.perf_counter()
    print(
        f"spark (local, {os.cpu_count()} cores), the whole call stack: {n:,} records; "
        f"reference {rate:,.0f} records/s ({reference:,} findings); Spark judging "
        f"and writing the Parquet findings folder {n / (t3 - t2):,.0f} records/s "
        f"(session start {t2 - t1:.1f} s, not counted)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--register", type=int, default=3_000_000)
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument(
        "--streaming", type=int, default=100_000, help="records for the report benchmark"
    )
    parser.add_argument(
        "--columnar", type=int, default=200_000, help="records for the columnar engine"
    )
    parser.add_argument("--spark", type=int, default=100_000, help="records for the Spark engine")
    parser.add_argument(
        "--parquet", type=int, default=10_000_000, help="records for the Parquet audit"
    )
    parser.add_argument(
        "--formats", type=int, default=200_000, help="records for JSON Lines, CSV, reference"
    )
    parser.add_argument("--memory-limit", default="1500MB", help="the bounded Parquet run")
    parser.add_argument(
        "--only", choices=["columnar", "spark", "parquet"], help="run one benchmark"
    )
    args = parser.parse_args()
    if args.only == "columnar":
        bench_columnar(args.columnar)
        return
    if args.only == "spark":
        bench_spark(args.spark)
        return
    if args.only == "parquet":
        bench_parquet(args.parquet, args.formats, args.memory_limit)
        return
    print(
        f"python {sys.version.split()[0]}, maxrss so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nix.txt"
        write_register(path, args.register, random.Random(3))
        bench_register(path)
        bench_decide(path, args.decisions)
    bench_audit(args.records)
    bench_streaming(args.streaming, ["text", "json", "csv", "html"])
    bench_columnar(args.columnar)
    bench_parquet(args.parquet, args.formats, args.memory_limit)
    bench_spark(args.spark)


if __name__ == "__main__":
    main()
