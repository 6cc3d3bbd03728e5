"""The engine's own Parquet lane against the reader every format shares: on the same file,
the rows DuckDB takes as they are and the rows it leaves to the reader must give the same
``calls`` table and the same rejected rows with the same reasons as the reader alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

duckdb = pytest.importorskip("duckdb")

from kontakta_rules.columnar import duckdb_engine, parquet_input  # noqa: E402
from kontakta_rules.i18n import Message  # noqa: E402
from kontakta_rules.model import RejectedInput  # noqa: E402

INSTANTS = [
    "2026-10-01T10:00:00+02:00",
    "2026-10-01T08:00:00Z",
    "2026-10-01T10:00:00.250+02:00",
    "2026-10-25T02:30:00+01:00",
    "2026-10-01 10:00:00+02:00",  # the reader takes a space; the engine leaves it to it
    "2026-10-01T10:00:00",  # naive: refused
    "1850-06-01T10:00:00+01:00",  # before the years a record may hold
    "2026-02-30T10:00:00+01:00",  # no such day
    "2099-12-31T23:30:00-05:00",
]
LATER = ["2026-10-01T10:05:00+02:00", "2026-10-01T09:00:00+02:00", "2026-10-01T10:00:00+02:00"]
DESTINATIONS = [
    "+46701740605",
    "070-174 06 05",
    "+4671234567890",
    "+4610123456",
    "+46101234567",
    "+46201234",
    "+4690123456",
    "+4699123456",
    "+46812345678",
    "+12125551234",
    "+467017406",
]
DAYS = ["2026-09-01", "1850-01-01", "2026-02-30", "2026-9-1"]
TEXTS = ["Acme AB", "", "  ", "\u00a0", "x"]


def _maybe(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.sampled_from(values))


def _lists(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.lists(st.one_of(st.none(), st.sampled_from(values)), max_size=3))


FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "call_id": _maybe(["c1", "c2", "c3", "c4", "", " ", "\u00a0"]),
    "started_at": _maybe(INSTANTS),
    "ended_at": _maybe(LATER + INSTANTS[:2]),
    "calling_organisation": _maybe(TEXTS),
    "destination": _maybe(DESTINATIONS),
    "purpose": _maybe(["sales", "marketing", "fundraising", "sale", ""]),
    "principal": _maybe(TEXTS),
    "agent_relationship": _maybe(["employee", "contractor", "boss"]),
    "subscription": _maybe(["private", "company", "mobile"]),
    "target": _maybe(["consumer", "company", "person"]),
    "initiated_by": _maybe(["trader", "consumer", "nobody"]),
    "caller_id_shown": _maybe([True, False]),
    "silent": _maybe([True, False]),
    "disclosures": st.one_of(
        st.none(),
        st.lists(
            st.one_of(
                st.none(),
                st.fixed_dictionaries(
                    {
                        "item": _maybe(["agent-name", "commercial-purpose", "joke"]),
                        "at_seconds": _maybe([0.0, 2.5, 40.0, -1.0, -0.0]),
                    }
                ),
            ),
            max_size=3,
        ),
    ),
    "recorded_segments": _lists(["offer-presentation", "acceptance", "singing"]),
    "offer_category": _maybe(TEXTS),
    "accepted_at": _maybe(INSTANTS),
    "acceptance_form": _maybe(["written", "oral", "sms-reply", "telepathy"]),
    "do_not_call_requests": _lists(INSTANTS),
    "previous_calls": _lists(INSTANTS),
    "nix": st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {
                "checked": _maybe([True, False]),
                "register_updated": _maybe(DAYS),
                "listed": _maybe([True, False]),
            }
        ),
    ),
    "customer": st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {
                "product_category": _maybe(["electricity", "", " "]),
                "started": _maybe([*DAYS[:2], "2026-10-01"]),
                "ended": _maybe([*DAYS[:1], "2026-08-01", "2027-01-01"]),
            }
        ),
    ),
    "consent": st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {
                "organisations": _lists(["Acme AB", "Other AB"]),
                "given_at": _maybe(INSTANTS),
            }
        ),
    ),
}
ROW = st.fixed_dictionaries(FIELDS)

TEXT_SCHEMA = {
    "call_id": "VARCHAR",
    "started_at": "VARCHAR",
    "ended_at": "VARCHAR",
    "calling_organisation": "VARCHAR",
    "destination": "VARCHAR",
    "purpose": "VARCHAR",
    "principal": "VARCHAR",
    "agent_relationship": "VARCHAR",
    "subscription": "VARCHAR",
    "target": "VARCHAR",
    "initiated_by": "VARCHAR",
    "caller_id_shown": "BOOLEAN",
    "silent": "BOOLEAN",
    "disclosures": "STRUCT(item VARCHAR, at_seconds DOUBLE)[]",
    "recorded_segments": "VARCHAR[]",
    "offer_category": "VARCHAR",
    "accepted_at": "VARCHAR",
    "acceptance_form": "VARCHAR",
    "do_not_call_requests": "VARCHAR[]",
    "previous_calls": "VARCHAR[]",
    "nix": "STRUCT(checked BOOLEAN, register_updated VARCHAR, listed BOOLEAN)",
    "customer": "STRUCT(product_category VARCHAR, started VARCHAR, ended VARCHAR)",
    "consent": "STRUCT(organisations VARCHAR[], given_at VARCHAR)",
}

# the same rows with instants and days in their own types (a value that does not convert
# becomes NULL: both lanes read the same file either way)
TYPED = """
SELECT call_id, TRY_CAST(started_at AS TIMESTAMPTZ) AS started_at,
       TRY_CAST(ended_at AS TIMESTAMPTZ) AS ended_at, calling_organisation, destination,
       purpose, principal, agent_relationship, subscription, target, initiated_by,
       caller_id_shown, silent, disclosures, recorded_segments, offer_category,
       TRY_CAST(accepted_at AS TIMESTAMPTZ) AS accepted_at, acceptance_form,
       [TRY_CAST(x AS TIMESTAMPTZ) FOR x IN do_not_call_requests] AS do_not_call_requests,
       [TRY_CAST(x AS TIMESTAMPTZ) FOR x IN previous_calls] AS previous_calls,
       CASE WHEN nix IS NOT NULL THEN struct_pack(checked := nix.checked,
            register_updated := TRY_CAST(nix.register_updated AS DATE), listed := nix.listed) END AS nix,
       CASE WHEN customer IS NOT NULL THEN struct_pack(product_category := customer.product_category,
            started := TRY_CAST(customer.started AS DATE), ended := TRY_CAST(customer.ended AS DATE)) END AS customer,
       CASE WHEN consent IS NOT NULL THEN struct_pack(organisations := consent.organisations,
            given_at := TRY_CAST(consent.given_at AS TIMESTAMPTZ)) END AS consent
FROM rows_
"""


def _write(rows: list[dict[str, Any]], folder: Path) -> tuple[Path, Path]:
    """The rows as two Parquet files: instants and days as text, and in their own types."""
    lines = folder / "rows.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE rows_ AS SELECT * FROM read_json(?, format = 'newline_delimited', columns = ?)",
        [str(lines), TEXT_SCHEMA],
    )
    text, typed = folder / "text.parquet", folder / "typed.parquet"
    con.execute(f"COPY rows_ TO '{text}'")
    con.execute(f"COPY ({TYPED}) TO '{typed}'")
    con.close()
    return text, typed


def _read(path: Path, monkeypatch: pytest.MonkeyPatch | None) -> tuple[list[Any], list[Any], int]:
    """The ``calls`` table and the rejected rows after reading ``path``; with
    ``monkeypatch``, every row goes through the reader. Also how many rows the reader saw."""
    con = duckdb_engine.connect()
    try:
        duckdb_engine.calls_table(con)
        with pytest.MonkeyPatch.context() as patch:
            if monkeypatch is not None:
                patch.setattr(parquet_input, "plan", lambda types: Message("by the reader"))
            rows, others, _ = duckdb_engine.append_parquet(con, path, "calls.parquet", 1)
            items = list(others)
        rejected = [(n, i.line, i.reason) for n, i in items if isinstance(i, RejectedInput)]
        duckdb_engine.append_records(
            con, [(n, i) for n, i in items if not isinstance(i, RejectedInput)]
        )
        # as JSON text: the lowest DuckDB needs pytz to hand over an instant
        calls = con.execute("SELECT line, to_json(c) FROM calls AS c ORDER BY line").fetchall()
        assert rows == len(calls) + len(rejected)
        return calls, rejected, len(items)
    finally:
        con.close()


def _same_by_both_lanes(rows: list[dict[str, Any]], folder: Path) -> list[int]:
    seen = []
    for path in _write(rows, folder):
        fast, fast_rejected, by_reader = _read(path, None)
        slow, slow_rejected, _ = _read(path, pytest.MonkeyPatch())
        assert fast_rejected == slow_rejected
        assert fast == slow
        seen.append(len(rows) - by_reader)
    return seen


VALID = {
    "call_id": "c1",
    "started_at": "2026-10-01T10:00:00+02:00",
    "ended_at": "2026-10-01T10:05:00+02:00",
    "calling_organisation": "Acme AB",
    "destination": "+46701740605",
    "purpose": "sales",
    "disclosures": [{"item": "agent-name", "at_seconds": 2.5}],
    "recorded_segments": ["acceptance"],
    "do_not_call_requests": [],
    "nix": {"checked": True, "register_updated": "2026-09-01", "listed": False},
    "customer": {"product_category": "electricity", "started": "2026-01-01", "ended": None},
    "consent": {"organisations": ["Acme AB"], "given_at": "2026-09-01T10:00:00+02:00"},
}


NEAR_VALID = st.sampled_from(sorted(FIELDS)).flatmap(
    lambda name: FIELDS[name].map(lambda value: {**VALID, name: value})
)
"""A plainly valid row with one field drawn from anything: every check's edge, one at a
time, most rows taken by the engine."""


EDGES: dict[str, list[Any]] = {
    "call_id": ["", " ", "\u00a0", "x"],
    "started_at": INSTANTS,
    "ended_at": LATER + INSTANTS,
    "calling_organisation": TEXTS,
    "destination": DESTINATIONS,
    "purpose": ["marketing", "sale", ""],
    "agent_relationship": ["contractor", "boss"],
    "subscription": ["company", "mobile"],
    "target": ["company", "person"],
    "initiated_by": ["consumer", "nobody"],
    "disclosures": [
        [],
        [None],
        [{"item": "joke", "at_seconds": 1.0}],
        [{"item": None, "at_seconds": 1.0}],
        [{"item": "agent-name", "at_seconds": None}],
        [{"item": "agent-name", "at_seconds": -1.0}],
        [{"item": "agent-name", "at_seconds": -0.0}],
    ],
    "recorded_segments": [[], [None], ["singing"]],
    "accepted_at": INSTANTS,
    "acceptance_form": ["oral", "telepathy"],
    "do_not_call_requests": [[None], *([i] for i in INSTANTS)],
    "previous_calls": [[None], *([i] for i in INSTANTS)],
    "nix": [
        {"checked": None, "register_updated": None, "listed": None},
        *({"checked": True, "register_updated": d, "listed": None} for d in DAYS),
    ],
    "customer": [
        {"product_category": c, "started": d, "ended": e}
        for c in ("electricity", "", " ", None)
        for d in (*DAYS, None)
        for e in (None, "2025-01-01", "2027-01-01", "2026-9-1")
    ],
    "consent": [
        {"organisations": o, "given_at": g}
        for o in (None, [], [None], ["Acme AB"])
        for g in (None, *INSTANTS)
    ],
}


def test_every_edge_on_an_otherwise_valid_row(tmp_path: Path) -> None:
    """Each value of :data:`EDGES` in turn on a plainly valid row (and one row without the
    field), all in one file."""
    rows: list[dict[str, Any]] = [VALID]
    for name, values in EDGES.items():
        unique = {"call_id": f"c-{name}-{len(rows)}"} if name != "call_id" else {}
        rows.append({k: v for k, v in {**VALID, **unique}.items() if k != name})
        rows.extend({**VALID, **unique, name: value} | unique for value in values)
    by_engine = _same_by_both_lanes(rows, tmp_path)
    assert min(by_engine) > len(rows) // 4  # the engine is not bypassed


def test_plainly_valid_rows_are_taken_by_the_engine_and_the_rest_by_the_reader(
    tmp_path: Path,
) -> None:
    rows = [
        VALID,
        {**VALID, "call_id": "c2", "destination": "070-174 06 05"},  # the reader's form
        {**VALID, "call_id": "c3", "started_at": "2026-10-01T10:00:00"},  # naive
        {**VALID, "call_id": "c4", "ended_at": "2026-10-01T09:00:00+02:00"},  # ends first
        {**VALID, "call_id": "c1"},  # repeated: the audit rejects it, not the reader
    ]
    by_engine = _same_by_both_lanes(rows, tmp_path)
    assert by_engine[0] == 2  # c1 and the repeated c1; c2-c4 went to the reader
    assert by_engine[1] >= 2


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.one_of(ROW, NEAR_VALID), min_size=1, max_size=25))
def test_the_engine_lane_and_the_reader_agree_on_any_rows(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]
) -> None:
    _same_by_both_lanes(
        [{k: v for k, v in r.items() if v is not None or k in ("nix",)} for r in rows],
        tmp_path_factory.mktemp("rows"),
    )


def test_a_file_with_a_column_no_record_has_goes_wholly_to_the_reader(tmp_path: Path) -> None:
    table = tmp_path / "extra.parquet"
    duckdb.sql(
        "COPY (SELECT 'c1' AS call_id, TIMESTAMPTZ '2026-11-18 13:15:00+01' AS started_at, "
        "TIMESTAMPTZ '2026-11-18 13:19:00+01' AS ended_at, 'Acme AB' AS calling_organisation, "
        f"'+46701740605' AS destination, 'sales' AS purpose, 1 AS colour) TO '{table}'"
    )
    calls, rejected, by_reader = _read(table, None)
    assert calls == [] and by_reader == 1
    [(_, line, reason)] = rejected
    assert line == 1 and "colour" in reason.en


def test_the_user_is_told_when_the_engine_cannot_read_a_file_itself(tmp_path: Path) -> None:
    """A column type the engine does not take (here: instants as JSON, as DuckDB guesses
    them for lists that are always empty): the file is still judged, every row by the
    reader, and the audit says so in both languages."""
    table = tmp_path / "json-lists.parquet"
    duckdb.sql(
        "COPY (SELECT 'c1' AS call_id, TIMESTAMPTZ '2026-11-18 13:15:00+01' AS started_at, "
        "TIMESTAMPTZ '2026-11-18 13:19:00+01' AS ended_at, 'Acme AB' AS calling_organisation, "
        "'+46701740605' AS destination, 'sales' AS purpose, "
        f"CAST([] AS JSON[]) AS previous_calls) TO '{table}'"
    )
    con = duckdb_engine.connect()
    try:
        duckdb_engine.calls_table(con)
        rows, others, note = duckdb_engine.append_parquet(con, table, "calls.parquet", 1)
        assert rows == 1 and len(list(others)) == 1
    finally:
        con.close()
    assert note is not None
    assert note.render("en") == (
        "calls.parquet: the engine does not read column previous_calls of type JSON[]; every "
        "row goes through the reader all formats share, which is slower"
    )
    assert "previous_calls" in note.render("sv") and note.render("sv") != note.render("en")
