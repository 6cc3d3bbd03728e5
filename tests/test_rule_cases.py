"""Rule cases as data: for every automatic call rule of every bundled ruleset version, at least
one compliant case, one violation and one boundary case, judged by the public evaluator.

Each file in ``tests/data/call_cases/`` is named ``<ruleset-id>@<version>.toml`` and holds
``[[case]]`` tables::

    [[case]]
    rule = "check-before-call"      # a rule id of that version
    expect = "compliant"            # compliant | violation | not_applicable | undetermined
    boundary = true                 # at or one step beside a limit
    why = "One line of English."
    xfail_reason = "..."            # optional: the evaluator is believed wrong here (why)

    [case.record]                   # one JSON Lines call record, written as TOML
    call_id = "..."                 # timestamps and dates as strings, exactly as in JSON

    [[case.batch]]                  # optional: more records judged in the same batch
    call_id = "..."

The version is pinned and the overlay is ``tests/data/overlays/cases-policy.toml``; every
record must start inside the version's lifetime and its rule's window (Stockholm date).
A case with ``xfail_reason`` states the outcome believed right; it runs as a strict xfail
and does not count towards coverage.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from attrs import frozen

from kontakta_rules.catalog import Catalog, CatalogError, parse_ref
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.model import Finding, Overlay, Rule, Ruleset
from kontakta_rules.subjects.call_io import record_from_data
from kontakta_rules.subjects.call_record import CallRecord
from kontakta_rules.vocabulary import Outcome, SubjectKind

DATA = Path(__file__).parent / "data"
CASES_DIR = DATA / "call_cases"
POLICY = DATA / "overlays" / "cases-policy.toml"
STOCKHOLM = ZoneInfo("Europe/Stockholm")

REQUIRED_KEYS = ("rule", "expect", "boundary", "why", "record")
OPTIONAL_KEYS = ("batch", "xfail_reason")
OUTCOMES = tuple(o.value for o in Outcome)
NEEDED = ("compliant", "violation", "boundary")

COVERAGE_EXCEPTIONS: dict[tuple[str, str, str], str] = {}
"""``(ruleset@version, rule id, "compliant" | "violation" | "boundary")`` -> why no case can
have it. Keep it empty unless a rule truly cannot produce that outcome; an entry that a case
covers after all fails :func:`test_coverage_exceptions_are_real_and_still_needed`."""


def automatic_call_rules(rs: Ruleset) -> list[Rule]:
    return [r for r in rs.rules if SubjectKind.CALL in r.applies_to and r.automatic]


# --------------------------------------------------------------------------- case files


def _not_json(value: object, path: str) -> str | None:
    """Where ``value`` holds something a JSON Lines record cannot (a TOML date or time)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _not_json(item, f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _not_json(item, f"{path}[{i}]")
            if found:
                return found
        return None
    try:
        json.dumps(value)
    except TypeError:
        return path
    return None


def _record_problems(raw: object, where: str, source: str) -> tuple[CallRecord | None, list[str]]:
    if not isinstance(raw, Mapping):
        return None, [f"{where}: expected a table, got {type(raw).__name__}"]
    bad = _not_json(raw, where)
    if bad:
        return None, [
            f"{bad}: not JSON-shaped; write timestamps and dates as strings, as in JSON Lines"
        ]
    record = record_from_data(raw, source, 0)
    if not isinstance(record, CallRecord):
        return None, [f"{where}: not a valid call record: {record.reason.en}"]
    return record, []


def case_file_problems(
    name: str, data: Mapping[str, Any], catalog: Catalog | None = None
) -> list[str]:
    """Everything wrong with one case file (``name`` is its file name), as readable lines."""
    catalog = catalog or Catalog.default()
    if not name.endswith(".toml"):
        return [f"{name}: a case file is named <ruleset-id>@<version>.toml"]
    try:
        ruleset_id, version = parse_ref(name.removesuffix(".toml"))
        if version is None:
            return [f"{name}: the file name needs the version: <ruleset-id>@<version>.toml"]
        rs = catalog.get(ruleset_id, version)
    except CatalogError as exc:
        return [f"{name}: {exc}"]
    rules = {r.id: r for r in rs.rules}
    until = catalog.valid_until(rs)
    problems = [f"{name}: unknown key {key!r}" for key in sorted(set(data) - {"case"})]
    cases = data.get("case")
    if not isinstance(cases, list) or not cases:
        return [*problems, f"{name}: no [[case]] tables"]
    for i, case in enumerate(cases, start=1):
        where = f"{name}: case {i}"
        if not isinstance(case, Mapping):
            problems.append(f"{where}: expected a table")
            continue
        problems += [f"{where}: missing {key!r}" for key in REQUIRED_KEYS if key not in case]
        problems += [
            f"{where}: unknown key {key!r}"
            for key in sorted(set(case) - {*REQUIRED_KEYS, *OPTIONAL_KEYS})
        ]
        rule = rules.get(str(case.get("rule")))
        if "rule" in case and rule is None:
            problems.append(
                f"{where}: {rs.ref} has no rule {case['rule']!r}; rules: {', '.join(rules)}"
            )
        elif rule is not None and rule not in automatic_call_rules(rs):
            problems.append(f"{where}: {rule.id} is not an automatic call rule")
        if "expect" in case and case["expect"] not in OUTCOMES:
            problems.append(f"{where}: expect {case['expect']!r} is not one of {OUTCOMES}")
        if "boundary" in case and not isinstance(case["boundary"], bool):
            problems.append(f"{where}: boundary must be true or false")
        for key in ("why", "xfail_reason"):
            text = case.get(key, "x")
            if not isinstance(text, str) or not text.strip() or "\n" in text:
                problems.append(f"{where}: {key} must be one non-empty line")
        if "record" not in case:
            continue
        record, found = _record_problems(case["record"], f"{where}: record", name)
        problems += found
        batch = case.get("batch", [])
        if not isinstance(batch, list):
            problems.append(f"{where}: batch must be an array of tables")
            batch = []
        ids = [] if record is None else [record.call_id]
        for j, raw in enumerate(batch, start=1):
            extra, found = _record_problems(raw, f"{where}: batch {j}", name)
            problems += found
            if extra is not None:
                ids.append(extra.call_id)
        if len(ids) != len(set(ids)):
            problems.append(f"{where}: call_id values repeat within the case")
        if record is not None and rule is not None:
            day = record.started_at.astimezone(STOCKHOLM).date()
            if day < rs.version or (until is not None and day >= until):
                problems.append(
                    f"{where}: the call ({day}) is outside {rs.ref}, "
                    f"in force {rs.version} to {until or 'now'}"
                )
            elif not rule.in_force_on(day, rs.version):
                problems.append(f"{where}: {rule.id} is not in force on {day}")
    return problems


@frozen
class Case:
    ruleset_id: str
    version: dt.date
    index: int
    rule: str
    expect: str
    boundary: bool
    why: str
    record: Mapping[str, Any]
    batch: tuple[Mapping[str, Any], ...] = ()
    xfail_reason: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.ruleset_id}@{self.version.isoformat()}"

    @property
    def id(self) -> str:
        return f"{self.ref}/{self.rule}/{self.index}"


def case_files() -> list[Path]:
    return sorted(CASES_DIR.iterdir())


def load_cases() -> list[Case]:
    """Every case of every file; a file that cannot be read is left to the validity test."""
    cases = []
    for path in case_files():
        try:
            ruleset_id, version = parse_ref(path.name.removesuffix(".toml"))
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (CatalogError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
        if version is None:
            continue
        for index, raw in enumerate(data.get("case", []), start=1):
            cases.append(
                Case(
                    ruleset_id,
                    version,
                    index,
                    raw.get("rule"),
                    raw.get("expect"),
                    raw.get("boundary"),
                    raw.get("why"),
                    raw.get("record"),
                    tuple(raw.get("batch", ())),
                    raw.get("xfail_reason"),
                )
            )
    return cases


CASES = load_cases()


# --------------------------------------------------------------------------- evaluation


@functools.cache
def policy() -> Overlay:
    return load_overlay(POLICY)


@functools.cache
def evaluator(ruleset_id: str, version: dt.date) -> CallEvaluator:
    return CallEvaluator(pins={ruleset_id: version}, overlay=policy())


def judge(case: Case) -> Finding:
    """The finding of the case's rule on the case's record, its batch judged alongside."""
    records = []
    for raw in (case.record, *case.batch):
        record = record_from_data(raw, case.id, len(records) + 1)
        if not isinstance(record, CallRecord):
            pytest.fail(f"{case.id}: not a valid call record: {record.reason.en}")
        records.append(record)
    report = evaluator(case.ruleset_id, case.version).evaluate(enumerate(records, start=1))
    found = [
        f
        for f in report.findings
        if f.ruleset_id == case.ruleset_id
        and f.rule_id == case.rule
        and f.subject_id == records[0].call_id
    ]
    assert len(found) == 1, (
        f"{case.id}: {len(found)} findings for the rule; is the call inside the version and "
        "the rule's window?"
    )
    assert found[0].ruleset_version == case.version
    return found[0]


def _param(case: Case) -> Any:
    marks = []
    if case.xfail_reason:
        marks.append(pytest.mark.xfail(strict=True, reason=case.xfail_reason))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_rule_case(case: Case) -> None:
    finding = judge(case)
    assert finding.outcome == case.expect, (
        f"{case.id}: expected {case.expect}, the evaluator says {finding.outcome.value}\n"
        f"  case: {case.why}\n"
        f"  evaluator: {finding.message.get('en')}"
    )


# --------------------------------------------------------------------------- coverage


def test_every_automatic_call_rule_has_compliant_violation_and_boundary_cases() -> None:
    have: dict[tuple[str, str], set[str]] = defaultdict(set)
    for case in CASES:
        if case.xfail_reason:
            continue  # a case the evaluator gets wrong proves nothing about coverage
        have[(case.ref, case.rule)].add(case.expect)
        if case.boundary:
            have[(case.ref, case.rule)].add("boundary")
    missing = [
        f"{rs.ref} {rule.id}: no {need} case"
        for rs in Catalog.default()
        for rule in automatic_call_rules(rs)
        for need in NEEDED
        if need not in have[(rs.ref, rule.id)]
        and (rs.ref, rule.id, need) not in COVERAGE_EXCEPTIONS
    ]
    assert not missing, "\n".join(missing)


def test_coverage_exceptions_are_real_and_still_needed() -> None:
    catalog = Catalog.default()
    for (ref, rule_id, need), reason in COVERAGE_EXCEPTIONS.items():
        rs = catalog.resolve(ref)
        assert rule_id in {r.id for r in automatic_call_rules(rs)}, (ref, rule_id)
        assert need in NEEDED and reason.strip()
        covered = any(
            c.ref == ref
            and c.rule == rule_id
            and not c.xfail_reason
            and (c.boundary if need == "boundary" else c.expect == need)
            for c in CASES
        )
        assert not covered, f"{ref} {rule_id} {need}: a case covers it; drop the exception"


def test_the_policy_sets_every_parameter_the_call_rules_need() -> None:
    settings = policy().settings
    missing = [
        f"{rs.ref} {rule.id}: {name}"
        for rs in Catalog.default()
        for rule in automatic_call_rules(rs)
        for _, name, _ in rule.check.parameter_refs()
        if name not in settings and rs.parameters[name].value is None
    ]
    assert not missing


# --------------------------------------------------------------------------- the files


def test_every_version_with_automatic_call_rules_has_a_case_file() -> None:
    expected = {rs.ref for rs in Catalog.default() if automatic_call_rules(rs)}
    assert {p.name.removesuffix(".toml") for p in case_files()} == expected


@pytest.mark.parametrize("path", case_files(), ids=lambda p: p.name)
def test_case_file_is_valid(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert case_file_problems(path.name, data) == []


GOOD_RECORD = {
    "call_id": "t-1",
    "started_at": "2019-03-05T10:00:00+01:00",
    "ended_at": "2019-03-05T10:04:00+01:00",
    "calling_organisation": "Acme AB",
    "destination": "070-174 06 05",
    "purpose": "sales",
    "nix": {"checked": True, "register_updated": "2019-02-15", "listed": False},
}
GOOD_CASE = {
    "rule": "check-before-call",
    "expect": "compliant",
    "boundary": False,
    "why": "Checked in time.",
    "record": GOOD_RECORD,
}


def test_a_good_in_memory_case_file_has_no_problems() -> None:
    assert case_file_problems("nix-telefon@2017-07-01.toml", {"case": [GOOD_CASE]}) == []


@pytest.mark.parametrize(
    ("name", "change", "words"),
    [
        ("nix-telefon@2017-07-01.toml", {"rule": "no-such-rule"}, "has no rule 'no-such-rule'"),
        (
            "nix-telefon@2017-07-01.toml",
            {"rule": "list-vendor-responsibility"},
            "not an automatic call rule",
        ),
        ("nix-telefon@2017-07-02.toml", {}, "has no version 2017-07-02"),
        ("nix-telephone@2017-07-01.toml", {}, "no ruleset nix-telephone"),
        ("nix-telefon.toml", {}, "needs the version"),
        ("nix-telefon@2017-07-01.json", {}, "is named <ruleset-id>@<version>.toml"),
        ("nix-telefon@2017-07-01.toml", {"expect": "ok"}, "is not one of"),
        ("nix-telefon@2017-07-01.toml", {"boundary": "yes"}, "boundary must be"),
        ("nix-telefon@2017-07-01.toml", {"why": "two\nlines"}, "why must be one"),
        ("nix-telefon@2017-07-01.toml", {"expected": "compliant"}, "unknown key 'expected'"),
        (
            "nix-telefon@2017-07-01.toml",
            {"record": GOOD_RECORD | {"started_at": dt.datetime(2019, 3, 5, 10, tzinfo=STOCKHOLM)}},
            "not JSON-shaped",
        ),
        (
            "nix-telefon@2017-07-01.toml",
            {"record": GOOD_RECORD | {"destination": "+47 22 00 00 00"}},
            "not a valid call record",
        ),
        (
            "nix-telefon@1999-11-01.toml",
            {},
            "outside nix-telefon@1999-11-01",
        ),
        (
            "nix-telefon@2017-07-01.toml",
            {"batch": [GOOD_RECORD]},
            "call_id values repeat",
        ),
    ],
)
def test_case_file_problems_are_reported(name: str, change: dict[str, object], words: str) -> None:
    problems = case_file_problems(name, {"case": [GOOD_CASE | change]})
    assert any(words in p for p in problems), problems


def test_a_rule_outside_its_window_is_reported() -> None:
    case = {
        "rule": "record-offer-and-consent",
        "expect": "violation",
        "boundary": True,
        "why": "The day before the recording rule starts.",
        "record": GOOD_RECORD
        | {
            "started_at": "2021-08-31T10:00:00+02:00",
            "ended_at": "2021-08-31T10:04:00+02:00",
            "offer_category": "broadband",
            "recorded_segments": [],
        },
    }
    problems = case_file_problems("telemarketing-b2c@2021-07-01.toml", {"case": [case]})
    assert problems == [
        "telemarketing-b2c@2021-07-01.toml: case 1: record-offer-and-consent is not in force "
        "on 2021-08-31"
    ]
