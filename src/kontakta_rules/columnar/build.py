"""What a check's ``columnar`` form builds its branches with: the call table's columns,
literals and the ruleset's parameter values, as sqlglot expressions."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from sqlglot import exp

from ..checks.columns import Branch
from ..checks.verdict import MissingParameter
from ..model import Parameter, ParameterValue
from ..vocabulary import Outcome

CALL_COLUMNS: dict[str, str] = {
    "line": "INTEGER",
    "call_id": "VARCHAR",
    "started_at": "TIMESTAMPTZ",
    "ended_at": "TIMESTAMPTZ",
    "calling_organisation": "VARCHAR",
    "destination": "VARCHAR",
    "purpose": "VARCHAR",
    "principal": "VARCHAR",
    "target": "VARCHAR",
    "subscription": "VARCHAR",
    "initiated_by": "VARCHAR",
    "caller_id_shown": "BOOLEAN",
    "silent": "BOOLEAN",
    "recorded_segments": "VARCHAR[]",
    "offer_category": "VARCHAR",
    "offer_sent_at": "TIMESTAMPTZ",
    "accepted_at": "TIMESTAMPTZ",
    "acceptance_form": "VARCHAR",
    "confirmation_sent_at": "TIMESTAMPTZ",
    "confirmation_received_at": "TIMESTAMPTZ",
    "do_not_call_requests": "TIMESTAMPTZ[]",
    "previous_calls": "TIMESTAMPTZ[]",
    "disclosures": "STRUCT(item VARCHAR, at_seconds DOUBLE)[]",
    "customer_known": "BOOLEAN",
    "consent_known": "BOOLEAN",
    "nix_given": "BOOLEAN",
    "nix_checked": "BOOLEAN",
    "nix_register_updated": "DATE",
    "nix_listed": "BOOLEAN",
    "customer_product_category": "VARCHAR",
    "customer_started": "DATE",
    "customer_ended": "DATE",
    "consent_organisations": "VARCHAR[]",
    "consent_given_at": "TIMESTAMPTZ",
}
"""The call table: one row per record, enums as their values, a list column NULL when the
record does not say (``[]`` when it says none). ``local_start`` (Stockholm wall clock) and
``local_day`` are computed from ``started_at`` by the engine."""

COMPUTED_COLUMNS = (
    "local_start",
    "local_day",
    "local_time",
    "silent_share",
    "nix_known",
    "nix_e_checked",
    "nix_e_updated",
    "nix_e_listed",
    "register_listed",
)
"""Computed by the engine for every call: the Stockholm wall clock; the calling
organisation's share of silent calls in the batch (percent of the calls whose flag is known);
the NIX evidence the checks use (the record's own, else the register snapshot's when it was
updated on or before the call's day: ``nix_known``, ``nix_e_*``), and what the snapshot
alone says (``register_listed``, NULL without a usable snapshot)."""

ZONE = "Europe/Stockholm"

SQL: TypeAlias = Any
"""A sqlglot expression (its base class was renamed across sqlglot versions)."""


def lit(value: object) -> SQL:
    """``value`` as a SQL literal (strings, numbers, booleans, dates, None)."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise TypeError(f"no literal for {value!r}")


@dataclass(frozen=True)
class Deferred:
    """Per call, the worst finding of another ruleset (a ``defers-to`` rule's answer)."""

    found: SQL
    absent: SQL
    outcome: SQL
    rule_id: SQL
    message: SQL


def _each(function: type[exp.Func], items: SQL, body: SQL, var: str = "x") -> SQL:
    """``function(items, var -> body)``: a list function with a lambda (``exp.ArrayFilter``
    or ``exp.Transform``, which sqlglot writes in each engine's dialect)."""
    return function(
        this=items, expression=exp.Lambda(this=body, expressions=[exp.to_identifier(var)])
    )


def _list_min(items: SQL) -> SQL:
    """The least item of a list (``LIST_MIN``; the Spark engine renames it, as sqlglot's own
    node for it is younger than the lowest sqlglot we support)."""
    return exp.Anonymous(this="LIST_MIN", expressions=[items])


def _is_null(value: SQL) -> SQL:
    return exp.Is(this=value, expression=exp.null())


def stockholm_clock(moment: SQL) -> SQL:
    """The Stockholm wall clock of an instant (a timestamp without zone)."""
    return exp.AtTimeZone(this=moment, zone=exp.Literal.string(ZONE))


def _stockholm_day(moment: SQL) -> SQL:
    """The Stockholm calendar day of an instant."""
    return exp.cast(stockholm_clock(moment), "DATE")


TIME_FORMAT = "%H:%M:%S.%f"
"""``local_time`` is the wall-clock time as text in this fixed-width form, which orders as
the times do (Spark has no TIME type)."""


class Columns:
    """The columns and values a check's columnar form may use."""

    def __init__(
        self,
        parameters: Mapping[str, Parameter],
        absent_before: Mapping[str, dt.date | None] | None = None,
    ) -> None:
        self.parameters = parameters
        self.absent_before = dict(absent_before or {})
        """Per ruleset of the stack: the day before which it has no version in force (None:
        it always has one, e.g. when pinned)."""
        self.deferred_to: list[str] = []
        self.deadlines: set[tuple[str, int]] = set()
        """The (calendar, count) pairs of working-day deadlines the rules look up."""
        self.derived: dict[str, SQL] = {}
        """Columns computed over the whole batch before the rule's rows are chosen (window
        functions), by name."""

    def field(self, name: str) -> exp.Column:
        if name not in CALL_COLUMNS and name not in COMPUTED_COLUMNS and name not in self.derived:
            raise KeyError(f"the call table has no column {name!r}")
        return exp.column(name)

    def deferred(self, ruleset: str) -> Deferred:
        """The worst finding of ``ruleset`` for the call (joined in by the compiler as
        ``worst_<n>``), or none; and whether that ruleset had no version that day."""
        if ruleset not in self.deferred_to:
            self.deferred_to.append(ruleset)
        alias = f"worst_{self.deferred_to.index(ruleset)}"

        def col(name: str) -> SQL:
            return exp.column(name, table=alias)

        first = self.absent_before.get(ruleset)
        absent = (
            exp.LT(this=self.field("local_day"), expression=lit(first))
            if ruleset in self.absent_before and first is not None
            else exp.false()
        )
        return Deferred(
            found=exp.Not(this=_is_null(col("line"))),
            absent=absent,
            outcome=col("outcome"),
            rule_id=col("rule_id"),
            message=exp.JSONObject(
                expressions=[
                    exp.JSONKeyValue(this=lit("msgid"), expression=col("msgid")),
                    exp.JSONKeyValue(this=lit("args"), expression=col("args")),
                ]
            ),
        )

    def missing(self, name: str) -> Branch:
        """The branch for rows that reach a parameter without a value (as ``judge``)."""
        return Branch(
            None,
            Outcome.UNDETERMINED,
            "parameter {name} has no value: set it in your policy overlay",
            {"name": lit(name)},
        )

    def earlier_calls(self, days: int) -> SQL:
        """How many calls of the batch by the same organisation to the same number started
        in the ``days`` (of 24 hours) before this one, this instant excluded."""
        name = f"earlier_calls_{days}"
        # both bounds in seconds: Spark wants the frame's bounds of one interval type
        spec = exp.WindowSpec(
            kind="RANGE",
            start=exp.Interval(this=exp.Literal.string(str(days * 86400)), unit=exp.var("SECOND")),
            start_side="PRECEDING",
            end=exp.Interval(this=exp.Literal.string("0.000001"), unit=exp.var("SECOND")),
            end_side="PRECEDING",
        )
        self.derived[name] = exp.Window(
            this=exp.Count(this=exp.Star()),
            partition_by=[exp.column("calling_organisation"), exp.column("destination")],
            order=exp.Order(expressions=[exp.Ordered(this=exp.column("started_at"))]),
            spec=spec,
        )
        return exp.column(name)

    def said_items(self) -> SQL:
        """The disclosure items the record lists (each as often as it was said)."""
        return _each(exp.Transform, self.field("disclosures"), exp.column("item", table="d"), "d")

    def first_said(self, item: object) -> SQL:
        """When ``item`` was first said (seconds into the call); NULL when never."""
        said = _each(
            exp.ArrayFilter,
            self.field("disclosures"),
            exp.EQ(this=exp.column("item", table="d"), expression=lit(item)),
            "d",
        )
        seconds = _each(exp.Transform, said, exp.column("at_seconds", table="d"), "d")
        return _list_min(seconds)

    def values_where(self, pairs: list[tuple[object, SQL]]) -> SQL:
        """The list of the values whose condition holds, in the given order."""
        cases = exp.Array(expressions=[exp.Case().when(cond, lit(value)) for value, cond in pairs])
        return _each(exp.ArrayFilter, cases, exp.Not(this=_is_null(exp.column("x"))))

    def stockholm_day(self, moment: str) -> SQL:
        return _stockholm_day(self.field(moment))

    def add_working_days(self, day: SQL, count: int, calendar: object) -> SQL:
        """The ``count``-th working day after ``day`` by ``calendar``: looked up in the
        engine's ``deadlines`` table, which holds :func:`calendar.add_working_days` for every
        day of the batch's years and every (calendar, count) the stack asks for."""
        calendar = getattr(calendar, "value", calendar)
        assert isinstance(calendar, str)
        self.deadlines.add((calendar, count))
        deadline = (
            exp.select("deadline")
            .from_(exp.to_table("deadlines").as_("w"))
            .where(
                exp.and_(
                    exp.EQ(this=exp.column("calendar", table="w"), expression=lit(calendar)),
                    exp.EQ(this=exp.column("days", table="w"), expression=lit(count)),
                    exp.EQ(this=exp.column("day", table="w"), expression=day),
                )
            )
        )
        return exp.Subquery(this=deadline)

    def add_months(self, day: SQL, months: int) -> SQL:
        """``day`` plus ``months``, the month's last day when it is shorter (as
        :func:`calendar.add_months`; DuckDB clamps the same way)."""
        return exp.cast(
            exp.Add(
                this=day,
                expression=exp.Interval(
                    this=exp.Literal.string(str(months)), unit=exp.var("MONTH")
                ),
            ),
            "DATE",
        )

    def message(self, msgid: str, args: dict[str, SQL] | None = None) -> SQL:
        """A message as a value of another message (JSON ``{"msgid", "args"}``)."""
        pairs = [
            exp.JSONKeyValue(this=lit(name), expression=value)
            for name, value in sorted((args or {}).items())
        ]
        return exp.JSONObject(
            expressions=[
                exp.JSONKeyValue(this=lit("msgid"), expression=lit(msgid)),
                exp.JSONKeyValue(this=lit("args"), expression=exp.JSONObject(expressions=pairs)),
            ]
        )

    def first_of(self, pairs: list[tuple[SQL, SQL]]) -> SQL:
        """The value of the first condition that holds; NULL when none does."""
        case = exp.Case()
        for condition, value in pairs:
            case = case.when(condition, value)
        return case

    def list_has(self, list_name: str, value: SQL) -> SQL:
        return exp.ArrayContains(this=self.field(list_name), expression=value)

    def round_even(self, value: SQL, digits: int) -> SQL:
        """``value`` rounded to ``digits`` decimals half to even, as Python's ``round``."""
        return exp.Anonymous(this="ROUND_EVEN", expressions=[value, exp.Literal.number(digits)])

    def coalesce(self, *values: SQL) -> SQL:
        return exp.Coalesce(this=values[0], expressions=list(values[1:]))

    def count_within(self, list_name: str, days: int) -> SQL:
        """How many items of a timestamp list fall in the ``days`` before ``started_at``."""
        since = exp.Sub(
            this=self.field("started_at"),
            expression=exp.Interval(this=exp.Literal.string(str(days)), unit=exp.var("DAY")),
        )
        inside = exp.and_(
            exp.GTE(this=exp.column("x"), expression=since),
            exp.LT(this=exp.column("x"), expression=self.field("started_at")),
        )
        return exp.ArraySize(this=_each(exp.ArrayFilter, self.field(list_name), inside))

    def known(self, name: str) -> SQL:
        return exp.Not(this=self.unknown(name))

    def unknown(self, name: str) -> SQL:
        return _is_null(self.field(name))

    def lit(self, value: object) -> SQL:
        return lit(value)

    def value(self, name: str) -> ParameterValue:
        """A parameter's value; a missing one makes the rule undetermined for every row."""
        param = self.parameters.get(name)
        if param is None or param.value is None:
            raise MissingParameter(name)
        return param.value

    def one_of(self, name: str, values: tuple[object, ...]) -> SQL:
        return exp.In(this=self.field(name), expressions=[lit(v) for v in values])

    def is_mobile(self, name: str = "destination") -> SQL:
        """The E.164 number is in a Swedish mobile series (as :func:`phone.is_mobile`)."""
        return exp.RegexpLike(
            this=self.field(name), expression=exp.Literal.string(r"^\+467[02369][0-9]{7}$")
        )

    def _before(self, list_name: str, moment: str) -> SQL:
        """The items of the timestamp list ``list_name`` earlier than column ``moment``."""
        later = exp.LT(this=exp.column("x"), expression=self.field(moment))
        return _each(exp.ArrayFilter, self.field(list_name), later)

    def any_before(self, list_name: str, moment: str) -> SQL:
        """Some item of the timestamp list ``list_name`` is earlier than column ``moment``."""
        return self.not_empty(self._before(list_name, moment))

    def first_before_day(self, list_name: str, moment: str) -> SQL:
        """The Stockholm day of the earliest item of ``list_name`` before ``moment``."""
        return _stockholm_day(_list_min(self._before(list_name, moment)))

    def missing_from(self, values: tuple[object, ...], present: SQL) -> SQL:
        """The items of ``values`` (in their order) that the list ``present`` lacks."""
        wanted = exp.Array(expressions=[lit(v) for v in values])
        lacking = exp.Not(this=exp.ArrayContains(this=present, expression=exp.column("x")))
        return _each(exp.ArrayFilter, wanted, lacking)

    def not_empty(self, expression: SQL) -> SQL:
        return exp.GT(this=exp.ArraySize(this=expression), expression=exp.Literal.number(0))

    def is_holiday(self, calendar: object) -> SQL:
        """The call's Stockholm day is a holiday of ``calendar`` (the engine's ``holidays``
        table, generated from the same calendars as the reference)."""
        days = (
            exp.select("day")
            .from_("holidays")
            .where(exp.EQ(this=exp.column("calendar"), expression=lit(calendar)))
        )
        return exp.In(this=self.field("local_day"), query=exp.Subquery(this=days))

    def local_text(self) -> SQL:
        """The Stockholm wall-clock start as text, as messages and evidence show it."""
        return exp.TimeToStr(
            this=self.field("local_start"), format=exp.Literal.string("%Y-%m-%d " + TIME_FORMAT)
        )

    def weekday_is(self, iso_day: int) -> SQL:
        return exp.EQ(
            this=exp.DayOfWeekIso(this=self.field("local_day")),
            expression=exp.Literal.number(iso_day),
        )

    def time_in(self, start: dt.time, end: dt.time | None) -> SQL:
        """``start <= local time < end`` (``end`` None: until midnight)."""
        t = self.field("local_time")
        low = exp.GTE(this=t, expression=exp.Literal.string(start.strftime(TIME_FORMAT)))
        if end is None:
            return low
        return exp.and_(
            low, exp.LT(this=t, expression=exp.Literal.string(end.strftime(TIME_FORMAT)))
        )
