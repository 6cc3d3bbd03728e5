"""NIX evaluators: the check's validity window, registered numbers and their exceptions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.calendar import add_months
from kontakta_rules.catalog import Catalog
from kontakta_rules.checks import NixCheck, NixListed
from kontakta_rules.checks.verdict import Context
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects import CallRecord, Consent, CustomerRelationship, NixEvidence
from kontakta_rules.vocabulary import Outcome

STHLM = ZoneInfo("Europe/Stockholm")
NIX = Catalog.default().resolve("nix-telefon@2017-07-01")
OLD = Catalog.default().resolve("nix-telefon@1999-11-01")
CTX, OLD_CTX = Context(NIX.parameters), Context(OLD.parameters)
CHECK = next(r.check for r in NIX.rules if isinstance(r.check, NixCheck))
LISTED = next(r.check for r in NIX.rules if isinstance(r.check, NixListed))
OLD_CHECK = next(r.check for r in OLD.rules if isinstance(r.check, NixCheck))
OLD_LISTED = next(r.check for r in OLD.rules if isinstance(r.check, NixListed))


def call(day: dt.date, **kw: object) -> CallRecord:
    start = dt.datetime.combine(day, dt.time(12), tzinfo=STHLM)
    fields: dict[str, object] = {"purpose": "sales"} | kw
    return CallRecord(
        call_id="c",
        started_at=start,
        ended_at=start + dt.timedelta(minutes=2),
        calling_organisation="Acme AB",
        destination="+46701740605",
        **fields,
    )  # type: ignore[arg-type]


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 2) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)


@given(st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_check_valid_for_two_months_from_the_update_date_now_three_before(updated: dt.date) -> None:
    evidence = NixEvidence(checked=True, register_updated=updated, listed=False)
    last_new, last_old = (
        add_months(updated, 2),
        add_months(updated, 3),
    )
    assert CHECK.judge(call(updated, nix=evidence), CTX).outcome is Outcome.COMPLIANT
    assert CHECK.judge(call(last_new, nix=evidence), CTX).outcome is Outcome.COMPLIANT
    assert (
        CHECK.judge(call(last_new + dt.timedelta(days=1), nix=evidence), CTX).outcome
        is Outcome.VIOLATION
    )
    assert OLD_CHECK.judge(call(last_old, nix=evidence), OLD_CTX).outcome is Outcome.COMPLIANT
    assert (
        OLD_CHECK.judge(call(last_old + dt.timedelta(days=1), nix=evidence), OLD_CTX).outcome
        is Outcome.VIOLATION
    )


@pytest.mark.parametrize(
    ("kw", "outcome"),
    [
        ({}, Outcome.UNDETERMINED),  # no NIX evidence
        ({"nix": NixEvidence(checked=False)}, Outcome.VIOLATION),
        ({"nix": NixEvidence(checked=True)}, Outcome.UNDETERMINED),  # update date unknown
        (
            {
                "nix": NixEvidence(checked=False),
                "customer": CustomerRelationship("el", dt.date(2020, 1, 1)),
            },
            Outcome.NOT_APPLICABLE,
        ),
        ({"purpose": "market-research"}, Outcome.NOT_APPLICABLE),
        ({"subscription": "company"}, Outcome.NOT_APPLICABLE),
    ],
)
def test_nix_check_cases(kw: dict[str, object], outcome: Outcome) -> None:
    assert CHECK.judge(call(dt.date(2026, 3, 1), **kw), CTX).outcome is outcome


LISTED_EVIDENCE = NixEvidence(checked=True, register_updated=dt.date(2026, 2, 1), listed=True)


@pytest.mark.parametrize(
    ("kw", "outcome", "words"),
    [
        ({"nix": NixEvidence(checked=True, listed=False)}, Outcome.COMPLIANT, "not in NIX"),
        ({"nix": LISTED_EVIDENCE}, Outcome.VIOLATION, "no exception applies"),
        (
            {
                "nix": LISTED_EVIDENCE,
                "customer": CustomerRelationship("el", dt.date(2020, 1, 1)),
                "offer_category": "el",
            },
            Outcome.COMPLIANT,
            "existing customer",
        ),
        (
            {
                "nix": LISTED_EVIDENCE,
                "customer": CustomerRelationship("el", dt.date(2020, 1, 1)),
                "offer_category": "bredband",
            },
            Outcome.VIOLATION,
            "not the customer's type of product",
        ),
        (
            {"nix": LISTED_EVIDENCE, "customer": CustomerRelationship("el", dt.date(2020, 1, 1))},
            Outcome.UNDETERMINED,
            "offer_category",
        ),
        (
            {
                "nix": LISTED_EVIDENCE,
                "consent": Consent(("Acme AB",), dt.datetime(2026, 1, 10, 12, tzinfo=STHLM)),
            },
            Outcome.COMPLIANT,
            "consented",
        ),
        (
            {
                "nix": LISTED_EVIDENCE,
                "consent": Consent(("Beta AB",), dt.datetime(2026, 1, 10, 12, tzinfo=STHLM)),
            },
            Outcome.VIOLATION,
            "actively ticked",
        ),
        (
            {
                "nix": LISTED_EVIDENCE,
                "consent": Consent(("Acme AB",), dt.datetime(2025, 11, 30, 12, tzinfo=STHLM)),
            },
            Outcome.VIOLATION,
            "lapsed",
        ),
        ({"nix": NixEvidence(checked=True)}, Outcome.UNDETERMINED, "nix.listed"),
    ],
)
def test_listed_number_cases(kw: dict[str, object], outcome: Outcome, words: str) -> None:
    verdict = LISTED.judge(call(dt.date(2026, 3, 1), **kw), CTX)
    assert verdict.outcome is outcome
    assert words in verdict.message.render("en")


def test_customer_tail_twelve_months_now_and_before() -> None:
    """The older page's "at least six months but normally not more than a year" is a floor
    and a ceiling; the ceiling is the limit in both regimes (review D1)."""
    ended = dt.date(2025, 6, 15)
    kw = {
        "nix": LISTED_EVIDENCE,
        "customer": CustomerRelationship("el", dt.date(2020, 1, 1), ended),
        "offer_category": "el",
    }
    # a period of months ends on the same-numbered day, that day included (lag 1930:173)
    assert LISTED.judge(call(dt.date(2026, 6, 15), **kw), CTX).outcome is Outcome.COMPLIANT
    assert LISTED.judge(call(dt.date(2026, 6, 16), **kw), CTX).outcome is Outcome.VIOLATION
    assert OLD_LISTED.judge(call(dt.date(2025, 12, 16), **kw), OLD_CTX).outcome is Outcome.COMPLIANT
    assert OLD_LISTED.judge(call(dt.date(2026, 6, 15), **kw), OLD_CTX).outcome is Outcome.COMPLIANT
    assert OLD_LISTED.judge(call(dt.date(2026, 6, 16), **kw), OLD_CTX).outcome is Outcome.VIOLATION


@given(
    st.datetimes(
        min_value=dt.datetime(2018, 1, 1),
        max_value=dt.datetime(2030, 1, 1),
        timezones=st.just(STHLM),
        allow_imaginary=False,
    )
)
def test_consent_lasts_three_months_now_until_withdrawn_before(given_at: dt.datetime) -> None:
    consent = Consent(("Acme AB",), given_at)
    last = add_months(given_at.date(), 3)
    kw = {"nix": LISTED_EVIDENCE, "consent": consent}
    assert LISTED.judge(call(last, **kw), CTX).outcome is Outcome.COMPLIANT
    assert LISTED.judge(call(last + dt.timedelta(days=1), **kw), CTX).outcome is Outcome.VIOLATION
    assert (
        OLD_LISTED.judge(call(last + dt.timedelta(days=400), **kw), OLD_CTX).outcome
        is Outcome.COMPLIANT
    )


def test_register_in_the_context_answers_when_the_record_does_not() -> None:
    register = NixRegister.from_lines(["070-174 06 05"], updated=dt.date(2026, 2, 1))
    ctx = Context(NIX.parameters, nix=register)
    assert LISTED.judge(call(dt.date(2026, 3, 1)), ctx).outcome is Outcome.VIOLATION
    unlisted = NixRegister.from_lines(["070-174 06 06"], updated=dt.date(2026, 2, 1))
    assert (
        LISTED.judge(call(dt.date(2026, 3, 1)), Context(NIX.parameters, nix=unlisted)).outcome
        is Outcome.COMPLIANT
    )


def test_a_register_published_after_the_call_says_nothing_about_it() -> None:
    register = NixRegister.from_lines(["070-174 06 05"], updated=dt.date(2026, 10, 15))
    ctx = Context(NIX.parameters, nix=register)
    assert LISTED.judge(call(dt.date(2026, 10, 14)), ctx).outcome is Outcome.UNDETERMINED
    assert LISTED.judge(call(dt.date(2026, 10, 15)), ctx).outcome is Outcome.VIOLATION


def test_inbound_calls_are_outside_nix() -> None:
    kw = {"nix": LISTED_EVIDENCE, "initiated_by": "consumer"}
    assert LISTED.judge(call(dt.date(2026, 3, 1), **kw), CTX).outcome is Outcome.NOT_APPLICABLE
    assert CHECK.judge(call(dt.date(2026, 3, 1), **kw), CTX).outcome is Outcome.NOT_APPLICABLE


def test_consent_naming_the_principal_covers_its_call_centre() -> None:
    consent = Consent(("Exempelbolaget AB",), dt.datetime(2026, 2, 10, 12, tzinfo=STHLM))
    kw = {"nix": LISTED_EVIDENCE, "consent": consent}
    assert LISTED.judge(call(dt.date(2026, 3, 1), **kw), CTX).outcome is Outcome.VIOLATION
    assert (
        LISTED.judge(call(dt.date(2026, 3, 1), principal="Exempelbolaget AB", **kw), CTX).outcome
        is Outcome.COMPLIANT
    )
