"""``kontakta-rules audit`` reads several files, patterns and Parquet as one audit: the same
records judged, the same lines rejected (each named by its own file and line) as one JSON
Lines file; a repeated call id across files is rejected naming the first file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytest.importorskip("duckdb")
import duckdb

from kontakta_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
STACK = ["--policy", str(EXAMPLES / "policy.toml"), "--nix", str(EXAMPLES / "nix-register.txt")]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--lang", "en"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _counts(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  ")]


def _rejected(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("rejected:")]


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_split_files_and_a_pattern_are_one_audit(tmp_path: Path, engine: str) -> None:
    lines = (EXAMPLES / "calls.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "calls-1.jsonl").write_text("".join(lines[:30]), encoding="utf-8")
    (tmp_path / "calls-2.jsonl").write_text("".join(lines[30:]), encoding="utf-8")
    code_1, whole, _ = run("audit", str(EXAMPLES / "calls.jsonl"), *STACK, "--engine", engine)
    code_2, split, err = run("audit", str(tmp_path / "calls-*.jsonl"), *STACK, "--engine", engine)
    assert err == ""
    assert code_1 == code_2 == 2
    assert _counts(whole) == _counts(split) and len(_counts(whole)) == 4
    # each rejected line is named by its own file and line
    assert [r.split(": ", 2)[1] for r in _rejected(split)] == [
        f"{tmp_path / 'calls-2.jsonl'} line 1",
        f"{tmp_path / 'calls-2.jsonl'} line 10",
    ]
    assert [r.split(": ", 2)[1] for r in _rejected(whole)] == [
        f"{EXAMPLES / 'calls.jsonl'} line 31",
        f"{EXAMPLES / 'calls.jsonl'} line 40",
    ]


def test_a_call_id_repeated_in_another_file_names_that_file(tmp_path: Path) -> None:
    first = (EXAMPLES / "calls.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "a.jsonl").write_text(first + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n" + first + "\n", encoding="utf-8")
    code, out, _ = run("audit", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), *STACK)
    call_id = json.loads(first)["call_id"]
    assert _rejected(out) == [
        f"rejected: {tmp_path / 'b.jsonl'} line 2: call_id {call_id} appears already in "
        f"{tmp_path / 'a.jsonl'} line 1: one call is one record"
    ]
    assert code == 2


def test_a_pattern_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    code, out, err = run("audit", str(tmp_path / "none-*.jsonl"))
    assert code == 2 and out == ""
    assert "none-*.jsonl: no file matches" in err


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_parquet_input_is_judged_and_rejected_as_json_lines(tmp_path: Path, engine: str) -> None:
    table = tmp_path / "calls.parquet"
    duckdb.sql(
        f"COPY (SELECT * FROM read_json('{EXAMPLES / 'calls.jsonl'}', "
        f"format = 'newline_delimited')) TO '{table}'"
    )
    code_j, by_json, _ = run("audit", str(EXAMPLES / "calls.jsonl"), *STACK, "--engine", engine)
    code_p, by_parquet, err = run("audit", str(table), *STACK, "--engine", engine)
    assert err == "" and code_j == code_p == 2
    assert _counts(by_json) == _counts(by_parquet)
    assert [r.split(": ", 2)[2] for r in _rejected(by_json)] == [
        r.split(": ", 2)[2] for r in _rejected(by_parquet)
    ]


def test_a_parquet_instant_without_a_zone_is_rejected_not_guessed(tmp_path: Path) -> None:
    table = tmp_path / "naive.parquet"
    duckdb.sql(
        "COPY (SELECT 'c1' AS call_id, TIMESTAMP '2026-11-18 13:15:00' AS started_at, "
        "TIMESTAMPTZ '2026-11-18 13:19:00+01' AS ended_at, 'Acme AB' AS calling_organisation, "
        f"'+46701740605' AS destination, 'sales' AS purpose) TO '{table}'"
    )
    code, out, _ = run("audit", str(table), *STACK)
    assert code == 2
    [rejected] = _rejected(out)
    assert f"{table} line 1: $.started_at:" in rejected and "no timezone" in rejected


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "calls.parquet"
    bad.write_text("not parquet", encoding="utf-8")
    code, _, err = run("audit", str(bad), *STACK)
    assert code == 2 and "not a Parquet file" in err and "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_audit_says_how_far_it_has_come_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kontakta_rules import audit

    monkeypatch.setattr(audit, "PROGRESS_EVERY", 10)
    out, err = io.StringIO(), _Terminal()
    code = main(["audit", str(EXAMPLES / "calls.jsonl"), *STACK, "--lang", "sv"], out=out, err=err)
    assert code == 2
    assert err.getvalue().splitlines() == [
        "10 poster lästa",
        "20 poster lästa",
        "30 poster lästa",
        "40 poster lästa",
        "43 poster lästa; bedöms med reference",
    ]
    quiet = io.StringIO()  # not a terminal: nothing on stderr
    main(["audit", str(EXAMPLES / "calls.jsonl"), *STACK], out=io.StringIO(), err=quiet)
    assert quiet.getvalue() == ""
