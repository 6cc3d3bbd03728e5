"""Evaluation over the stack: versions chosen by each record's own date, pins, overlays,
deferring rules, and every line accounted for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from kontakta_rules.checks.verdict import Verdict
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.model import Finding, RejectedInput
from kontakta_rules.subjects import CallRecord, NixEvidence
from kontakta_rules.text import Text
from kontakta_rules.vocabulary import Outcome

STHLM = ZoneInfo("Europe/Stockholm")
OVERLAY = Path(__file__).parent / "data" / "overlays" / "good.toml"


def call(start: dt.datetime, **kw: object) -> CallRecord:
    fields: dict[str, object] = {
        "purpose": "sales",
        "target": "consumer",
        "subscription": "private",
    } | kw
    return CallRecord(
        call_id=f"c-{start.date()}",
        started_at=start,
        ended_at=start + dt.timedelta(minutes=3),
        calling_organisation="Acme AB",
        destination="+46701740605",
        **fields,
    )  # type: ignore[arg-type]


def by_rule(findings: list) -> dict[tuple[str, str], object]:  # type: ignore[type-arg]
    return {(f.ruleset_id, f.rule_id): f for f in findings}


def test_versions_follow_the_records_own_date() -> None:
    ev = CallEvaluator()
    nix = NixEvidence(checked=True, register_updated=dt.date(2016, 1, 1), listed=False)
    # 2016-03-15: older NIX regime (3 months) -> still valid; no law ruleset in force yet
    old = by_rule(ev.findings(call(dt.datetime(2016, 3, 15, 12, tzinfo=STHLM), nix=nix)))
    assert old[("nix-telefon", "check-before-call")].ruleset_version == dt.date(1999, 11, 1)
    assert old[("nix-telefon", "check-before-call")].outcome is Outcome.COMPLIANT
    assert not any(rid == "swedish-law" for rid, _ in old)
    # the same evidence judged in 2018 under the 2017 rules (2 months): expired
    new = by_rule(
        ev.findings(
            call(
                dt.datetime(2018, 3, 15, 12, tzinfo=STHLM),
                nix=NixEvidence(True, dt.date(2018, 1, 1), False),
            )
        )
    )
    assert new[("nix-telefon", "check-before-call")].ruleset_version == dt.date(2017, 7, 1)
    assert new[("nix-telefon", "check-before-call")].outcome is Outcome.VIOLATION


def test_pins_override_the_records_date() -> None:
    ev = CallEvaluator(pins={"nix-telefon": dt.date(1999, 11, 1)})
    f = by_rule(
        ev.findings(
            call(
                dt.datetime(2018, 3, 15, 12, tzinfo=STHLM),
                nix=NixEvidence(True, dt.date(2018, 1, 1), False),
            )
        )
    )
    assert f[("nix-telefon", "check-before-call")].outcome is Outcome.COMPLIANT


def test_rules_not_yet_in_force_are_skipped() -> None:
    ev = CallEvaluator()
    before = by_rule(ev.findings(call(dt.datetime(2021, 8, 31, 12, tzinfo=STHLM))))
    after = by_rule(ev.findings(call(dt.datetime(2021, 9, 1, 12, tzinfo=STHLM))))
    assert ("telemarketing-b2c", "record-offer-and-consent") not in before
    assert ("telemarketing-b2c", "record-offer-and-consent") in after


def test_findings_carry_version_fingerprint_and_citation() -> None:
    (finding, *_) = CallEvaluator().findings(call(dt.datetime(2026, 3, 2, 12, tzinfo=STHLM)))
    assert finding.fingerprint.startswith("sha256:")
    assert finding.citation.url.startswith("http")
    assert finding.message.sv and finding.message.en


def test_missing_policy_values_are_undetermined_until_the_overlay_sets_them() -> None:
    record = call(
        dt.datetime(2026, 3, 2, 12, tzinfo=STHLM), subscription="company", target="company"
    )
    without = by_rule(CallEvaluator().findings(record))
    assert without[("nix-telefon", "company-subscriptions")].outcome is Outcome.UNDETERMINED
    assert without[("nix-telefon", "company-subscriptions")].missing_parameters == ("office_hours",)
    with_policy = by_rule(CallEvaluator(overlay=load_overlay(OVERLAY)).findings(record))
    assert with_policy[("nix-telefon", "company-subscriptions")].outcome is Outcome.COMPLIANT
    assert ("acme-policy", "acme-call-frequency") in with_policy


def test_defers_to_takes_the_worst_nix_outcome() -> None:
    record = call(
        dt.datetime(2026, 3, 2, 12, tzinfo=STHLM), nix=NixEvidence(True, dt.date(2026, 2, 1), True)
    )
    f = by_rule(CallEvaluator().findings(record))
    assert f[("nix-telefon", "listed-numbers")].outcome is Outcome.VIOLATION
    assert f[("telemarketing-b2c", "follow-nix")].outcome is Outcome.VIOLATION
    assert "listed-numbers" in f[("telemarketing-b2c", "follow-nix")].message.en


def test_out_of_scope_calls_are_not_applicable() -> None:
    f = by_rule(
        CallEvaluator().findings(
            call(dt.datetime(2026, 3, 2, 12, tzinfo=STHLM), purpose="market-research")
        )
    )
    assert f[("telemarketing-b2c", "caller-id-shown")].outcome is Outcome.NOT_APPLICABLE


def test_rejected_lines_stay_in_the_report() -> None:
    rejected = RejectedInput("calls.jsonl", 2, Text("fel", "bad"))
    report = CallEvaluator().evaluate(
        [(1, call(dt.datetime(2026, 3, 2, 12, tzinfo=STHLM))), (2, rejected)]
    )
    assert report.rejected == (rejected,)
    assert {f.subject_id for f in report.findings} == {"c-2026-03-02"}


def test_silent_calls_are_judged_by_the_batch_share() -> None:
    import attrs as _attrs

    from kontakta_rules.loading import load_overlay as _load

    base = call(dt.datetime(2026, 3, 2, 12, tzinfo=STHLM))
    records = [
        _attrs.evolve(base, call_id=f"s{i}", silent=i < 2) for i in range(40)
    ]  # 2 of 40 = 5 %
    policy = _load(OVERLAY)
    strict = _attrs.evolve(policy, set={**policy.settings, "max_silent_call_share": 4.0})
    lenient = _attrs.evolve(policy, set={**policy.settings, "max_silent_call_share": 5.0})

    def outcomes(overlay):  # type: ignore[no-untyped-def]
        report = CallEvaluator(overlay=overlay).evaluate(list(enumerate(records, 1)))
        return {
            f.subject_id: f.outcome for f in report.findings if f.rule_id == "avoid-silent-calls"
        }

    assert outcomes(strict)["s0"] is Outcome.VIOLATION
    assert outcomes(lenient)["s0"] is Outcome.COMPLIANT  # at the limit
    assert outcomes(strict)["s5"] is Outcome.COMPLIANT  # not silent
    single = by_rule(CallEvaluator(overlay=lenient).findings(records[0]))
    assert single[("telemarketing-b2c", "avoid-silent-calls")].outcome is Outcome.UNDETERMINED


def test_a_deferring_rule_keeps_its_own_rulesets_scope() -> None:
    record = call(
        dt.datetime(2026, 3, 2, 12, tzinfo=STHLM), target="company", subscription="company"
    )
    f = by_rule(CallEvaluator().findings(record))
    assert f[("telemarketing-b2c", "follow-nix")].outcome is Outcome.NOT_APPLICABLE


def test_an_overlay_that_weakens_a_rule_is_refused_by_the_evaluator_too() -> None:
    import attrs as _attrs
    import pytest

    from kontakta_rules.loading import LoadError

    weak = _attrs.evolve(load_overlay(OVERLAY), set={"nix_check_validity": 6})
    with pytest.raises(LoadError, match="may only make it stricter"):
        CallEvaluator(overlay=weak, overlay_source="policy.toml")


def test_a_finding_is_its_subject_and_rule_followed_by_the_verdict() -> None:
    # the evaluator makes a finding by appending a verdict's fields to the subject and rule
    assert Finding._fields == ("subject_id", "rule", *Verdict._fields)
    assert Finding._field_defaults == Verdict._field_defaults
