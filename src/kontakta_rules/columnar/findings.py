"""Rows of the findings table as the library's findings, for the reports every command
writes: the rule references of the evaluator that compiled the stack, and each message
rebuilt from its id and JSON arguments, so that the message catalog renders it in Swedish or
English as it renders the reference's.

The table holds arguments as JSON: a day as ``2026-10-01``, an instant as its Stockholm wall
clock (``2026-10-01 10:00:00.000000``), a list as a list and a nested message as
``{"msgid": ..., "args": ...}``. They are turned back into dates, instants, tuples and
messages here; evidence (the quotes a text report prints under a finding) is not in the
table.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from ..evaluate import CallEvaluator
from ..i18n import Message
from ..model import Finding, RejectedInput, RuleRef
from ..report import ReportWriter
from ..vocabulary import Outcome
from .compile import EngineFinding, compiled

_STOCKHOLM = ZoneInfo("Europe/Stockholm")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WALL_CLOCK = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")


def argument(value: Any) -> Any:
    """A message argument as the reference holds it, from its JSON form in the table."""
    if isinstance(value, str):
        if _DAY.match(value):
            return dt.date.fromisoformat(value)
        if _WALL_CLOCK.match(value):
            return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=_STOCKHOLM)
        return value
    if isinstance(value, list):
        return tuple(argument(v) for v in value)
    if isinstance(value, dict) and set(value) == {"msgid", "args"}:
        return message(value["msgid"], value["args"] or {})
    return value


def message(msgid: str, args: Mapping[str, Any]) -> Message:
    """A finding's message from the table's message id and arguments."""
    return Message(msgid, {name: argument(v) for name, v in args.items()})


class Rows:
    """Rows of the findings table as findings of ``evaluator`` (its rule references, looked
    up once per rule)."""

    def __init__(self, evaluator: CallEvaluator) -> None:
        self.evaluator = evaluator
        self._refs: dict[tuple[str, str, str], RuleRef] = {}
        self.order = compiled(evaluator).order

    def rule(self, ruleset_id: str, version: str, rule_id: str) -> RuleRef:
        key = (ruleset_id, version, rule_id)
        ref = self._refs.get(key)
        if ref is None:
            ref = self._refs[key] = self.evaluator.rule_ref(
                ruleset_id, dt.date.fromisoformat(version), rule_id
            )
        return ref

    def finding(self, row: EngineFinding) -> Finding:
        return Finding(
            row.call_id,
            self.rule(row.ruleset_id, row.ruleset_version, row.rule_id),
            Outcome(row.outcome),
            message(row.msgid, row.args),
        )


def feed(
    writer: ReportWriter,
    rows: Rows,
    by_rule: Iterable[tuple[str, str, str, str, int]],
    listed: Iterable[EngineFinding],
    subjects: int,
    rejected: Sequence[tuple[int, RejectedInput]],
) -> None:
    """A report from the findings table's summary: the count of each rule's outcomes
    (``(ruleset, version, rule, outcome, count)``), the findings the report lists (in
    record order), the records judged and the rejected lines with their place in the
    audit, each given to the writer in its place among the records (as ``check calls``
    does)."""
    for ruleset_id, version, rule_id, outcome, n in by_rule:
        writer.tally.add_count(rows.rule(ruleset_id, version, rule_id), Outcome(outcome), n)
    waiting = iter(rejected)
    pending = next(waiting, None)
    record: list[Finding] = []
    line = 0
    for row in listed:
        if record and row.line != line:
            _add(writer, record, rows)
            record = []
        line = row.line
        while pending is not None and pending[0] < line:
            writer.rejected(pending[1])
            pending = next(waiting, None)
        record.append(rows.finding(row))
    _add(writer, record, rows)
    while pending is not None:
        writer.rejected(pending[1])
        pending = next(waiting, None)
    writer.tally.subjects = subjects


def _add(writer: ReportWriter, record: list[Finding], rows: Rows) -> None:
    """One record's findings, in the order the reference lists them."""

    def place(f: Finding) -> int:
        return rows.order[(f.rule.ruleset_id, f.rule.ruleset_version.isoformat(), f.rule.rule_id)]

    for f in sorted(record, key=place):
        writer.add(f.rule, f.outcome, writer.render(f))
