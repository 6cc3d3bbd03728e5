"""The columnar engine against the reference evaluator: the same findings (call, ruleset,
version, rule, outcome, message id and arguments) for every check kind that has a
columnar form, on generated batches, the per-rule cases and the bundled examples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("duckdb")
pytest.importorskip("sqlglot")

import columnar_data as data
from columnar_data import CALL_KINDS, COLUMNAR, NOT_YET, differences
from columnar_data import after as _after
from columnar_data import record as _record
from kontakta_rules.checks import CHECK_KINDS
from kontakta_rules.checks.columns import NoColumnarForm
from kontakta_rules.columnar import duckdb_engine as engine
from kontakta_rules.columnar.build import Columns
from kontakta_rules.columnar.compile import UnsupportedRules
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay
from kontakta_rules.nix import NixRegister
from kontakta_rules.subjects import CallRecord
from kontakta_rules.subjects.call_io import read_jsonl
from kontakta_rules.subjects.call_record import (
    Consent,
    CustomerRelationship,
    Disclosed,
    NixEvidence,
)
from kontakta_rules.text import Text
from kontakta_rules.timezone import STOCKHOLM
from kontakta_rules.vocabulary import HolidayCalendar

ROOT = Path(__file__).resolve().parents[1]
POLICY = load_overlay(ROOT / "examples" / "policy.toml")
CASES_POLICY = load_overlay(ROOT / "tests" / "data" / "overlays" / "cases-policy.toml")


def test_every_call_check_kind_has_a_columnar_form_or_is_named_as_not_yet() -> None:
    probe = Columns({})
    have = set()
    for kind in CALL_KINDS:
        cls = CHECK_KINDS[kind]
        if "columnar" in vars(cls):
            have.add(kind)
    assert have == COLUMNAR, "a kind is listed as NOT_YET but has a columnar form, or neither"
    assert NOT_YET <= CALL_KINDS
    with pytest.raises(NoColumnarForm):
        CHECK_KINDS["manual"](procedure=Text("x", "x")).columnar(probe)  # type: ignore[call-arg]


def test_the_bundled_examples_give_the_same_findings() -> None:
    items = [
        (n, r)
        for n, r in read_jsonl(ROOT / "examples" / "calls.jsonl")
        if isinstance(r, CallRecord)
    ]
    missing, extra, total = differences(CallEvaluator(overlay=POLICY), items)
    assert total > 200
    assert (missing, extra) == (set(), set())


def test_the_engine_refuses_a_stack_it_cannot_judge_fully(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kind without a columnar form (here: caller id, made so) stops the engine; it never
    judges the stack with that rule left out."""
    from kontakta_rules.checks import CallerId

    def none(self: object, c: object) -> list[object]:
        raise NoColumnarForm("caller-id")

    monkeypatch.setattr(CallerId, "columnar", none)
    items = [(1, _record(dt.datetime(2024, 3, 5, 10, tzinfo=STOCKHOLM)))]
    with pytest.raises(UnsupportedRules, match="caller-id"):
        list(engine.judge(CallEvaluator(overlay=POLICY), items))


_ZONES = st.sampled_from(data.ZONES)
_moments = st.datetimes(
    min_value=data.FIRST_MOMENT,
    max_value=data.LAST_MOMENT,
    timezones=_ZONES,
    allow_imaginary=False,
)
_maybe = st.one_of(st.none(), st.booleans())


@st.composite
def _records(draw: st.DrawFn, i: int) -> CallRecord:
    # many calls share a day, an organisation and a number, so frequency windows and silent
    # shares have company
    at = draw(st.one_of(_moments, st.sampled_from(data.DAY_CALLS)))
    minutes = dt.timedelta(minutes=draw(st.integers(*data.DURATION_MINUTES)))
    some_moment = st.integers(*data.MOMENT_MINUTES).map(lambda m: _after(at, m))
    moment = st.one_of(st.none(), some_moment)
    facts: dict[str, object] = {
        "call_id": f"c{i}",
        "destination": draw(st.sampled_from(data.DESTINATIONS)),
        "purpose": draw(st.sampled_from(data.PURPOSES)),
        "target": draw(st.sampled_from(data.TARGETS)),
        "initiated_by": draw(st.sampled_from(data.INITIATORS)),
        "caller_id_shown": draw(_maybe),
        "recorded_segments": draw(
            st.one_of(
                st.none(),
                st.lists(st.sampled_from(data.SEGMENTS), unique=True),
            )
        ),
        "offer_category": draw(st.sampled_from(data.OFFER_CATEGORIES)),
        "accepted_at": draw(moment),
        "offer_sent_at": draw(moment),
        "acceptance_form": draw(st.sampled_from(data.ACCEPTANCE_FORMS)),
        "silent": draw(_maybe),
        "subscription": draw(st.sampled_from(data.SUBSCRIPTIONS)),
        "principal": draw(st.sampled_from(data.PRINCIPALS)),
        "nix": draw(
            st.one_of(
                st.none(),
                st.builds(
                    NixEvidence,
                    st.booleans(),
                    st.one_of(st.none(), _days(at, *data.NIX_UPDATED_DAYS)),
                    _maybe,
                ),
            )
        ),
        "customer": draw(
            st.one_of(
                st.none(),
                st.builds(
                    CustomerRelationship,
                    st.sampled_from(data.PRODUCT_CATEGORIES),
                    _days(at, *data.CUSTOMER_STARTED_DAYS),
                ).flatmap(
                    lambda cr: st.one_of(
                        st.just(cr),
                        _days(at, *data.CUSTOMER_ENDED_DAYS)
                        .filter(lambda e: e >= cr.started)
                        .map(lambda e: CustomerRelationship(cr.product_category, cr.started, e)),
                    )
                ),
            )
        ),
        "consent": draw(
            st.one_of(
                st.none(),
                st.builds(
                    Consent,
                    st.sampled_from(data.CONSENT_ORGANISATIONS),
                    some_moment,
                ),
            )
        ),
        "disclosures": draw(
            st.one_of(
                st.none(),
                st.lists(
                    st.builds(
                        Disclosed,
                        st.sampled_from(data.DISCLOSURE_ITEMS),
                        st.one_of(
                            st.integers(*data.DISCLOSURE_SECONDS),
                            st.floats(*data.DISCLOSURE_SECONDS, allow_nan=False),
                        ),
                    ),
                    max_size=data.MAX_DISCLOSURES,
                ),
            )
        ),
        "confirmation_sent_at": draw(moment),
        "confirmation_received_at": draw(moment),
        "previous_calls": draw(
            st.one_of(st.none(), st.lists(some_moment, max_size=data.MAX_PREVIOUS_CALLS))
        ),
        "do_not_call_requests": draw(
            st.one_of(st.none(), st.lists(some_moment, max_size=data.MAX_REQUESTS))
        ),
    }
    record = _record(at, **facts)
    return CallRecord(
        **{**data.fields(record), "ended_at": _after(at, minutes // dt.timedelta(minutes=1))}
    )


def _days(at: dt.datetime, low: int, high: int) -> st.SearchStrategy[dt.date]:
    """Days from ``low`` to ``high`` days around the call's Stockholm day."""
    day = at.astimezone(STOCKHOLM).date()
    return st.integers(low, high).map(lambda d: day + dt.timedelta(days=d))


GENERATED = CallEvaluator(overlay=CASES_POLICY)
"""One evaluator for every generated batch: its stack is compiled once."""
WITH_REGISTER = CallEvaluator(
    overlay=CASES_POLICY,
    nix=NixRegister.from_lines(data.REGISTER_LINES, updated=data.REGISTER_UPDATED),
)
"""The same with a register snapshot, for records without their own NIX evidence."""


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(st.integers(), min_size=1, max_size=40).flatmap(
        lambda xs: st.tuples(*(_records(i) for i in range(len(xs))))
    )
)
def test_generated_batches_give_the_same_findings(records: tuple[CallRecord, ...]) -> None:
    items = list(enumerate(records, start=1))
    for evaluator in (GENERATED, WITH_REGISTER):
        missing, extra, _ = differences(evaluator, items)
        assert (missing, extra) == (set(), set())
    assert (missing, extra) == (set(), set())


def test_the_per_rule_cases_give_the_same_findings() -> None:
    """Every case in tests/data/call_cases/ with its batch, judged by both: the cases of one
    pinned version as one audit (call ids made unique), so the engine's per-batch work is
    paid once per version, and both see the same batch."""
    import attrs

    from kontakta_rules.subjects.call_io import record_from_data
    from test_rule_cases import CASES, evaluator  # the same pinned evaluators as the cases

    batches: dict[tuple[str, dt.date], list[CallRecord]] = {}
    for n, case in enumerate(CASES):
        for raw in (case.record, *case.batch):
            record = record_from_data(raw, case.id, 1)
            assert isinstance(record, CallRecord), case.id
            batch = batches.setdefault((case.ruleset_id, case.version), [])
            batch.append(attrs.evolve(record, call_id=f"{n}/{record.call_id}"))
    tried = 0
    for (ruleset_id, version), records in batches.items():
        items = list(enumerate(records, start=1))
        missing, extra, total = differences(evaluator(ruleset_id, version), items, kinds=None)
        assert (missing, extra) == (set(), set()), f"{ruleset_id}@{version}"
        tried += total
    assert len(batches) >= 8 and tried > 2000


@pytest.mark.parametrize("pinned", ["telemarketing-b2c@2014-02-01", "swedish-law@2018-09-01"])
def test_a_pinned_version_judges_from_its_own_date(pinned: str) -> None:
    ruleset_id, _, version = pinned.partition("@")
    evaluator = CallEvaluator(
        pins={ruleset_id: dt.date.fromisoformat(version)}, overlay=CASES_POLICY
    )
    items = [
        (
            i,
            _record(
                dt.datetime(year, 6, 3, 21, tzinfo=STOCKHOLM),
                call_id=f"c{i}",
                caller_id_shown=False,
            ),
        )
        for i, year in enumerate((2010, 2016, 2020, 2025), start=1)
    ]
    missing, extra, total = differences(evaluator, items)
    assert total and (missing, extra) == (set(), set())


@pytest.mark.parametrize("name", ["findings.parquet", "findings.csv"])
def test_the_findings_table_is_written_by_the_engine(tmp_path: Path, name: str) -> None:
    import duckdb

    items = [
        (n, r)
        for n, r in read_jsonl(ROOT / "examples" / "calls.jsonl")
        if isinstance(r, CallRecord)
    ]
    evaluator = CallEvaluator(overlay=POLICY)
    path = tmp_path / name
    engine.write_findings(evaluator, items, path, kinds=COLUMNAR)
    rows = duckdb.sql(f"SELECT * FROM '{path}'").fetchall()  # the test's own file name
    judged = list(engine.judge(evaluator, items, kinds=COLUMNAR))
    assert len(rows) == len(judged) > 200
    outcomes = sorted(str(row[7]) for row in rows)
    assert outcomes == sorted(f.outcome for f in judged)


EXAMPLE_AUDIT = [
    str(ROOT / "examples" / "calls.jsonl"),
    "--policy",
    str(ROOT / "examples" / "policy.toml"),
    "--nix",
    str(ROOT / "examples" / "nix-register.txt"),
]
"""The bundled calls with the example policy and register, as command-line arguments."""


def run_cli(*argv: str) -> tuple[int, str]:
    """The command line's exit status and output; it must write nothing to standard error."""
    import io

    from kontakta_rules.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    assert err.getvalue() == ""
    return code, out.getvalue()


def test_audit_agrees_with_check_calls_on_the_examples(tmp_path: Path) -> None:
    """``audit --engine duckdb``, ``audit --engine reference`` and ``check calls``: the same
    counts and the same rejected lines on the bundled examples, with the register."""
    import re

    run = run_cli
    common = [*EXAMPLE_AUDIT, "--lang", "en"]
    table = tmp_path / "findings.parquet"
    code_d, duck = run("audit", *common, "--engine", "duckdb", "--out", str(table))
    code_r, ref = run("audit", *common, "--engine", "reference")
    assert code_d == code_r == 2  # two lines of the examples are rejected
    assert duck.replace("by duckdb", "by E") == ref.replace("by reference", "by E") + (
        f"findings table: {table}\n"
    )
    code_c, check = run("check", "calls", *common, "--format", "json")
    assert code_c == code_r  # the same exit status as check calls
    checked = json.loads(check)
    counts = dict(re.findall(r"^  ([a-z ]+): ([\d,]+)$", ref, flags=re.M))
    assert int(counts["violation"]) == checked["counts"]["violation"]
    assert int(counts["compliant"]) == checked["counts"]["compliant"]
    assert len(checked["rejected"]) == 2 and table.is_file()


@settings(max_examples=25, deadline=None)
@given(
    year=st.integers(1990, 2040),
    count=st.integers(0, 15),
    calendar=st.sampled_from(list(HolidayCalendar)),
)
def test_the_deadline_table_is_the_reference_s_working_day_count(
    year: int, count: int, calendar: HolidayCalendar
) -> None:
    from kontakta_rules.calendar import add_working_days
    from kontakta_rules.columnar.tables import deadline_rows

    rows = deadline_rows([year], [(calendar.value, count)])
    assert len(rows) == (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    for _, _, day, deadline in rows:
        assert deadline == add_working_days(day, count, calendar)
