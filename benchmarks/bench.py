"""Benchmarks (run with `nox -s bench`; prints numbers, asserts nothing).

- audit throughput on synthetic call records (default 1,000,000; `--records N`)
- pre-dial decision latency with a 3,000,000-number NIX register loaded
- register load time and peak memory for 3,000,000 numbers (in a fresh process)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
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
                destination=f"+467{rnd.randrange(0, 10**8):08d}",
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


def write_register(path: Path, n: int, rnd: random.Random) -> None:
    numbers = rnd.sample(range(700_000_000, 799_999_999), n)
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
    register = NixRegister.load(path)
    evaluator = CallEvaluator(overlay=load_overlay(POLICY), nix=register)
    rnd = random.Random(2)
    base = dt.datetime(2026, 11, 24, 10, tzinfo=STHLM)
    timings = []
    allowed = 0
    for i in range(samples):
        record = CallRecord(
            call_id="d",
            started_at=base + dt.timedelta(minutes=i % 600),
            ended_at=base + dt.timedelta(minutes=i % 600),
            calling_organisation="Bench AB",
            destination=f"+467{rnd.randrange(0, 10**8):08d}",
            purpose="sales",
            subscription="private",
            target="consumer",  # type: ignore[arg-type]
            caller_id_shown=True,
            previous_calls=(),
        )
        t = time.perf_counter()
        decision = decide_record(record, evaluator)
        timings.append(time.perf_counter() - t)
        allowed += decision.allowed
    timings.sort()
    print(
        f"decide: {samples:,} decisions with {len(register):,} numbers loaded: "
        f"median {1e6 * statistics.median(timings):.0f} µs, p95 {1e6 * timings[int(0.95 * samples)]:.0f} µs "
        f"({allowed:,} allowed)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--register", type=int, default=3_000_000)
    parser.add_argument("--decisions", type=int, default=20_000)
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, maxrss so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "nix.txt"
        write_register(path, args.register, random.Random(3))
        bench_register(path)
        bench_decide(path, args.decisions)
    bench_audit(args.records)


if __name__ == "__main__":
    main()
