"""The example data in examples/ (a fictitious company's policy, NIX snapshot and call records)
runs through the evaluator and the README's command, and between them exercises every call
rule of every ruleset version the records pick."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest

from kontakta_rules.cli import main
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.model import RejectedInput, Report, Rule, Ruleset
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects.call_io import read_call_records
from kontakta_rules.subjects.call_record import CallRecord
from kontakta_rules.vocabulary import Outcome, SubjectKind

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CALLS = EXAMPLES / "calls.jsonl"
POLICY = EXAMPLES / "policy.toml"
REGISTER = EXAMPLES / "nix-register.txt"

BAD_LINES = {31: "EXB-2030", 40: "SPX-3008"}
"""The deliberately bad lines: a naive timestamp and a Norwegian number."""

CHECK_KINDS = {
    "nix-check",
    "nix-listed",
    "business-subscription",
    "caller-id",
    "silent-calls",
    "recording",
    "opening-disclosure",
    "written-acceptance",
    "confirmation-deadline",
    "do-not-call-request",
    "calling-window",
    "call-frequency",
    "mobile-restriction",
    "defers-to",
}


@pytest.fixture(scope="module")
def evaluator() -> CallEvaluator:
    return CallEvaluator(overlay=load_overlay(POLICY), nix=NixRegister.load(REGISTER))


@pytest.fixture(scope="module")
def items() -> list[tuple[int, CallRecord | RejectedInput]]:
    return list(read_call_records(CALLS))


@pytest.fixture(scope="module")
def records(items: list[tuple[int, CallRecord | RejectedInput]]) -> list[CallRecord]:
    return [item for _, item in items if isinstance(item, CallRecord)]


@pytest.fixture(scope="module")
def report(evaluator: CallEvaluator, items: list[tuple[int, CallRecord | RejectedInput]]) -> Report:
    return evaluator.evaluate(items)


def _picked_rulesets(
    evaluator: CallEvaluator, records: list[CallRecord]
) -> dict[tuple[str, dt.date], Ruleset]:
    """Every ruleset version some record's stack uses, by (id, version)."""
    picked: dict[tuple[str, dt.date], Ruleset] = {}
    for record in records:
        for prepared in evaluator.stack_for(record):
            rs = prepared.ruleset
            picked[(rs.id, rs.version)] = rs
    return picked


def _call_rules(
    evaluator: CallEvaluator, records: list[CallRecord]
) -> dict[tuple[str, dt.date, str], Rule]:
    """Every automatic call rule of every picked version, by (ruleset id, version, rule id)."""
    return {
        (rs_id, version, rule.id): rule
        for (rs_id, version), rs in _picked_rulesets(evaluator, records).items()
        for rule in rs.rules
        if SubjectKind.CALL in rule.applies_to and rule.check.kind != "manual"
    }


def test_at_least_30_records_are_evaluated(records: list[CallRecord], report: Report) -> None:
    evaluated = {f.subject_id for f in report.findings}
    assert len(evaluated) >= 30
    assert evaluated == {r.call_id for r in records}
    assert len(records) == len(evaluated)  # call ids are unique


def test_old_records_pick_old_ruleset_versions(
    evaluator: CallEvaluator, records: list[CallRecord]
) -> None:
    picked = set(_picked_rulesets(evaluator, records))
    assert picked == {
        ("swedish-law", dt.date(2018, 9, 1)),
        ("nix-telefon", dt.date(1999, 11, 1)),
        ("nix-telefon", dt.date(2017, 7, 1)),
        ("telemarketing-b2c", dt.date(1987, 1, 1)),
        ("telemarketing-b2c", dt.date(2014, 2, 1)),
        ("telemarketing-b2c", dt.date(2017, 1, 1)),
        ("telemarketing-b2c", dt.date(2021, 7, 1)),
        ("telemarketing-b2b", dt.date(2008, 1, 1)),
        ("exempelbolaget-policy", dt.date(2026, 9, 1)),
    }


def test_every_call_rule_of_every_picked_version_has_findings(
    evaluator: CallEvaluator, records: list[CallRecord], report: Report
) -> None:
    found = {(f.ruleset_id, f.ruleset_version, f.rule_id) for f in report.findings}
    expected = set(_call_rules(evaluator, records))
    assert expected - found == set()


def test_every_call_rule_is_exercised_beyond_not_applicable(
    evaluator: CallEvaluator, records: list[CallRecord], report: Report
) -> None:
    outcomes: dict[tuple[str, dt.date, str], set[Outcome]] = defaultdict(set)
    for f in report.findings:
        outcomes[(f.ruleset_id, f.ruleset_version, f.rule_id)].add(f.outcome)
    rules = _call_rules(evaluator, records)
    only_na = [key for key in rules if outcomes[key] <= {Outcome.NOT_APPLICABLE}]
    assert only_na == []
    assert {rule.check.kind for rule in rules.values()} >= CHECK_KINDS


def test_every_check_kind_has_a_violation_somewhere(
    evaluator: CallEvaluator, records: list[CallRecord], report: Report
) -> None:
    rules = _call_rules(evaluator, records)
    violated = {
        rules[(f.ruleset_id, f.ruleset_version, f.rule_id)].check.kind
        for f in report.findings
        if f.outcome is Outcome.VIOLATION
    }
    # Not every rule has a violation (registered-sole-traders is judged compliant only), but
    # every check kind has one somewhere.
    assert violated == CHECK_KINDS


def test_all_four_outcomes_occur(report: Report) -> None:
    assert {f.outcome for f in report.findings} == set(Outcome)
    # mostly compliant, with a handful of violations
    assert report.count(Outcome.COMPLIANT) > 10 * report.count(Outcome.VIOLATION)


def test_the_rejected_lines_are_exactly_the_bad_ones(report: Report) -> None:
    assert {r.line for r in report.rejected} == set(BAD_LINES)
    assert {r.source for r in report.rejected} == {str(CALLS)}
    lines = CALLS.read_text(encoding="utf-8").splitlines()
    for number, call_id in BAD_LINES.items():
        assert json.loads(lines[number - 1])["call_id"] == call_id


def test_the_policy_validates_and_says_it_is_an_example() -> None:
    out = io.StringIO()
    assert main(["validate", str(POLICY), "--lang", "en"], out=out, err=io.StringIO()) == 0
    assert "valid" in out.getvalue()
    overlay = load_overlay(POLICY)
    assert "EXAMPLE" in overlay.title.en and "EXEMPEL" in overlay.title.sv
    assert overlay.description is not None
    assert "not Kontakta's numbers and not advice" in overlay.description.en
    assert "inte Kontaktas siffror och inte rådgivning" in overlay.description.sv


def test_the_policy_sets_every_parameter_the_call_rulesets_leave_open(
    evaluator: CallEvaluator, records: list[CallRecord], report: Report
) -> None:
    assert not any(f.missing_parameters for f in report.findings)
    for rs in _picked_rulesets(evaluator, records).values():
        for name, param in rs.parameters.items():
            assert param.value is not None, f"{rs.ref}: {name}"


def test_the_register_loads_with_its_header_date() -> None:
    register = NixRegister.load(REGISTER)
    assert register.updated == dt.date(2026, 10, 15)
    assert len(register) == 30
    assert "+46701740621" in register  # written 0701740621
    assert "+46701740691" in register  # written +46 (0)70 174 06 91
    assert "+46701740612" not in register


def test_the_readme_command_exits_2_because_of_the_rejected_lines() -> None:
    args = ["check", "calls", str(CALLS), "--policy", str(POLICY), "--nix", str(REGISTER)]
    out, err = io.StringIO(), io.StringIO()
    assert main([*args, "--lang", "en"], out=out, err=err) == 2
    assert err.getvalue() == ""
    assert out.getvalue().splitlines()[0].endswith("2 rejected")
    sv = io.StringIO()
    assert main([*args, "--lang", "sv"], out=sv, err=io.StringIO()) == 2
    js = io.StringIO()
    assert main([*args, "--format", "json"], out=js, err=io.StringIO()) == 2
    data = json.loads(js.getvalue())
    assert [r["line"] for r in data["rejected"]] == sorted(BAD_LINES)
    assert all(data["counts"][o.value] > 0 for o in Outcome)
