"""What a user expects of a command-line tool: exit statuses that mean one thing each,
standard input and output files, global options, a CI gate, safe CSV, one language."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kontakta_rules import __version__
from kontakta_rules.cli import EXIT_INTERNAL, main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CALLS = EXAMPLES / "calls.jsonl"
POLICY = EXAMPLES / "policy.toml"
NIX = EXAMPLES / "nix-register.txt"
GOOD = {
    "call_id": "c1",
    "started_at": "2026-03-02T10:00:00+01:00",
    "ended_at": "2026-03-02T10:04:00+01:00",
    "calling_organisation": "Acme AB",
    "destination": "070-174 06 05",
    "purpose": "sales",
}


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is None:
        code = main(list(argv), out=out, err=err)
    else:
        saved = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
        try:
            code = main(list(argv), out=out, err=err)
        finally:
            sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def decide_with_register(register: Path, lang: str) -> tuple[int, str, str]:
    return run(
        "decide", "070-174 06 05", "--at", "2026-11-24T10:00+01:00", "--purpose", "sales",
        "--nix", str(register), "--lang", lang,
    )  # fmt: skip


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_global_options_before_the_subcommand() -> None:
    before = run("--lang", "en", "list")
    after = run("list", "--lang", "en")
    assert before[0] == 0 and before[1] == after[1]
    assert "rulesets" in before[1]


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kontakta_rules", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and __version__ in done.stdout


def test_standard_input_for_the_call_records() -> None:
    text = CALLS.read_text(encoding="utf-8")
    from_file = run("check", "calls", str(CALLS), "--lang", "en", "--format", "json")
    from_stdin = run("check", "calls", "-", "--lang", "en", "--format", "json", stdin=text)
    assert from_stdin[0] == from_file[0] == 2
    a, b = json.loads(from_file[1]), json.loads(from_stdin[1])
    assert a["counts"] == b["counts"] and a["subjects"] == b["subjects"]
    assert [r["source"] for r in b["rejected"]] == ["-", "-"]


def test_standard_input_for_a_csv_needs_format_and_a_policy_from_stdin_works() -> None:
    code, out, _ = run(
        "check",
        "calls",
        str(CALLS),
        "--policy",
        "-",
        "--lang",
        "en",
        stdin=POLICY.read_text(encoding="utf-8"),
    )
    assert code == 2 and "41 records evaluated" in out


def test_only_one_argument_may_read_standard_input() -> None:
    code, _, err = run("check", "calls", "-", "--policy", "-", "--lang", "en", stdin="")
    assert code == 2 and "standard input" in err


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(
        "check", "calls", str(CALLS), "--format", "json", "--output", str(target), "--lang", "en"
    )
    assert code == 2 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["subjects"] == 41


def test_fail_on_undetermined_is_a_ci_gate(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")  # little known: undetermined
    assert run("check", "calls", str(path))[0] == 0
    assert run("check", "calls", str(path), "--fail-on", "undetermined")[0] == 1


def test_an_internal_error_has_its_own_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    from kontakta_rules import cli

    def broken(*_: object, **__: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli._COMMANDS, "list", broken)
    code, _, err = run("list", "--lang", "en")
    assert code == EXIT_INTERNAL and code not in (0, 1, 2)
    assert "Traceback" not in err and "a bug" in err and "internal error" in err


def test_csv_cells_that_would_be_formulas_are_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    rows = [
        {**GOOD, "call_id": '=HYPERLINK("http://evil.example")'},
        {
            **GOOD,
            "call_id": "+1",
            "started_at": "2026-03-03T10:00:00+01:00",
            "ended_at": "2026-03-03T10:05:00+01:00",
        },
        {
            **GOOD,
            "call_id": "@SUM(A1)",
            "started_at": "2026-03-04T10:00:00+01:00",
            "ended_at": "2026-03-04T10:05:00+01:00",
        },
        {
            **GOOD,
            "call_id": "-2+3",
            "started_at": "2026-03-05T10:00:00+01:00",
            "ended_at": "2026-03-05T10:05:00+01:00",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    _, out, _ = run("check", "calls", str(path), "--format", "csv", "--lang", "en")
    cells = [cell for row in csv.reader(io.StringIO(out)) for cell in row]
    assert cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or re.match(r"^-\D", c or "x")]
    ids = {row[0] for row in csv.reader(io.StringIO(out))}
    assert '\'=HYPERLINK("http://evil.example")' in ids and "'-2+3" in ids


def test_numbers_in_messages_have_one_style_and_counts_add_up(tmp_path: Path) -> None:
    path = tmp_path / "nix.txt"
    path.write_text("# updated: 2026-11-01\n" + "x\n" * 1200, encoding="utf-8")
    code, _, err = decide_with_register(path, "en")
    assert code == 2
    assert "and 1,150 more problems" in err and "1,200 problems found" in err
    code, _, err = decide_with_register(path, "sv")
    assert "och 1\xa0150 problem till" in err and "1\xa0200 problem hittades" in err


def test_swedish_errors_have_no_english_in_them(tmp_path: Path) -> None:
    missing = tmp_path / "saknas.jsonl"
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'kind = "overlay"\nid = "x\xff"\n')
    for argv in (
        ("check", "calls", str(missing)),
        ("check", "calls", str(tmp_path)),
        ("validate", str(bad)),
    ):
        _, _, err = run(*argv, "--lang", "sv")
        for english in ("No such file", "Is a directory", "codec", "invalid", "position"):
            assert english not in err, (argv, err)


def test_the_readme_decide_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--context facts.json" not in readme
    assert "--context examples/pre-dial-facts.json" in readme
    code, out, err = run(
        "decide",
        "070-174 06 10",
        "--at",
        "2026-11-24T20:30+01:00",
        "--purpose",
        "sales",
        "--context",
        str(EXAMPLES / "pre-dial-facts.json"),
        "--policy",
        str(POLICY),
        "--nix",
        str(NIX),
        "--lang",
        "en",
    )
    assert code == 1 and "not allowed" in out, err
