"""``audit --format text|json|csv|html``: the reports of ``check calls`` built from the
findings table's summary. The engine's reports say what the reference's say — the same
counts, rules, findings listed in the same order with the same messages in Swedish and
English, the same rejected lines in their places — except the evidence, which the findings
table does not hold."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

from kontakta_rules.cli import main
from kontakta_rules.columnar.findings import argument, message
from kontakta_rules.i18n import Message

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CALLS = str(EXAMPLES / "calls.jsonl")
STACK = ["--policy", str(EXAMPLES / "policy.toml"), "--nix", str(EXAMPLES / "nix-register.txt")]


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    assert err.getvalue() == ""
    return code, out.getvalue()


def check_calls(fmt: str, lang: str, listing: str) -> tuple[int, str]:
    return run(
        "check", "calls", CALLS, *STACK, "--format", fmt, "--findings", listing, "--lang", lang
    )


def audit(engine: str, fmt: str, lang: str, listing: str) -> tuple[int, str]:
    return run(
        "audit", CALLS, *STACK, "--engine", engine, "--format", fmt, "--findings", listing,
        "--lang", lang,
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_text_report_is_the_one_check_calls_writes(lang: str) -> None:
    expected = check_calls("text", lang, "problems")
    assert audit("duckdb", "text", lang, "problems") == expected
    assert audit("reference", "text", lang, "problems") == expected
    assert expected[0] == 2 and "EXB-2017" in expected[1]


def test_a_report_from_a_csv_findings_table_is_the_same(tmp_path: Path) -> None:
    """With ``--out findings.csv`` the report is read back from the CSV table (its lines in
    number order, not text order: the examples have more than nine records)."""
    table = tmp_path / "findings.csv"
    expected = check_calls("text", "en", "problems")
    code, out = run(
        "audit", CALLS, *STACK, "--engine", "duckdb", "--format", "text", "--out", str(table),
        "--lang", "en",
    )  # fmt: skip
    assert (code, out) == expected
    assert table.read_text(encoding="utf-8").startswith("line,call_id,")


def _without_evidence(text: str) -> object:
    data = json.loads(text)
    for finding in data["findings"]:
        finding.pop("evidence")
    return data


@pytest.mark.parametrize(("lang", "listing"), [("sv", "all"), ("en", "problems")])
def test_the_json_report_is_the_one_check_calls_writes_but_the_evidence(
    lang: str, listing: str
) -> None:
    code, expected = check_calls("json", lang, listing)
    code_r, by_reference = audit("reference", "json", lang, listing)
    code_d, by_duckdb = audit("duckdb", "json", lang, listing)
    assert code == code_r == code_d == 2
    assert by_reference == expected
    assert _without_evidence(by_duckdb) == _without_evidence(expected)
    data = json.loads(by_duckdb)
    assert data["findings"] and all(f["evidence"] == {} for f in data["findings"])
    assert len(data["rejected"]) == 2


def test_the_csv_and_html_reports_list_the_same_rows() -> None:
    for fmt in ("csv", "html"):
        code, expected = check_calls(fmt, "sv", "problems")
        assert audit("reference", fmt, "sv", "problems") == (code, expected)
        _, by_duckdb = audit("duckdb", fmt, "sv", "problems")
        if fmt == "csv":
            assert by_duckdb == expected  # no evidence column in a problems listing
        else:
            # the same page but the evidence cells, which the engine leaves empty
            evidence = re.compile(r"<td><dl>.*?</dl></td>")
            assert evidence.findall(expected) and not evidence.findall(by_duckdb)
            assert by_duckdb == evidence.sub("<td></td>", expected)


def test_message_arguments_are_restored_from_their_json_form() -> None:
    assert argument("2026-06-11") == dt.date(2026, 6, 11)
    moment = argument("2026-10-25 02:30:00.000000")
    assert moment.isoformat().startswith("2026-10-25T02:30:00") and moment.tzinfo is not None
    assert argument(["a", "2026-01-02"]) == ("a", dt.date(2026, 1, 2))
    nested = argument({"msgid": "the record does not say {field}", "args": {"field": "nix"}})
    assert nested == Message("the record does not say {field}", {"field": "nix"})
    assert argument("EXB-1001") == "EXB-1001" and argument(3) == 3
    rendered = message("the person asked on {date} not to be called again", {"date": "2026-06-11"})
    assert rendered.render("en") == "the person asked on 11 June 2026 not to be called again"
    assert rendered.render("sv") == "personen bad 11 juni 2026 om att inte bli uppringd igen"
