"""The pre-dial decision: allowed or not, why, and the earliest allowed time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.dialer import decide
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects import CustomerRelationship

STHLM = ZoneInfo("Europe/Stockholm")
POLICY = Path(__file__).parent / "data" / "overlays" / "dialer-policy.toml"
REGISTER = NixRegister.from_lines(["# updated: 2026-11-01", "070-111 22 33"])


def evaluator() -> CallEvaluator:
    return CallEvaluator(overlay=load_overlay(POLICY), nix=REGISTER)


def ask(number: str, at: dt.datetime, **kw: object):  # type: ignore[no-untyped-def]
    fields = {
        "purpose": "sales",
        "subscription": "private",
        "target": "consumer",
        "caller_id_shown": True,
        "calling_organisation": "Acme AB",
        "previous_calls": (),
        "do_not_call_requests": (),
    } | kw
    return decide(number, at, evaluator=evaluator(), **fields)  # type: ignore[arg-type]


def test_allowed_inside_the_window_for_an_unlisted_number() -> None:
    decision = ask("070-174 06 05", dt.datetime(2026, 11, 24, 10, tzinfo=STHLM))
    assert decision.allowed, [r.en for r in decision.reasons]


def test_listed_number_is_denied_with_the_reason() -> None:
    decision = ask("070-111 22 33", dt.datetime(2026, 11, 24, 10, tzinfo=STHLM))
    assert not decision.allowed and decision.earliest is None
    assert any("NIX" in r.en for r in decision.reasons)
    assert {f.rule_id for f in decision.findings} >= {"listed-numbers"}


def test_existing_customer_may_be_called_despite_nix() -> None:
    decision = ask(
        "070-111 22 33",
        dt.datetime(2026, 11, 24, 10, tzinfo=STHLM),
        customer=CustomerRelationship("el", dt.date(2024, 1, 1)),
        offer_category="el",
    )
    assert decision.allowed, [r.en for r in decision.reasons]


def test_outside_the_window_gives_the_earliest_time() -> None:
    decision = ask("070-174 06 05", dt.datetime(2026, 11, 24, 21, 0, tzinfo=STHLM))  # Tuesday 21:00
    assert not decision.allowed
    assert decision.earliest == dt.datetime(2026, 11, 25, 9, 0, tzinfo=STHLM)
    friday_night = ask("070-174 06 05", dt.datetime(2026, 12, 18, 21, 0, tzinfo=STHLM))
    assert friday_night.earliest == dt.datetime(
        2026, 12, 19, 10, 0, tzinfo=STHLM
    )  # Saturday window
    christmas = ask("070-174 06 05", dt.datetime(2026, 12, 23, 21, 0, tzinfo=STHLM))
    assert christmas.earliest == dt.datetime(2026, 12, 28, 9, 0, tzinfo=STHLM)  # 24-27 Dec closed


def test_fails_closed_without_policy_values_and_on_bad_input() -> None:
    bare = decide(
        "070-174 06 05",
        dt.datetime(2026, 11, 24, 10, tzinfo=STHLM),
        purpose="sales",
        evaluator=CallEvaluator(nix=REGISTER),
        caller_id_shown=True,
    )
    assert not bare.allowed and any("policy overlay" in r.en for r in bare.reasons)
    broken = decide("+47 22 00 00 00", dt.datetime(2026, 11, 24, 10, tzinfo=STHLM), purpose="sales")
    assert not broken.allowed and "not a Swedish number" in broken.reasons[0].en
    naive = decide("070-174 06 05", dt.datetime(2026, 11, 24, 10), purpose="sales")
    assert not naive.allowed and "timezone" in naive.reasons[0].en


def test_market_research_is_not_blocked_by_nix() -> None:
    decision = ask(
        "070-111 22 33", dt.datetime(2026, 11, 24, 10, tzinfo=STHLM), purpose="market-research"
    )
    assert decision.allowed, [r.en for r in decision.reasons]


@given(
    st.datetimes(
        min_value=dt.datetime(2026, 11, 1),
        max_value=dt.datetime(2026, 12, 20),
        timezones=st.just(STHLM),
        allow_imaginary=False,
    )
)
def test_earliest_time_is_itself_allowed_and_later(at: dt.datetime) -> None:
    decision = ask("070-174 06 05", at)
    if decision.allowed:
        return
    assert decision.earliest is not None and decision.earliest > at
    assert ask("070-174 06 05", decision.earliest).allowed


def test_frequency_cap_counts_earlier_calls_in_the_period() -> None:
    at = dt.datetime(2026, 11, 24, 10, tzinfo=STHLM)
    two_before = (at - dt.timedelta(days=29, hours=23), at - dt.timedelta(days=1))
    assert ask(
        "070-174 06 05", at, previous_calls=two_before
    ).allowed  # third call in 30 days: at the cap
    third = ask("070-174 06 05", at, previous_calls=(*two_before, at - dt.timedelta(hours=1)))
    assert not third.allowed and any("the cap is 3" in r.en for r in third.reasons)
    outside = (at - dt.timedelta(days=30, seconds=1), *two_before)
    assert ask(
        "070-174 06 05", at, previous_calls=outside
    ).allowed  # the oldest is outside the period
    unknown = ask("070-174 06 05", at, previous_calls=None)
    assert not unknown.allowed and any("previous_calls" in r.en for r in unknown.reasons)


def test_a_batch_is_its_own_call_history() -> None:
    from kontakta_rules.subjects import CallRecord
    from kontakta_rules.vocabulary import Outcome

    start = dt.datetime(2026, 11, 2, 10, tzinfo=STHLM)
    records = [
        CallRecord(
            call_id=f"c{i}",
            started_at=start + dt.timedelta(days=i),
            ended_at=start + dt.timedelta(days=i, minutes=2),
            calling_organisation="Acme AB",
            destination="+46701740605",
            purpose="sales",
        )  # type: ignore[arg-type]
        for i in range(5)
    ]
    report = evaluator().evaluate(list(enumerate(reversed(records), start=1)))
    outcomes = {f.subject_id: f.outcome for f in report.findings if f.rule_id == "call-frequency"}
    assert outcomes == {
        "c0": Outcome.COMPLIANT,
        "c1": Outcome.COMPLIANT,
        "c2": Outcome.COMPLIANT,
        "c3": Outcome.VIOLATION,
        "c4": Outcome.VIOLATION,
    }


def test_not_knowing_about_do_not_call_requests_is_not_allowed() -> None:
    """Absent means not known: the decision fails closed instead of assuming nobody asked."""
    d = ask("070-174 06 05", dt.datetime(2026, 11, 24, 10, tzinfo=STHLM), do_not_call_requests=None)
    assert not d.allowed
    assert any("do_not_call_requests" in r.get("en") for r in d.reasons)


# --------------------------------------------------------------------------- strict facts


@pytest.mark.parametrize(
    ("fact", "value"),
    [
        ("caller_id_shown", "no"),
        ("caller_id_shown", "false"),
        ("caller_id_shown", 0),
        ("subscription", "privat"),
        ("do_not_call_requests", "2026-01-01"),
        ("do_not_call_requests", [dt.datetime(2026, 1, 1)]),  # naive
        ("previous_calls", ["yesterday"]),
        ("calling_organisation", 42),
    ],
)
def test_facts_are_validated_as_strictly_as_files(fact: str, value: object) -> None:
    decision = ask("070-174 06 05", dt.datetime(2026, 11, 24, 10, tzinfo=STHLM), **{fact: value})
    assert not decision.allowed
    assert fact in decision.reasons[0].get("en")
    assert decision.reasons[0].get("sv") != decision.reasons[0].get("en")


def test_facts_may_be_given_as_lists_and_tables() -> None:
    decision = ask(
        "070-174 06 05",
        dt.datetime(2026, 11, 24, 10, tzinfo=STHLM),
        previous_calls=[],
        do_not_call_requests=[],
    )
    assert decision.allowed, [r.en for r in decision.reasons]


# --------------------------------------------------------------------------- DST


def test_a_wall_time_that_does_not_exist_is_refused() -> None:
    gap = dt.datetime(2026, 3, 29, 2, 30, tzinfo=STHLM)  # clocks jump 02:00 -> 03:00
    decision = ask("070-174 06 05", gap)
    assert not decision.allowed
    assert "does not exist" in decision.reasons[0].get("en")
    utc = ask("070-174 06 05", gap.astimezone(dt.UTC))
    same_instant_local = ask("070-174 06 05", gap.astimezone(dt.UTC).astimezone(STHLM))
    assert utc.allowed == same_instant_local.allowed


NIGHT_POLICY = """\
kind = "overlay"
id = "night-policy"
version = 2026-01-01
title = { sv = "Natt", en = "Night" }
issuer = "Acme AB"
last_reviewed = 2026-11-23

[set]
calling_windows = { sun = ["02:30-04:00"] }
office_hours = { mon = ["08:00-17:00"] }
max_calls_per_number = 3
call_frequency_period = 30
"""


def test_earliest_on_the_spring_forward_day_is_the_first_allowed_moment(tmp_path: Path) -> None:
    policy = tmp_path / "night.toml"
    policy.write_text(NIGHT_POLICY, encoding="utf-8")
    march = NixRegister.from_lines(["# updated: 2026-03-15", "070-111 22 33"])
    night = CallEvaluator(overlay=load_overlay(policy), nix=march)
    at = dt.datetime(2026, 3, 29, 1, 0, tzinfo=STHLM)
    decision = decide(
        "070-174 06 05",
        at,
        purpose="sales",
        evaluator=night,
        calling_organisation="Acme AB",
        subscription="private",
        target="consumer",
        caller_id_shown=True,
        previous_calls=(),
        do_not_call_requests=(),
    )
    assert not decision.allowed
    assert decision.earliest == dt.datetime(2026, 3, 29, 3, 0, tzinfo=STHLM)
    assert decision.earliest.utcoffset() == dt.timedelta(hours=2)


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    st.times(),
)
def test_first_instant_at_or_after_a_wall_time(day: dt.date, t: dt.time) -> None:
    from kontakta_rules.timezone import first_instant_at_or_after

    instant = first_instant_at_or_after(day, t)
    local = instant.astimezone(STHLM)
    wall = dt.datetime.combine(day, t)
    assert local.replace(tzinfo=None) >= wall
    before = (instant - dt.timedelta(microseconds=1)).astimezone(STHLM)
    assert before.replace(tzinfo=None) < wall


def test_a_call_before_any_rules_is_not_allowed() -> None:
    decision = ask("070-174 06 05", dt.datetime(1950, 6, 1, 10, tzinfo=STHLM))
    assert not decision.allowed
