"""Odd and hostile input files: every one gets a clear rejection naming the file, the line and
the field, or an honest ``undetermined`` — never a traceback, never a silently wrong answer."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kontakta_rules.cli import main
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import LoadError, load_overlay
from kontakta_rules.model import RejectedInput
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects import CallRecord
from kontakta_rules.subjects.call_io import read_call_records
from kontakta_rules.subjects.process_io import read_contacts
from kontakta_rules.vocabulary import Outcome

EXAMPLES = Path(__file__).parents[1] / "examples"

GOOD = {
    "call_id": "c1",
    "started_at": "2026-03-02T10:00:00+01:00",
    "ended_at": "2026-03-02T10:04:00+01:00",
    "calling_organisation": "Acme AB",
    "destination": "070-174 06 05",
    "purpose": "sales",
    "caller_id_shown": True,
    "initiated_by": "trader",
    "disclosures": [{"item": "company-or-principal", "at_seconds": 3}],
    "do_not_call_requests": [],
}
HEADER = "call_id,started_at,ended_at,calling_organisation,destination,purpose"
ROW = "c1,2026-03-02T10:00:00+01:00,2026-03-02T10:04:00+01:00,Acme AB,070-174 06 05,sales"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def decide_with_register(register: Path, lang: str) -> tuple[int, str, str]:
    return run(
        "decide", "070-174 06 05", "--at", "2026-11-24T10:00+01:00", "--purpose", "sales",
        "--nix", str(register), "--lang", lang,
    )  # fmt: skip


def jsonl(tmp_path: Path, *lines: object, name: str = "calls.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def items(path: Path) -> list[tuple[int, CallRecord | RejectedInput]]:
    return list(read_call_records(path))


def only_rejection(path: Path, line: int) -> RejectedInput:
    found = dict(items(path))
    item = found[line]
    assert isinstance(item, RejectedInput), item
    return item


# --------------------------------------------------------------------------- 1. at_seconds


@pytest.mark.parametrize("seconds", ["NaN", "-5", "-1e308", "Infinity", "-Infinity", "1e400"])
def test_a_disclosure_time_that_is_not_a_real_moment_is_rejected_in_json(
    tmp_path: Path, seconds: str
) -> None:
    line = json.dumps(GOOD).replace('"at_seconds": 3', f'"at_seconds": {seconds}')
    rejected = only_rejection(jsonl(tmp_path, GOOD, line), 2)
    assert "at_seconds" in rejected.reason.en or "JSON" in rejected.reason.en


@pytest.mark.parametrize("seconds", ["nan", "-5", "-1e308", "inf", "Infinity"])
def test_a_disclosure_time_that_is_not_a_real_moment_is_rejected_in_csv(
    tmp_path: Path, seconds: str
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        f"{HEADER},disclosures\n{ROW},company-or-principal@{seconds}\n", encoding="utf-8"
    )
    rejected = only_rejection(path, 2)
    assert "$.disclosures[0].at_seconds" in rejected.reason.en


def test_a_decimal_comma_in_a_disclosure_time_is_read() -> None:
    from kontakta_rules.subjects.call_io import row_to_data

    assert row_to_data({"disclosures": "agent-name@4,5"})["disclosures"] == [
        {"item": "agent-name", "at_seconds": 4.5}
    ]


# --------------------------------------------------------------------------- 2. duplicated columns


def test_a_csv_with_a_duplicated_column_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        f"{HEADER},caller_id_shown,caller_id_shown\n{ROW},false,true\n", encoding="utf-8"
    )
    with pytest.raises(LoadError) as info:
        items(path)
    assert "caller_id_shown" in str(info.value) and "7" in str(info.value)


def test_a_contact_log_with_a_duplicated_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "channel,received,answered,resolved,complaint,complaint\n"
        "email,2026-11-09T06:39:18+01:00,,,no,yes\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="complaint"):
        read_contacts(path)


# --------------------------------------------------------------------------- 4. records before rules


def test_records_dated_before_any_rules_are_rejected_not_dropped(tmp_path: Path) -> None:
    old = {**GOOD, "call_id": "old", "started_at": "1900-01-02T10:00:00+01:00"}
    old["ended_at"] = "1900-01-02T10:05:00+01:00"
    year_one = {
        **GOOD,
        "call_id": "y1",
        "started_at": "0001-01-02T10:00:00+00:00",
        "ended_at": "0001-01-02T10:05:00+00:00",
    }
    path = jsonl(tmp_path, old, year_one)
    code, out, _ = run("check", "calls", str(path), "--lang", "en")
    assert code == 2, out
    assert "0 records evaluated, 2 rejected" in out
    assert "line 1" in out and "line 2" in out


def test_every_line_of_an_audit_is_counted(tmp_path: Path) -> None:
    report = CallEvaluator().evaluate(
        items(jsonl(tmp_path, GOOD, {**GOOD, "call_id": "c2", "started_at": "1980-01-01T10:00Z"}))
    )
    assert report.subject_count + len(report.rejected) == 2


# --------------------------------------------------------------------------- 10. odd values


def test_an_empty_call_id_is_rejected(tmp_path: Path) -> None:
    rejected = only_rejection(jsonl(tmp_path, {**GOOD, "call_id": "  "}), 1)
    assert "$.call_id" in rejected.reason.en


@pytest.mark.parametrize(
    "change",
    [
        {"started_at": "9999-12-31T10:00:00+01:00", "ended_at": "9999-12-31T10:05:00+01:00"},
        {"customer": {"product_category": "el", "started": "2020-01-01", "ended": "9999-12-31"}},
        {"consent": {"organisations": ["Acme AB"], "given_at": "9999-01-01T10:00:00Z"}},
    ],
)
def test_dates_far_outside_any_call_are_rejected(tmp_path: Path, change: dict[str, object]) -> None:
    rejected = only_rejection(jsonl(tmp_path, {**GOOD, **change}), 1)
    assert "1900" in rejected.reason.en and "2099" in rejected.reason.en


# --------------------------------------------------------------------------- 11. duplicate ids


def test_duplicate_call_ids_are_counted_and_reported(tmp_path: Path) -> None:
    path = jsonl(tmp_path, GOOD, GOOD, GOOD)
    code, out, _ = run("check", "calls", str(path), "--lang", "en", "--format", "json")
    data = json.loads(out)
    assert code == 2
    assert data["subjects"] + len(data["rejected"]) == 3
    assert [r["line"] for r in data["rejected"]] == [2, 3]
    assert all("c1" in r["reason"] and "line 1" in r["reason"] for r in data["rejected"])


# --------------------------------------------------------------------------- 14. none in CSV lists


def test_known_to_be_none_in_a_csv_list_is_written_as_empty_brackets(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        f"{HEADER},do_not_call_requests,recorded_segments\n{ROW},[],[]\n{ROW.replace('c1', 'c2')},;,\n",
        encoding="utf-8",
    )
    (_, first), (_, second) = items(path)
    assert isinstance(first, CallRecord)
    assert first.do_not_call_requests == () and first.recorded_segments == ()
    assert isinstance(second, RejectedInput) and "[]" in second.reason.en


# --------------------------------------------------------------------------- tracebacks


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_check_calls_on_a_missing_file_or_a_directory_is_a_clear_error(
    tmp_path: Path, what: str
) -> None:
    path = tmp_path / "nothing.jsonl" if what == "missing" else tmp_path
    code, _out, err = run("check", "calls", str(path), "--lang", "en")
    assert code == 2 and "Traceback" not in err
    assert str(path) in err


def _bytes_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_non_utf8_bytes_in_json_lines_reject_that_line_only(tmp_path: Path) -> None:
    good = json.dumps(GOOD).encode()
    bad = json.dumps({**GOOD, "call_id": "c2"}).encode().replace(b"Acme", b"Acm\xe9")
    path = _bytes_file(tmp_path, "calls.jsonl", good + b"\n" + bad + b"\n")
    found = items(path)
    assert isinstance(found[0][1], CallRecord)
    assert found[1][0] == 2 and isinstance(found[1][1], RejectedInput)
    assert "UTF-8" in found[1][1].reason.en


def test_non_utf8_bytes_in_a_csv_row_reject_that_row(tmp_path: Path) -> None:
    data = (
        f"{HEADER}\n{ROW}\n".encode()
        + ROW.replace("c1", "c2").encode().replace(b"Acme", b"Acm\xe9")
        + b"\n"
    )
    found = items(_bytes_file(tmp_path, "calls.csv", data))
    assert isinstance(found[0][1], CallRecord)
    assert isinstance(found[1][1], RejectedInput) and "UTF-8" in found[1][1].reason.en


def test_non_utf8_bytes_in_an_overlay_name_the_file_and_line(tmp_path: Path) -> None:
    path = _bytes_file(tmp_path, "policy.toml", b'kind = "overlay"\nid = "x\xff"\n')
    with pytest.raises(LoadError) as info:
        load_overlay(path)
    assert "policy.toml" in str(info.value) and "line 2" in str(info.value)
    code, _, err = run("validate", str(path), "--lang", "sv")
    assert code == 1 and "Traceback" not in err and "codec" not in err


def test_non_utf8_bytes_in_a_register_name_the_line(tmp_path: Path) -> None:
    path = _bytes_file(tmp_path, "nix.txt", b"# updated: 2026-11-01\n0701740605\n070\xff1740606\n")
    with pytest.raises(LoadError, match="line 3"):
        NixRegister.load(path)


def test_deeply_nested_json_and_huge_numbers_are_rejected_lines(tmp_path: Path) -> None:
    path = jsonl(tmp_path, "[" * 100_000, '{"call_id": ' + "1" * 5001 + "}", GOOD)
    found = items(path)
    assert [type(item).__name__ for _, item in found] == [
        "RejectedInput",
        "RejectedInput",
        "CallRecord",
    ]


def test_a_superscript_digit_in_a_number_is_an_error_not_a_crash(tmp_path: Path) -> None:
    rejected = only_rejection(jsonl(tmp_path, {**GOOD, "destination": "070-174 06 0²"}), 1)
    assert "$.destination" in rejected.reason.en
    register = _bytes_file(tmp_path, "nix.txt", "# updated: 2026-11-01\n070174060²\n".encode())
    with pytest.raises(LoadError, match="line 2"):
        NixRegister.load(register)


BOM = b"\xef\xbb\xbf"


def test_excel_utf8_bom_is_accepted_everywhere(tmp_path: Path) -> None:
    calls = _bytes_file(tmp_path, "calls.csv", BOM + f"{HEADER}\n{ROW}\n".encode())
    assert isinstance(items(calls)[0][1], CallRecord)
    lines = _bytes_file(tmp_path, "calls.jsonl", BOM + json.dumps(GOOD).encode() + b"\n")
    assert isinstance(items(lines)[0][1], CallRecord)
    register = _bytes_file(tmp_path, "nix.txt", BOM + b"# updated: 2026-11-01\n0701740605\n")
    assert NixRegister.load(register).updated.isoformat() == "2026-11-01"
    contacts = _bytes_file(tmp_path, "contacts.csv", BOM + (EXAMPLES / "contacts.csv").read_bytes())
    assert read_contacts(contacts)[0]
    policy = _bytes_file(tmp_path, "policy.toml", BOM + (EXAMPLES / "policy.toml").read_bytes())
    assert load_overlay(policy).id == "exempelbolaget-policy"


def test_semicolon_separated_csv_from_a_swedish_excel_is_read(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    header = HEADER.replace(",", ";") + ";do_not_call_requests;disclosures"
    row = ROW.replace(",", ";") + ';[];"company-or-principal@3;commercial-purpose@7,5"'
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    ((_, record),) = items(path)
    assert isinstance(record, CallRecord), record
    assert record.calling_organisation == "Acme AB"
    assert [d.at_seconds for d in record.disclosures or ()] == [3.0, 7.5]
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        (EXAMPLES / "contacts.csv").read_text(encoding="utf-8").replace(",", ";"),
        encoding="utf-8",
    )
    found, rejected = read_contacts(contacts)
    assert found and not rejected


# --------------------------------------------------------------------------- 5. NIX register


def test_an_empty_register_is_refused_unless_intended(tmp_path: Path) -> None:
    path = tmp_path / "nix.txt"
    path.write_text("# updated: 2026-11-01\n# nothing else\n", encoding="utf-8")
    with pytest.raises(LoadError, match="no numbers"):
        NixRegister.load(path)
    assert len(NixRegister.load(path, allow_empty=True)) == 0
    code, _, err = decide_with_register(path, "en")
    assert code == 2 and "no numbers" in err


def test_conflicting_update_headers_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nix.txt"
    path.write_text("# updated: 2026-11-01\n0701740605\n# updated: 2026-11-15\n", encoding="utf-8")
    with pytest.raises(LoadError, match=r"2026-11-01.*2026-11-15|2026-11-15.*2026-11-01"):
        NixRegister.load(path)
    same = tmp_path / "same.txt"
    same.write_text("# updated: 2026-11-01\n0701740605\n# updated: 2026-11-01\n", encoding="utf-8")
    assert NixRegister.load(same).updated.isoformat() == "2026-11-01"


def test_a_file_that_is_no_register_is_not_echoed_back(tmp_path: Path) -> None:
    secret = "root:x:0:0:root:/root:/bin/bash-with-a-long-secret-tail-" + "s3cr3t" * 20
    path = tmp_path / "passwd"
    path.write_text("\n".join([secret] * 200) + "\n", encoding="utf-8")
    code, _, err = decide_with_register(path, "en")
    assert code == 2
    assert "s3cr3ts3cr3t" not in err
    assert len(err) < 8_000
    assert "201 problems found" in err  # 200 bad lines and the missing date, all counted


# --------------------------------------------------------------------------- undetermined, not compliant


def test_non_finite_seconds_never_make_an_opening_compliant() -> None:
    from kontakta_rules.subjects.call_record import Disclosed

    with pytest.raises(ValueError):
        Disclosed("company-or-principal", float("nan"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Disclosed("company-or-principal", -5)  # type: ignore[arg-type]


def test_the_example_audit_still_finds_what_it_found(tmp_path: Path) -> None:
    code, out, _ = run(
        "check",
        "calls",
        str(EXAMPLES / "calls.jsonl"),
        "--policy",
        str(EXAMPLES / "policy.toml"),
        "--nix",
        str(EXAMPLES / "nix-register.txt"),
        "--lang",
        "en",
        "--format",
        "json",
    )
    data = json.loads(out)
    assert code == 2 and data["subjects"] == 41 and len(data["rejected"]) == 2
    assert data["counts"][Outcome.VIOLATION.value] > 0


def test_contact_times_far_outside_any_contact_are_rejected_rows(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "channel,received,answered,resolved,complaint\n"
        "email,0001-01-01T00:30:00+01:00,0001-01-01T00:40:00+01:00,,no\n"
        "email,9999-12-31T23:00:00-01:00,,,yes\n"
        "email,2026-11-09T06:39:18+01:00,,,no\n",
        encoding="utf-8",
    )
    contacts, rejected = read_contacts(path)
    assert len(contacts) == 1 and [r.line for r in rejected] == [2, 3]
    code, _, err = run(
        "check", "process", str(EXAMPLES / "service-process-good.toml"), "--contacts", str(path)
    )
    assert code == 2 and "internal error" not in err
