"""The audit on worker processes gives exactly the report of the audit in one process."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from pathlib import Path

import pytest

from kontakta_rules import parallel
from kontakta_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "policy.toml"
NIX = ROOT / "examples" / "nix-register.txt"

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="worker processes need fork")


def _lines(n: int, rnd: random.Random) -> list[str]:
    """Calls that exercise what the batch decides: several calls to a few numbers (frequency
    caps), silent calls (shares), repeated call ids, unusable lines and NIX-listed numbers."""
    start = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC)
    numbers = ["070-174 06 05", "070-174 06 10", "070-174 06 27", "08-465 004 01"]
    out = []
    for i in range(n):
        at = start + dt.timedelta(minutes=rnd.randrange(0, 60 * 24 * 45))
        record: dict[str, object] = {
            "call_id": f"c{rnd.randrange(0, n)}" if rnd.random() < 0.05 else f"c{i}",
            "started_at": at.isoformat(),
            "ended_at": (at + dt.timedelta(minutes=3)).isoformat(),
            "calling_organisation": rnd.choice(["Exempelbolaget AB", "Annat AB"]),
            "destination": rnd.choice(numbers),
            "purpose": rnd.choice(["sales", "market-research", "fundraising"]),
            "caller_id_shown": rnd.random() > 0.1,
            "silent": rnd.random() < 0.2,
            "subscription": "private",
            "target": "consumer",
            "do_not_call_requests": [],
        }
        if rnd.random() < 0.03:
            record["started_at"] = "2026-10-01T10:00:00"  # naive: rejected
        out.append(json.dumps(record))
    return out


def _audit(path: Path, jobs: int, fmt: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["check", "calls", str(path), "--policy", str(POLICY), "--nix", str(NIX), "--format",
         fmt, "--jobs", str(jobs), "--findings", "all", "--lang", "sv"],
        out=out,
        err=err,
    )  # fmt: skip
    return code, out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_workers_write_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setattr(parallel, "CHUNK_LINES", 97)  # many chunks, odd boundaries
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(_lines(1_500, random.Random(fmt))) + "\n", encoding="utf-8")
    one, two = _audit(path, 1, fmt), _audit(path, 2, fmt)
    assert one[0] == two[0] == 2  # the naive timestamps and repeated ids are rejected
    assert one[1] == two[1]


@pytest.mark.slow
def test_workers_read_csv_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "CHUNK_LINES", 50)
    rows = ["call_id;started_at;ended_at;calling_organisation;destination;purpose;silent"]
    rnd = random.Random(7)
    for i in range(600):
        at = dt.datetime(2026, 10, 1, 8, tzinfo=dt.UTC) + dt.timedelta(
            minutes=rnd.randrange(90_000)
        )
        rows.append(
            f"c{i};{at.isoformat()};{(at + dt.timedelta(minutes=2)).isoformat()};"
            f"Exempelbolaget AB;070-174 06 {rnd.randrange(5, 30):02d};sales;{rnd.choice(['ja', 'nej', ''])}"
        )
    path = tmp_path / "calls.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _audit(path, 1, "json") == _audit(path, 2, "json")
