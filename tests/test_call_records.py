"""Call records from JSON Lines and CSV: every line evaluated or rejected with its reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from kontakta_rules.loading import LoadError
from kontakta_rules.model import RejectedInput
from kontakta_rules.schema import call_record_schema
from kontakta_rules.subjects import CallRecord
from kontakta_rules.subjects.call_io import CSV_COLUMNS, read_call_records

GOOD = {
    "call_id": "c1",
    "started_at": "2026-03-02T10:00:00+01:00",
    "ended_at": "2026-03-02T10:04:00+01:00",
    "calling_organisation": "Acme AB",
    "destination": "070-174 06 05",
    "purpose": "sales",
    "nix": {"checked": True, "register_updated": "2026-02-15", "listed": False},
    "disclosures": [{"item": "company-or-principal", "at_seconds": 3}],
    "consent": {"organisations": ["Acme AB"], "given_at": "2026-01-10T12:00:00Z"},
    "do_not_call_requests": [],
}


def _jsonl(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "calls.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n",
        encoding="utf-8",
    )
    return path


def test_good_record_is_normalised(tmp_path: Path) -> None:
    ((line, record),) = list(read_call_records(_jsonl(tmp_path, GOOD)))
    assert line == 1 and isinstance(record, CallRecord)
    assert record.destination == "+46701740605"
    assert record.started_at.utcoffset() == dt.timedelta(hours=1)
    assert record.nix is not None and record.nix.register_updated == dt.date(2026, 2, 15)
    assert record.consent is not None and record.consent.given_at.tzinfo is not None
    assert record.recorded_segments is None, "absent means not known"
    assert record.do_not_call_requests == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"started_at": "2026-03-02T10:00:00"},
            "$.started_at: the timestamp 2026-03-02T10:00:00 has no timezone",
        ),
        (
            {"destination": "+47 22 00 00 00"},
            "$.destination: +47 22 00 00 00: not a Swedish number",
        ),
        ({"purpose": "selling"}, "$.purpose: expected one of sales"),
        ({"colour": "blue"}, "$.colour: unknown key"),
        ({"nix": {"checked": "yes"}}, "$.nix.checked: expected true or false"),
        (
            {"ended_at": "2026-03-02T09:00:00+01:00"},
            "$.ended_at: the call ends before it starts",
        ),
    ],
)
def test_bad_records_are_rejected_with_line_and_reason(
    tmp_path: Path, change: dict[str, object], reason: str
) -> None:
    items = list(read_call_records(_jsonl(tmp_path, GOOD, {**GOOD, **change})))
    assert [line for line, _ in items] == [1, 2]
    rejected = items[1][1]
    assert isinstance(rejected, RejectedInput) and rejected.line == 2
    assert rejected.reason.en.startswith(reason), rejected.reason.en
    assert rejected.reason.sv and rejected.reason.sv != rejected.reason.en


def test_every_line_is_accounted_for(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, GOOD, "not json", "", "[1, 2]", GOOD)
    items = list(read_call_records(path))
    assert [line for line, _ in items] == [1, 2, 4, 5]
    assert [type(item).__name__ for _, item in items] == [
        "CallRecord",
        "RejectedInput",
        "RejectedInput",
        "CallRecord",
    ]


CSV = """call_id,started_at,ended_at,calling_organisation,destination,purpose,caller_id_shown,nix_checked,nix_register_updated,nix_listed,disclosures,recorded_segments,consent_organisations,consent_given_at
c1,2026-03-02T10:00:00+01:00,2026-03-02T10:04:00+01:00,Acme AB,070-174 06 05,sales,ja,true,2026-02-15,false,company-or-principal@3;commercial-purpose@7,offer-presentation;acceptance,Acme AB;Beta AB,2026-01-10T12:00:00Z
c2,2026-03-02T10:00:00+01:00,2026-03-02T10:04:00+01:00,Acme AB,070-174 06 05,sales,maybe,,,,,,,
"""


def test_csv_columns_map_to_the_record(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(CSV, encoding="utf-8")
    (l1, r1), (l2, r2) = list(read_call_records(path))
    assert isinstance(r1, CallRecord) and (l1, l2) == (2, 3)
    assert r1.caller_id_shown is True and r1.nix is not None and r1.nix.listed is False
    assert [(d.item.value, d.at_seconds) for d in r1.disclosures or ()] == [
        ("company-or-principal", 3.0),
        ("commercial-purpose", 7.0),
    ]
    assert r1.consent is not None and r1.consent.organisations == ("Acme AB", "Beta AB")
    assert (
        isinstance(r2, RejectedInput)
        and "$.caller_id_shown: expected true or false" in r2.reason.en
    )


def test_csv_with_an_unknown_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("call_id,colour\nc1,blue\n", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown column colour"):
        list(read_call_records(path))
    assert "nix_register_updated" in CSV_COLUMNS


def test_call_record_schema_accepts_a_good_record() -> None:
    schema = call_record_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(GOOD, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**GOOD, "colour": 1}, schema)
