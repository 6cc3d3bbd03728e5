"""The stack of call rulesets as one query: per rule version, a SELECT of every call it
judges, with the outcome, the message id and the message's arguments; all of them joined
with UNION ALL. Built with sqlglot expressions, never by joining strings."""

from __future__ import annotations

import datetime as dt
import json
import weakref
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from attrs import field, frozen
from sqlglot import exp

from ..catalog import CatalogError
from ..checks.columns import Branch, NoColumnarForm
from ..checks.verdict import MissingParameter
from ..evaluate import CallEvaluator
from ..i18n import Message
from ..model import Rule, RuleRef, Ruleset
from ..vocabulary import Outcome
from .build import SQL, Columns, lit

FINDING_COLUMNS = (
    "line",
    "call_id",
    "ruleset_id",
    "ruleset_version",
    "fingerprint",
    "layer",
    "rule_id",
    "outcome",
    "msgid",
    "args",
)


@frozen
class Unsupported:
    """A rule the engine cannot judge: its check kind has no columnar form."""

    ref: RuleRef
    kind: str


class UnsupportedRules(CatalogError):
    """The stack has rules the engine cannot judge yet; it refuses rather than skip them."""

    def __init__(self, rules: Sequence[Unsupported]) -> None:
        super().__init__(
            Message(
                "the columnar engine cannot judge {count} rules of the stack (check kinds "
                "without a columnar form: {kinds}); use --engine reference",
                {"count": len(rules), "kinds": ", ".join(sorted({u.kind for u in rules}))},
            )
        )
        self.rules = tuple(rules)


@frozen
class EngineFinding:
    """One row of the findings table, its arguments parsed."""

    line: int
    call_id: str
    ruleset_id: str
    ruleset_version: str
    fingerprint: str
    layer: str
    rule_id: str
    outcome: str
    msgid: str
    args: dict[str, Any]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> EngineFinding:
        data = dict(zip(FINDING_COLUMNS, row, strict=True))
        data["args"] = json.loads(data["args"]) if data["args"] else {}
        return cls(**data)


@frozen(eq=False)
class Compiled:
    """A stack compiled: the query (None when no rule is left), the rules it cannot judge,
    and the working-day deadlines its rules look up (the engine's ``deadlines`` table)."""

    query: SQL | None
    unsupported: tuple[Unsupported, ...]
    deadlines: frozenset[tuple[str, int]]
    order: Mapping[tuple[str, str, str], int] = field(factory=dict)
    """Each rule version's place (``(ruleset, version, rule)``) among a record's findings as
    the reference lists them: the stack's rules in order, then those that defer to
    another ruleset."""

    def require_all(self) -> None:
        """Refuse a stack the engine cannot judge fully."""
        if self.unsupported:
            raise UnsupportedRules(self.unsupported)


def _scope_branches(rs: Ruleset, c: Columns) -> list[Branch]:
    """The columnar form of ``evaluate._scoped``: outside the ruleset's scope."""
    scope = rs.scope
    if scope is None:
        return []
    out = []
    if scope.purposes:
        out.append(
            Branch(
                ~c.one_of("purpose", scope.purposes),
                Outcome.NOT_APPLICABLE,
                "{ruleset} does not cover calls for {purpose}",
                {"ruleset": lit(rs.id), "purpose": c.field("purpose")},
            )
        )
    if scope.targets:
        out.append(
            Branch(
                c.known("target") & ~c.one_of("target", scope.targets),
                Outcome.NOT_APPLICABLE,
                "{ruleset} does not cover calls to {target}",
                {"ruleset": lit(rs.id), "target": c.field("target")},
            )
        )
    return out


def _case(branches: Sequence[Branch], value: str) -> SQL:
    """One CASE over the branches for ``outcome``, ``msgid`` or ``args``."""

    def pick(b: Branch) -> SQL:
        if value == "outcome":
            return b.outcome_of if b.outcome is None else lit(b.outcome.value)
        if value == "msgid":
            return lit(b.msgid)
        pairs = [
            exp.JSONKeyValue(this=lit(name), expression=arg) for name, arg in sorted(b.args.items())
        ]
        return exp.JSONObject(expressions=pairs)

    case = exp.Case()
    for b in branches:
        if b.when is None:
            return case.else_(pick(b))
        case = case.when(b.when, pick(b))
    raise ValueError("the last branch of a columnar form must have no condition")


def rule_branches(rs: Ruleset, rule: Rule, c: Columns | None = None) -> list[Branch]:
    """The branches of one rule in one ruleset version, scope first."""
    c = c or Columns(rs.parameters)
    scope = _scope_branches(rs, c)
    try:
        own = list(rule.check.columnar(c))
    except MissingParameter as missing:
        own = [
            Branch(
                None,
                Outcome.UNDETERMINED,
                "parameter {name} has no value: set it in your policy overlay",
                {"name": lit(missing.name)},
            )
        ]
    return [*scope, *own]


def _window(start: dt.date | None, end: dt.date | None) -> SQL:
    day = exp.column("local_day")
    conditions: list[SQL] = []
    if start is not None:
        conditions.append(exp.GTE(this=day, expression=lit(start)))
    if end is not None:
        conditions.append(exp.LT(this=day, expression=lit(end)))
    return exp.and_(*conditions) if conditions else exp.true()


_SEVERITY = {"violation": 3, "undetermined": 2, "compliant": 1, "not_applicable": 0}
"""How bad an outcome is, as the reference's ``defers-to`` picks the worst finding."""


def rule_select(
    rs: Ruleset, rule: Rule, ref: RuleRef, days: SQL, c: Columns, seq: int
) -> exp.Select:
    """The findings of one rule version: a row per call it judges (``seq`` orders the rules
    of the stack as the reference judges them)."""
    branches = rule_branches(rs, rule, c)
    source: SQL = exp.to_table("calls_v").as_("calls_row")
    if c.derived:
        # window columns see the whole batch, before the rule's own rows are chosen
        source = (
            exp.select(exp.Star(), *(e.as_(name) for name, e in c.derived.items()))
            .from_("calls_v")
            .subquery("calls_row")
        )
    select = exp.select(
        exp.column("line", table="calls_row"),
        exp.column("call_id", table="calls_row"),
        lit(ref.ruleset_id).as_("ruleset_id"),
        lit(ref.ruleset_version.isoformat()).as_("ruleset_version"),
        lit(ref.fingerprint).as_("fingerprint"),
        lit(ref.layer.value).as_("layer"),
        lit(ref.rule_id).as_("rule_id"),
        _case(branches, "outcome").as_("outcome"),
        _case(branches, "msgid").as_("msgid"),
        _case(branches, "args").as_("args"),
        lit(seq).as_("seq"),
    ).from_(source)
    for i, ruleset in enumerate(c.deferred_to):
        alias = f"worst_{i}"
        select = select.join(
            exp.to_table(_worst_name(ruleset)).as_(alias),
            on=exp.EQ(
                this=exp.column("line", table=alias),
                expression=exp.column("line", table="calls_row"),
            ),
            join_type="left",
        )
    return select.where(days)


def _worst_name(ruleset: str) -> str:
    return "worst_" + ruleset.replace("-", "_")


def _worst(ruleset: str) -> exp.Select:
    """Per call, the worst finding of ``ruleset``; of equals, the first the stack judges.
    The worst is found as the largest of an integer key per finding (how bad, then the
    earlier rule), and its row joined back: a hash aggregate of integers, not a sort of
    every finding."""
    severity = exp.Case()
    for outcome, badness in _SEVERITY.items():
        severity = severity.when(
            exp.EQ(this=exp.column("outcome"), expression=lit(outcome)), lit(badness)
        )
    limit = lit(_SEQ_LIMIT)
    # key = severity * L + (L - 1 - seq), so seq = L - 1 - key % L (seq < L)
    key = exp.Add(
        this=exp.Mul(this=exp.paren(severity), expression=limit),
        expression=exp.Sub(
            this=exp.Sub(this=limit.copy(), expression=lit(1)), expression=exp.column("seq")
        ),
    )
    keys = (
        exp.select(exp.column("line"), exp.Max(this=key).as_("worst_key"))
        .from_("base")
        .where(exp.EQ(this=exp.column("ruleset_id"), expression=lit(ruleset)))
        .group_by(exp.column("line"))
    )
    seq = exp.Sub(
        this=exp.Sub(this=limit.copy(), expression=lit(1)),
        expression=exp.Mod(this=exp.column("worst_key", table="keys"), expression=limit.copy()),
    )
    return (
        exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("found")))
        .from_(exp.to_table("base").as_("found"))
        .join(
            keys.subquery("keys"),
            on=exp.and_(
                exp.EQ(
                    this=exp.column("line", table="found"),
                    expression=exp.column("line", table="keys"),
                ),
                exp.EQ(this=exp.column("seq", table="found"), expression=seq),
            ),
        )
    )


_SEQ_LIMIT = 1_000_000
"""More rules than any stack has: the worst-finding key keeps severity and order apart."""


def _versions(
    evaluator: CallEvaluator, ruleset_id: str
) -> Iterator[tuple[dt.date | None, dt.date | None, Ruleset, str]]:
    """Each version of ``ruleset_id`` the evaluator would use, with the days it covers."""
    catalog = evaluator.catalog
    pinned = evaluator.pins.get(ruleset_id)
    if pinned is not None:
        yield None, None, catalog.get(ruleset_id, pinned), catalog.origin(ruleset_id, pinned)
        return
    versions = catalog.versions(ruleset_id)
    for i, version in enumerate(versions):
        end = versions[i + 1] if i + 1 < len(versions) else None
        yield version, end, catalog.get(ruleset_id, version), catalog.origin(ruleset_id, version)


_TYPES = {
    "line": "INTEGER",
    "call_id": "VARCHAR",
    "ruleset_id": "VARCHAR",
    "ruleset_version": "VARCHAR",
    "fingerprint": "VARCHAR",
    "layer": "VARCHAR",
    "rule_id": "VARCHAR",
    "outcome": "VARCHAR",
    "msgid": "VARCHAR",
    "args": "JSON",
    "seq": "INTEGER",
}


def _nothing() -> exp.Select:
    """No findings, with the findings' columns."""
    return exp.select(
        *(exp.cast(exp.null(), kind).as_(name) for name, kind in _TYPES.items())
    ).where(exp.false())


def _union(selects: list[exp.Select]) -> SQL:
    query: SQL = selects[0]
    for select in selects[1:]:
        query = exp.union(query, select, distinct=False)
    return query


_COMPILED: weakref.WeakKeyDictionary[CallEvaluator, dict[frozenset[str] | None, Compiled]] = (
    weakref.WeakKeyDictionary()
)


def compiled(evaluator: CallEvaluator, kinds: frozenset[str] | None = None) -> Compiled:
    """:func:`compile_stack`, once per evaluator and kinds (an evaluator's stack does not
    change)."""
    per_kinds = _COMPILED.setdefault(evaluator, {})
    if kinds not in per_kinds:
        per_kinds[kinds] = compile_stack(evaluator, kinds)
    return per_kinds[kinds]


def compile_stack(evaluator: CallEvaluator, kinds: frozenset[str] | None = None) -> Compiled:
    """The query judging every call by the evaluator's stack (versions by each call's
    Stockholm day, pins, the overlay), and the rules it cannot judge. ``defers-to`` rules
    read the other rules' findings, so they come after the rest (as in the reference)."""
    unsupported: list[Unsupported] = []
    prepared = []
    absent_before: dict[str, dt.date | None] = {}
    for ruleset_id in evaluator.ruleset_ids:
        versions = list(_versions(evaluator, ruleset_id))
        absent_before[ruleset_id] = versions[0][0]  # None when pinned: always a version
        for start, end, rs, origin in versions:
            prepared.append((start, end, evaluator._prepare(rs, origin)))
    if evaluator._organisation is not None:
        prepared.append((None, None, evaluator._organisation))
    selects: list[exp.Select] = []
    deferring: list[exp.Select] = []
    deferred_to: set[str] = set()
    deadlines: set[tuple[str, int]] = set()
    places: list[tuple[bool, int, tuple[str, str, str]]] = []
    for _, end, p in prepared:
        for rule, ref in p.rules:
            if kinds is not None and rule.check.kind not in kinds:
                continue
            # as Rule.in_force_on: from the rule's own start or its version's date (a pinned
            # version too), until the next version (none when pinned) or the rule's end
            rule_start = rule.effective_from or p.ruleset.version
            rule_end = min((d for d in (end, rule.effective_until) if d is not None), default=None)
            c = Columns(p.ruleset.parameters, absent_before)
            try:
                select = rule_select(
                    p.ruleset,
                    rule,
                    ref,
                    _window(rule_start, rule_end),
                    c,
                    len(selects) + len(deferring),
                )
            except NoColumnarForm:
                unsupported.append(Unsupported(ref, rule.check.kind))
                continue
            deadlines |= c.deadlines
            key = (ref.ruleset_id, ref.ruleset_version.isoformat(), ref.rule_id)
            places.append((bool(c.deferred_to), len(places), key))
            if c.deferred_to:
                deferring.append(select)
                deferred_to.update(c.deferred_to)
            else:
                selects.append(select)
    order = {key: i for i, (_, _, key) in enumerate(sorted(places))}
    if not selects and not deferring:
        return Compiled(None, tuple(unsupported), frozenset())
    columns = [exp.column(name) for name in FINDING_COLUMNS if name != "args"]
    output = [*columns, exp.cast(exp.column("args"), "VARCHAR").as_("args")]
    if not deferring:
        query = exp.select(*output).from_(_union(selects).subquery("findings"))
        return Compiled(query, tuple(unsupported), frozenset(deadlines), order)
    # the columns the deferring rules read of the rulesets they defer to are kept (a common
    # table, narrow: it is held in memory); every finding streams to the output. Without the
    # rules they defer to (a narrow --kinds), deferring rules find nothing.
    kept = [_narrow(s) for s in selects if _ruleset_of(s) in deferred_to]
    base = _union(kept) if kept else _nothing()
    query = exp.select(*output).from_(_union([*selects, *deferring]).subquery("findings"))
    query = query.with_("base", as_=base)
    for ruleset in sorted(deferred_to):
        query = query.with_(_worst_name(ruleset), as_=_worst(ruleset))
    return Compiled(query, tuple(unsupported), frozenset(deadlines), order)


_KEPT = ("line", "ruleset_id", "rule_id", "outcome", "msgid", "args", "seq")
"""What a deferring rule reads of the findings of the ruleset it defers to."""


def _narrow(select: exp.Select) -> exp.Select:
    """A rule's SELECT with only the columns :data:`_KEPT`."""
    narrow = select.copy()
    narrow.set("expressions", [e for e in narrow.expressions if e.alias_or_name in _KEPT])
    return narrow


def _ruleset_of(select: exp.Select) -> str:
    """The ruleset id a rule's SELECT (:func:`rule_select`) reports."""
    column = next(e for e in select.expressions if e.alias_or_name == "ruleset_id")
    return str(column.this.this)
