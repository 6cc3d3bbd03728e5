"""Parquet call records read by DuckDB itself, without a Python object per record.

Each column of the file is matched against the fields of a call record (the JSON Lines
fields, nested ones as structs). For every column type the engine can read, a SQL test says
whether a value is *plainly valid*: a test that is stricter than the record's own validation,
never looser (an instant within the years a record may hold, a destination already in E.164
form in a series the numbering plan accepts, an enum value from the vocabulary, no NULL in a
list...). Rows that pass go straight into the ``calls`` table. Every other row — and every
row of a file with a column the engine cannot read, or an unknown column — is written as JSON
and validated by :func:`.subjects.call_io.jsonl_item`, the reader every format shares: it
becomes a record or a rejected line with its reason, exactly as in JSON Lines. So the engine
never decides that a record is invalid and never words a reason; a differential test holds
the two lanes equal.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping

import sqlglot
from attrs import frozen
from sqlglot import exp

from ..i18n import Message
from ..vocabulary import Disclosure, Initiator, Purpose, RecordingSegment, SubscriptionType, Target
from .build import CALL_COLUMNS, SQL

_E164 = r"^\+46(1[1-9][0-9]{6,7}|10[0-9]{7}|[2-689][0-9]{7,8}|7[02369][0-9]{7})$"
"""Destinations the engine takes as they are: E.164 numbers that ``phone.to_e164`` returns
unchanged (1x, 2x–6x, 8x and 9x with 8 or 9 digits after +46, 010 with 9, mobile 07x with 9).
Any other form — separators, a trunk 0, other series and lengths — is left to the reader."""

_ISO_INSTANT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$"
)
_ISO_DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

_TEMPLATES = {
    # a text that is not blank: the reader strips Unicode white space, so only a text with a
    # letter or digit of ASCII is plainly not blank
    "id": ":v IS NOT NULL AND regexp_matches(:v, '[0-9A-Za-z]')",
    "number": f"regexp_full_match(:v, '{_E164}')",
    "instant": ":v >= TIMESTAMPTZ '1900-01-01 00:00:00+00' AND :v < TIMESTAMPTZ '2100-01-01 00:00:00+00'",
    "instant_text": (
        f"regexp_full_match(:v, '{_ISO_INSTANT}') AND TRY_CAST(:v AS TIMESTAMPTZ) IS NOT NULL "
        "AND substr(:v, 1, 4) BETWEEN '1900' AND '2099'"
    ),
    "day": ":v BETWEEN DATE '1900-01-01' AND DATE '2099-12-31'",
    "day_text": (
        f"regexp_full_match(:v, '{_ISO_DAY}') AND TRY_CAST(:v AS DATE) "
        "BETWEEN DATE '1900-01-01' AND DATE '2099-12-31'"
    ),
    "finite": "isfinite(CAST(:v AS DOUBLE)) AND :v >= 0",
    "list": "len(list_filter(:v, x -> NOT coalesce(:item, false))) = 0",
    "each": "list_transform(:v, x -> :item)",
}


def _sql(name: str, **values: SQL) -> SQL:
    tree = sqlglot.parse_one(_TEMPLATES[name], read="duckdb")
    return exp.replace_placeholders(tree, **{k: v.copy() for k, v in values.items()})


_VARCHARS = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR}
_NUMBERS = {
    exp.DataType.Type.DOUBLE,
    exp.DataType.Type.FLOAT,
    exp.DataType.Type.DECIMAL,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
    exp.DataType.Type.SMALLINT,
    exp.DataType.Type.TINYINT,
}


@frozen
class Lane:
    """How the engine reads one value: ``ok`` is true when it is plainly valid (NULL counts
    as not), ``value`` is it in the ``calls`` table's type."""

    ok: SQL
    value: SQL


Reader = Callable[[SQL, exp.DataType], "Lane | None"]
"""A value's lane for a column type, None when the engine does not read that type."""


def _is_text(t: exp.DataType) -> bool:
    return t.this in _VARCHARS


def _text(v: SQL, t: exp.DataType) -> Lane | None:
    return Lane(exp.true(), v) if _is_text(t) else None


def _id(v: SQL, t: exp.DataType) -> Lane | None:
    return Lane(_sql("id", v=v), v) if _is_text(t) else None


def _number(v: SQL, t: exp.DataType) -> Lane | None:
    return Lane(_sql("number", v=v), v) if _is_text(t) else None


def _flag(v: SQL, t: exp.DataType) -> Lane | None:
    return Lane(exp.true(), v) if t.this == exp.DataType.Type.BOOLEAN else None


def _one_of(values: tuple[str, ...]) -> Reader:
    def read(v: SQL, t: exp.DataType) -> Lane | None:
        if not _is_text(t):
            return None
        allowed = exp.Array(expressions=[exp.Literal.string(x) for x in values])
        return Lane(exp.ArrayContains(this=allowed, expression=v.copy()), v)

    return read


def _enum(cls: type[enum.StrEnum]) -> Reader:
    return _one_of(tuple(m.value for m in cls))


def _instant(v: SQL, t: exp.DataType) -> Lane | None:
    if t.this == exp.DataType.Type.TIMESTAMPTZ:
        return Lane(_sql("instant", v=v), v)
    if _is_text(t):
        return Lane(
            _sql("instant_text", v=v),
            exp.TryCast(this=v.copy(), to=exp.DataType.build("TIMESTAMPTZ")),
        )
    return None


def _day(v: SQL, t: exp.DataType) -> Lane | None:
    if t.this == exp.DataType.Type.DATE:
        return Lane(_sql("day", v=v), v)
    if _is_text(t):
        return Lane(
            _sql("day_text", v=v), exp.TryCast(this=v.copy(), to=exp.DataType.build("DATE"))
        )
    return None


def _required(read: Reader) -> Reader:
    def required(v: SQL, t: exp.DataType) -> Lane | None:
        lane = read(v, t)
        if lane is None:
            return None
        return Lane(
            exp.and_(exp.Not(this=exp.Is(this=v.copy(), expression=exp.null())), lane.ok),
            lane.value,
        )

    return required


def _optional(read: Reader) -> Reader:
    def optional(v: SQL, t: exp.DataType) -> Lane | None:
        lane = read(v, t)
        if lane is None:
            return None
        return Lane(
            exp.or_(exp.Is(this=v.copy(), expression=exp.null()), exp.paren(lane.ok)), lane.value
        )

    return optional


def _list_of(item: Reader) -> Reader:
    """A list that is NULL (not known) or whose every item is plainly valid (never NULL)."""

    def read(v: SQL, t: exp.DataType) -> Lane | None:
        if (
            t.this not in (exp.DataType.Type.ARRAY, exp.DataType.Type.LIST)
            or len(t.expressions) != 1
        ):
            return None
        x = exp.column("x")
        lane = _required(item)(x, t.expressions[0])
        if lane is None:
            return None
        ok = exp.or_(exp.Is(this=v.copy(), expression=exp.null()), _sql("list", v=v, item=lane.ok))
        value = v if lane.value == x else _sql("each", v=v, item=lane.value)
        return Lane(ok, value)

    return read


def _fields(t: exp.DataType) -> dict[str, exp.DataType] | None:
    if t.this != exp.DataType.Type.STRUCT:
        return None
    out = {}
    for e in t.expressions:
        kind = e.args.get("kind") if isinstance(e, exp.ColumnDef) else None
        if not isinstance(kind, exp.DataType):
            return None
        out[e.name] = kind
    return out


def _field(v: SQL, name: str) -> SQL:
    return exp.Dot(this=v.copy(), expression=exp.to_identifier(name))


def _disclosure(v: SQL, t: exp.DataType) -> Lane | None:
    fields = _fields(t)
    if fields is None or set(fields) != {"item", "at_seconds"}:
        return None
    if not _is_text(fields["item"]) or fields["at_seconds"].this not in _NUMBERS:
        return None
    item, seconds = _field(v, "item"), _field(v, "at_seconds")
    ok = exp.and_(
        _enum(Disclosure)(item, fields["item"]).ok,  # type: ignore[union-attr]
        exp.Not(this=exp.Is(this=seconds.copy(), expression=exp.null())),
        _sql("finite", v=seconds),
    )
    value = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("item"), expression=item),
            exp.PropertyEQ(
                this=exp.to_identifier("at_seconds"),
                expression=exp.cast(seconds, "DOUBLE"),
            ),
        ]
    )
    return Lane(ok, value)


@frozen
class Part:
    """A field of a nested table: how it is read, whether the record needs it, and the
    ``calls`` column it becomes."""

    read: Reader
    required: bool
    column: str


_NESTED: dict[str, tuple[str, dict[str, Part]]] = {
    "nix": (
        "nix_given",
        {
            "checked": Part(_flag, True, "nix_checked"),
            "register_updated": Part(_day, False, "nix_register_updated"),
            "listed": Part(_flag, False, "nix_listed"),
        },
    ),
    "customer": (
        "customer_known",
        {
            "product_category": Part(_id, True, "customer_product_category"),
            "started": Part(_day, True, "customer_started"),
            "ended": Part(_day, False, "customer_ended"),
        },
    ),
    "consent": (
        "consent_known",
        {
            "organisations": Part(_list_of(_text), True, "consent_organisations"),
            "given_at": Part(_instant, True, "consent_given_at"),
        },
    ),
}

_FLAT: dict[str, tuple[Reader, bool]] = {
    "call_id": (_id, True),
    "started_at": (_instant, True),
    "ended_at": (_instant, True),
    "calling_organisation": (_text, True),
    "destination": (_number, True),
    "purpose": (_enum(Purpose), True),
    "principal": (_text, False),
    "agent_name": (_text, False),
    "agent_relationship": (_one_of(("employee", "contractor")), False),
    "caller_id_shown": (_flag, False),
    "subscription": (_enum(SubscriptionType), False),
    "target": (_enum(Target), False),
    "initiated_by": (_enum(Initiator), False),
    "disclosures": (_list_of(_disclosure), False),
    "recorded_segments": (_list_of(_enum(RecordingSegment)), False),
    "silent": (_flag, False),
    "offer_category": (_text, False),
    "offer_sent_at": (_instant, False),
    "accepted_at": (_instant, False),
    "acceptance_form": (_one_of(("written", "oral", "sms-reply")), False),
    "confirmation_sent_at": (_instant, False),
    "confirmation_received_at": (_instant, False),
    "do_not_call_requests": (_list_of(_instant), False),
    "previous_calls": (_list_of(_instant), False),
}


@frozen
class Plan:
    """How the engine reads a file: ``ok`` (true for a row it takes as it is) and the
    ``calls`` columns (``line`` aside) as expressions over the file's columns."""

    ok: SQL
    columns: Mapping[str, SQL]


def _nested(name: str, v: SQL, t: exp.DataType) -> tuple[SQL, dict[str, SQL]] | None:
    known, parts = _NESTED[name]
    fields = _fields(t)
    if fields is None or not set(fields) <= set(parts):
        return None
    checks: list[SQL] = []
    columns: dict[str, SQL] = {known: exp.Not(this=exp.Is(this=v.copy(), expression=exp.null()))}
    for field, part in parts.items():
        if field not in fields:
            if part.required:
                return None  # every such nested table is rejected: the reader says why
            columns[part.column] = exp.null()
            continue
        reader = _required(part.read) if part.required else _optional(part.read)
        lane = reader(_field(v, field), fields[field])
        if lane is None:
            return None
        checks.append(lane.ok)
        columns[part.column] = lane.value
    if name == "customer" and "ended" in fields:
        ended, started = columns["customer_ended"], columns["customer_started"]
        checks.append(
            exp.or_(
                exp.Is(this=ended.copy(), expression=exp.null()),
                exp.GTE(this=ended.copy(), expression=started.copy()),
            )
        )
    ok = exp.or_(exp.Is(this=v.copy(), expression=exp.null()), exp.paren(exp.and_(*checks)))
    return ok, columns


def plan(types: Mapping[str, str]) -> Plan | Message:
    """How the engine reads a file whose columns have these DuckDB types; or, when it
    cannot read one of them (an unknown column, a type it does not take, a missing field a
    record needs), why not: then every row goes to the reader."""
    checks: list[SQL] = []
    columns: dict[str, SQL] = {}
    for name, type_text in types.items():
        try:
            t = exp.DataType.build(type_text, dialect="duckdb")
        except (sqlglot.errors.SqlglotError, ValueError):
            return _not_read(name, type_text)
        v = exp.column(name, table="src", quoted=True)
        if name in _NESTED:
            nested = _nested(name, v, t)
            if nested is None:
                return _not_read(name, type_text)
            ok, more = nested
            checks.append(ok)
            columns.update(more)
            continue
        if name not in _FLAT:
            return Message("column {column} is not a field of a call record", {"column": name})
        read, required = _FLAT[name]
        lane = (_required(read) if required else _optional(read))(v, t)
        if lane is None:
            return _not_read(name, type_text)
        checks.append(lane.ok)
        columns[name] = lane.value
    for name, (_, required) in _FLAT.items():
        if required and name not in types:
            return Message("no column {column}", {"column": name})
    checks.append(exp.GTE(this=columns["ended_at"].copy(), expression=columns["started_at"].copy()))
    for name, (known, parts) in _NESTED.items():
        if name not in types:
            columns[known] = exp.false()
            columns.update({part.column: exp.null() for part in parts.values()})
    for name in CALL_COLUMNS:
        columns.setdefault(name, exp.null())
    columns.pop("line")
    ok = exp.func("coalesce", exp.and_(*(exp.paren(c) for c in checks)), exp.false())
    return Plan(ok, columns)


def _not_read(column: str, type_text: str) -> Message:
    return Message(
        "the engine does not read column {column} of type {type}",
        {"column": column, "type": type_text},
    )


def row_json(types: Mapping[str, str]) -> SQL:
    """A row of the file as a JSON object of its own columns (for the reader)."""
    pairs = [
        exp.PropertyEQ(
            this=exp.to_identifier(name, quoted=True),
            expression=exp.column(name, table="src", quoted=True),
        )
        for name in types
    ]
    return exp.func("to_json", exp.Struct(expressions=pairs))


def cast_columns(columns: Mapping[str, SQL]) -> list[SQL]:
    """The ``calls`` columns (``line`` aside) in their table's order and types."""
    return [
        exp.cast(columns[name], CALL_COLUMNS[name], dialect="duckdb").as_(name)
        for name in CALL_COLUMNS
        if name != "line"
    ]
