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


@pytest.mark.parametrize("engine", ["reference", "duckdb"])
def test_a_call_id_repeated_in_another_file_names_that_file(tmp_path: Path, engine: str) -> None:
    first = (EXAMPLES / "calls.jsonl").read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "a.jsonl").write_text(first + "\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("\n" + first + "\n", encoding="utf-8")
    code, out, _ = run(
        "audit", str(tmp_path / "a.jsonl"), str(tmp_path / "b.jsonl"), *STACK, "--engine", engine
    )
    call_id = json.loads(first)["call_id"]
    assert _rejected(out) == [
        f"rejected: {tmp_path / 'b.jsonl'} line 2: call_id {call_id} appears already in "
        f"{tmp_path / 'a.jsonl'} line 1: one call is one record"
    ]
    assert code == 2


def _call(call_id: str, started: str, ended: str) -> dict[str, object]:
    return {
        "call_id": call_id,
        "started_at": started,
        "ended_at": ended,
        "calling_organisation": "Acme AB",
        "destination": "+46701740605",
        "purpose": "sales",
        "nix": {"checked": True, "register_updated": "2026-10-01", "listed": False},
        "previous_calls": [],
    }


def test_engine_and_reference_reject_the_same_rows_of_mixed_files(tmp_path: Path) -> None:
    """JSON Lines and Parquet in one audit: a reader's rejection, a call id repeated in the
    same file and in another, and a call on a day no rule covers are rejected by the DuckDB
    engine (which finds the repeats and the days itself) exactly as by the reference."""
    jsonl = tmp_path / "a.jsonl"
    rows = [
        _call("x1", "2026-11-18T10:00:00+01:00", "2026-11-18T10:04:00+01:00"),
        _call("x2", "2026-11-18T10:10:00", "2026-11-18T10:14:00+01:00"),  # naive
        _call("x3", "2026-11-18T10:20:00+01:00", "2026-11-18T10:24:00+01:00"),
        _call("x3", "2026-11-18T10:30:00+01:00", "2026-11-18T10:34:00+01:00"),
    ]
    jsonl.write_text("".join(json.dumps(r) + "\n" + "\n" for r in rows), encoding="utf-8")
    parquet_rows = tmp_path / "b.jsonl"
    more = [
        _call("x1", "2026-11-19T10:00:00+01:00", "2026-11-19T10:04:00+01:00"),  # in a.jsonl
        _call("y1", "1980-03-03T10:00:00+01:00", "1980-03-03T10:04:00+01:00"),  # no rules yet
        _call("y2", "2026-11-19T11:00:00+01:00", "2026-11-19T11:04:00+01:00"),
        _call("y2", "2026-11-19T12:00:00+01:00", "2026-11-19T12:04:00+01:00"),
        _call("y3", "2026-11-19T12:00:00+01:00", "2026-11-19T11:04:00+01:00"),  # ends first
    ]
    parquet_rows.write_text("".join(json.dumps(r) + "\n" for r in more), encoding="utf-8")
    table = tmp_path / "b.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "COPY (SELECT * REPLACE (CAST(started_at AS TIMESTAMPTZ) AS started_at, "
        "CAST(ended_at AS TIMESTAMPTZ) AS ended_at, "
        "CAST(previous_calls AS TIMESTAMPTZ[]) AS previous_calls) FROM read_json(?, "
        f"format = 'newline_delimited')) TO '{table}'",
        [str(parquet_rows)],
    )
    con.close()
    outputs = [
        run("audit", str(jsonl), str(table), *STACK, "--engine", engine)
        for engine in ("reference", "duckdb")
    ]
    assert outputs[0][1].replace("by reference", "by duckdb") == outputs[1][1]
    assert outputs[0][0] == outputs[1][0]
    code, out, err = outputs[1]
    assert code == 2 and err == ""
    assert [r.split(": ", 2)[1] for r in _rejected(out)] == [
        f"{jsonl} line 3",
        f"{jsonl} line 7",
        f"{table} line 1",
        f"{table} line 2",
        f"{table} line 4",
        f"{table} line 5",
    ]
    assert "appears already in " + str(jsonl) + " line 1" in _rejected(out)[2]
    assert "appears already on line 3" in _rejected(out)[4]


def test_a_memory_limit_bounds_duckdb_and_is_checked(tmp_path: Path) -> None:
    calls = str(EXAMPLES / "calls.jsonl")
    code, unbounded, _ = run("audit", calls, *STACK, "--engine", "duckdb")
    code_b, bounded, err = run(
        "audit", calls, *STACK, "--engine", "duckdb", "--memory-limit", "1GB"
    )
    assert (code_b, bounded, err) == (code, unbounded, "")
    # too little to work in: a clear error, not an internal one
    code, out, err = run("audit", calls, *STACK, "--engine", "duckdb", "--memory-limit", "1MB")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "DuckDB needed more memory than it may use (1MB): raise --memory-limit" in err
    code, out, err = run("audit", calls, *STACK, "--engine", "duckdb", "--memory-limit", "lots")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "--memory-limit lots: not a size DuckDB understands" in err
    code, out, err = run("audit", calls, *STACK, "--memory-limit", "2GB")
    assert code == 2 and "--memory-limit needs --engine duckdb" in err


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


@pytest.mark.parametrize(("engine", "module"), [("duckdb", "sqlglot"), ("duckdb", "duckdb")])
def test_an_engine_without_its_libraries_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, engine: str, module: str
) -> None:
    """On the core install (no extra) ``audit --engine duckdb`` is a clear error naming the
    extra, not an internal error; checked before the engine's modules are imported."""
    import sys

    monkeypatch.setitem(sys.modules, module, None)  # as if not installed
    code, out, err = run("audit", str(EXAMPLES / "calls.jsonl"), *STACK, "--engine", engine)
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"needs {module}: pip install 'kontakta-rules[{engine}]'" in err
