"""The reference audit at volume: the call-frequency cap in one sorted pass, and a report
that streams (memory does not grow with the number of findings)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.cli import main
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.subjects import CallRecord
from kontakta_rules.vocabulary import Outcome

POLICY = load_overlay(Path(__file__).parent / "data" / "overlays" / "dialer-policy.toml")
START = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


def _record(i: int, at: dt.datetime, number: str = "+46701740605") -> CallRecord:
    return CallRecord(
        call_id=f"c{i}",
        started_at=at,
        ended_at=at + dt.timedelta(minutes=1),
        calling_organisation="Acme AB",
        destination=number,
        purpose="sales",  # type: ignore[arg-type]
    )


def test_many_calls_to_one_number_are_counted_in_one_sorted_pass(alarm: None) -> None:
    """20,000 calls to one number took about 90 s when every call scanned every other."""
    records = [_record(i, START + dt.timedelta(minutes=7 * i)) for i in range(20_000)]
    evaluator = CallEvaluator(overlay=POLICY)
    report = evaluator.evaluate(enumerate(records, start=1), kinds=frozenset({"call-frequency"}))
    outcomes = [f.outcome for f in report.findings if f.rule_id == "call-frequency"]
    assert len(outcomes) == 20_000
    assert outcomes[:3] == [Outcome.COMPLIANT] * 3 and outcomes[3] is Outcome.VIOLATION


@given(
    st.lists(st.integers(min_value=0, max_value=60 * 24 * 90), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=40),
)
def test_the_sorted_pass_counts_what_a_scan_would(
    minutes: list[int], max_calls: int, days: int
) -> None:
    import attrs

    overlay = attrs.evolve(
        POLICY,
        set={**POLICY.settings, "max_calls_per_number": max_calls, "call_frequency_period": days},
    )
    records = [_record(i, START + dt.timedelta(minutes=m)) for i, m in enumerate(minutes)]
    report = CallEvaluator(overlay=overlay).evaluate(
        enumerate(records, start=1), kinds=frozenset({"call-frequency"})
    )
    got = {f.subject_id: f.outcome for f in report.findings if f.rule_id == "call-frequency"}
    for r in records:
        since = r.started_at - dt.timedelta(days=days)
        count = 1 + sum(1 for o in records if since <= o.started_at < r.started_at)
        want = Outcome.COMPLIANT if count <= max_calls else Outcome.VIOLATION
        assert got[r.call_id] is want, (r.call_id, count)


def _calls_file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / f"calls-{n}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            at = START + dt.timedelta(minutes=3 * i)
            fh.write(
                json.dumps(
                    {
                        "call_id": f"c{i}",
                        "started_at": at.isoformat(),
                        "ended_at": (at + dt.timedelta(minutes=2)).isoformat(),
                        "calling_organisation": "Acme AB",
                        "destination": f"+4670{i % 9_000_000 + 1_000_000:07d}",
                        "purpose": "sales",
                    }
                )
                + "\n"
            )
    return path


def _peak(path: Path, fmt: str) -> int:
    tracemalloc.start()
    try:
        with open(os.devnull, "w", encoding="utf-8") as sink:
            main(
                ["check", "calls", str(path), "--format", fmt, "--lang", "en"],
                out=sink,
                err=io.StringIO(),
            )
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_the_audit_streams_its_report(tmp_path: Path, fmt: str) -> None:
    """Four times the records, about the same peak: findings are written as they are made,
    not held. Holding them would add some 40 MB here (1,800 records with ~15 findings each);
    what may grow is the call history and the call ids, a few hundred bytes a call."""
    _peak(_calls_file(tmp_path, 50), fmt)  # load the rulesets and fill the caches first
    small, large = _peak(_calls_file(tmp_path, 600), fmt), _peak(_calls_file(tmp_path, 2_400), fmt)
    assert large - small < 10_000_000, (small, large)
