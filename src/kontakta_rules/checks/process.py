"""Check kinds judged on a customer-service process description (and its contact log).

A process statement is ``true``/``false``, a text or a list; a statement left out is not
known. A check that needs an unknown statement is ``undetermined``, never ``compliant``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

from attrs import frozen

from ..i18n import Message
from ..vocabulary import (
    CHANNEL_LABELS,
    ChannelKind,
    Outcome,
    ParameterType,
    Sector,
    SubjectKind,
    Unit,
)
from .base import Check, parameter_ref
from .verdict import Context, Verdict

if TYPE_CHECKING:
    from ..kpis import KpiValue
    from ..subjects.service_process import ServiceProcess, ServiceReview

_PROCESS = frozenset({SubjectKind.SERVICE_PROCESS})


def _state(value: object) -> bool | None:
    """A statement as yes (true, a text, a non-empty list), no (false, empty) or unknown."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str | tuple):
        return bool(value)
    return True


def _path_problems(
    paths: Sequence[str], field: str, *, channel: bool
) -> Iterator[tuple[str, Message]]:
    from ..subjects.service_process import field_type

    for i, path in enumerate(paths):
        full = f"channels.{path}" if channel else path
        if full.startswith("channels.") and not channel:
            problem = Message(
                "{path} is a channel field: use a channels-declare check", {"path": path}
            )
        elif field_type(full) is None:
            problem = Message(
                "{path} is not a field of a {what}",
                {
                    "path": path,
                    "what": Message("channel") if channel else Message("service process"),
                },
            )
        else:
            continue
        yield f".{field}[{i}]" if field != "when" else ".when", problem


@frozen(kw_only=True)
class _Coverage:
    """Whom a process rule covers: the ``sectors`` named (all when empty), and not
    microenterprises when ``microenterprise_headcount`` and ``microenterprise_turnover`` name
    the ruleset's thresholds. Shared by the process check kinds."""

    sectors: tuple[Sector, ...] = ()
    microenterprise_headcount: str | None = parameter_ref(
        ParameterType.INTEGER, Unit.PERSONS, optional=True
    )
    """Fewer persons than this (and a small turnover or balance sheet): a microenterprise."""
    microenterprise_turnover: str | None = parameter_ref(
        ParameterType.NUMBER, Unit.EUR, optional=True
    )
    """Turnover or balance sheet at most this many euro (and few persons): a microenterprise."""

    def _coverage_problems(self) -> Iterator[tuple[str, Message]]:
        headcount, turnover = self.microenterprise_headcount, self.microenterprise_turnover
        if (headcount is None) != (turnover is None):
            yield (
                ".microenterprise_turnover" if turnover is None else ".microenterprise_headcount",
                Message("the microenterprise exemption needs both the headcount and the turnover"),
            )

    def _uncovered(self, process: ServiceProcess, context: Context) -> Verdict | None:
        """A not-applicable or undetermined verdict when the rule does not (surely) cover the
        organisation; None when it does."""
        org = process.organisation
        if self.sectors and org.sector not in self.sectors:
            return Verdict(
                Outcome.NOT_APPLICABLE,
                Message("the {sector} sector is outside the rule", {"sector": org.sector.value}),
                {"sector": org.sector.value},
            )
        if self.microenterprise_headcount is None or self.microenterprise_turnover is None:
            return None
        limit = context.value(self.microenterprise_headcount)
        money = context.value(self.microenterprise_turnover)
        assert isinstance(limit, int) and isinstance(money, int | float)
        evidence = {
            "headcount": org.headcount,
            "turnover_eur": org.turnover_eur,
            "balance_sheet_eur": org.balance_sheet_eur,
        }
        if org.headcount is not None and org.headcount >= limit:
            return None
        figures = [f for f in (org.turnover_eur, org.balance_sheet_eur) if f is not None]
        small_money = any(f <= money for f in figures)
        if len(figures) == 2 and not small_money:
            return None  # turnover and balance sheet both above the threshold
        if org.headcount is not None and small_money:
            return Verdict(
                Outcome.NOT_APPLICABLE,
                Message(
                    "a microenterprise (fewer than {persons} persons, turnover or balance sheet "
                    "at most {eur} EUR) is exempt",
                    {"persons": limit, "eur": money},
                ),
                evidence,
            )
        return Verdict(
            Outcome.UNDETERMINED,
            Message(
                "whether the organisation is a microenterprise is not known: state its "
                "headcount, turnover and balance sheet total"
            ),
            evidence,
        )


def _judge(values: dict[str, object], required: Sequence[str], absent: Sequence[str]) -> Verdict:
    """Every required statement yes and every absent statement no."""
    failed = [p for p in required if _state(values[p]) is False]
    failed += [p for p in absent if _state(values[p]) is True]
    unknown = [p for p in (*required, *absent) if _state(values[p]) is None]
    evidence = {p: _plain(v) for p, v in values.items()}
    if failed:
        return Verdict(
            Outcome.VIOLATION, Message("falls short: {items}", {"items": tuple(failed)}), evidence
        )
    if unknown:
        return Verdict(
            Outcome.UNDETERMINED,
            Message("not stated in the process description: {items}", {"items": tuple(unknown)}),
            evidence,
        )
    return Verdict(
        Outcome.COMPLIANT,
        Message("stated: {items}", {"items": (*required, *absent)}),
        evidence,
    )


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return value


@frozen
class ProcessDeclares(_Coverage, Check):
    """The process description states each of ``fields`` (yes, a text, a non-empty list) and
    none of ``absent``. The rule applies only when the ``when`` statement is yes, when the
    process has a channel of one of ``when_channels``, to the ``sectors`` named, and not to
    microenterprises when ``microenterprise_headcount`` and ``microenterprise_turnover`` name
    the ruleset's thresholds."""

    kind: ClassVar[str] = "process-declares"
    subjects: ClassVar[frozenset[SubjectKind]] = _PROCESS
    fields: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    when: str | None = None
    when_channels: tuple[ChannelKind, ...] = ()

    def lint(self) -> Iterator[tuple[str, Message]]:
        if not self.fields and not self.absent:
            yield ".fields", Message("name at least one statement in fields or absent")
        yield from _path_problems(self.fields, "fields", channel=False)
        yield from _path_problems(self.absent, "absent", channel=False)
        if self.when is not None:
            yield from _path_problems([self.when], "when", channel=False)
        yield from self._coverage_problems()

    def evaluate(self, subject: ServiceReview, context: Context) -> Verdict:
        from ..subjects.service_process import value_at

        process = subject.process
        if (out := self._uncovered(process, context)) is not None:
            return out
        if self.when_channels and not process.channel_kinds() & set(self.when_channels):
            return Verdict(
                Outcome.NOT_APPLICABLE,
                Message(
                    "the process has no {kinds} channel",
                    {"kinds": tuple(k.value for k in self.when_channels)},
                ),
            )
        if self.when is not None:
            state = _state(value_at(process, self.when))
            if state is False:
                return Verdict(
                    Outcome.NOT_APPLICABLE,
                    Message("does not apply: {path} is no", {"path": self.when}),
                    {self.when: False},
                )
            if state is None:
                return Verdict(
                    Outcome.UNDETERMINED,
                    Message(
                        "not stated in the process description: {items}", {"items": (self.when,)}
                    ),
                    {self.when: None},
                )
        values = {p: value_at(process, p) for p in (*self.fields, *self.absent)}
        return _judge(values, self.fields, self.absent)


@frozen
class ChannelsDeclare(_Coverage, Check):
    """The process has a channel of each of ``kinds``, and every such channel (every channel
    when ``kinds`` is empty; at least one with ``quantifier = "any"``) states each of
    ``fields``. ``sectors`` and the microenterprise thresholds limit whom it covers, as for
    ``process-declares``."""

    kind: ClassVar[str] = "channels-declare"
    subjects: ClassVar[frozenset[SubjectKind]] = _PROCESS
    fields: tuple[str, ...]
    kinds: tuple[ChannelKind, ...] = ()
    quantifier: Literal["every", "any"] = "every"

    def lint(self) -> Iterator[tuple[str, Message]]:
        yield from _path_problems(self.fields, "fields", channel=True)
        yield from self._coverage_problems()

    def evaluate(self, subject: ServiceReview, context: Context) -> Verdict:
        process = subject.process
        if (out := self._uncovered(process, context)) is not None:
            return out
        if not process.channels:
            # a customer service without any channel is not a description, it is a gap in it
            return Verdict(Outcome.UNDETERMINED, Message("no channel is described"))
        missing = [k.value for k in self.kinds if k not in process.channel_kinds()]
        if missing:
            return Verdict(
                Outcome.VIOLATION,
                Message("no {kinds} channel", {"kinds": tuple(missing)}),
                {"channels": [c.kind.value for c in process.channels]},
            )
        channels = [c for c in process.channels if not self.kinds or c.kind in self.kinds]
        values = {
            f"channels[{i}:{c.kind.value}].{f}": getattr(c, f)
            for i, c in enumerate(process.channels)
            if c in channels
            for f in self.fields
        }
        if self.quantifier == "every":
            return _judge(values, tuple(values), ())
        evidence = {p: _plain(v) for p, v in values.items()}
        states = [_channel_state(c, self.fields) for c in channels]
        if True in states:
            return Verdict(
                Outcome.COMPLIANT,
                Message("stated for at least one channel: {items}", {"items": self.fields}),
                evidence,
            )
        if None in states:
            return Verdict(
                Outcome.UNDETERMINED,
                Message("not stated in the process description: {items}", {"items": tuple(values)}),
                evidence,
            )
        return Verdict(
            Outcome.VIOLATION,
            Message("no channel states: {items}", {"items": self.fields}),
            evidence,
        )


def _channel_state(channel: object, fields: Sequence[str]) -> bool | None:
    """Yes when the channel states every field, no when it denies one, else unknown."""
    states = [_state(getattr(channel, f)) for f in fields]
    if False in states:
        return False
    return None if None in states else True


@frozen
class KpiTargets(Check):
    """The targets the process description declares (a response target per channel, the
    complaint handling target) are met in the contact log."""

    kind: ClassVar[str] = "kpi-targets"
    subjects: ClassVar[frozenset[SubjectKind]] = _PROCESS

    def evaluate(self, subject: ServiceReview, context: Context) -> Verdict:
        process = subject.process
        declared = [c.kind.value for c in process.channels if c.response_target is not None]
        if process.complaints.handling_target is not None:
            declared.append("complaints")
        if not declared:
            return Verdict(
                Outcome.NOT_APPLICABLE, Message("the process description declares no targets")
            )
        if subject.contacts is None:
            return Verdict(
                Outcome.UNDETERMINED,
                Message("no contact log was given to measure the targets against"),
            )
        judged = [k for k in subject.kpis if k.target is not None]
        evidence = {"kpis": [k.as_evidence() for k in judged]}
        missed = [k for k in judged if k.met is False]
        if missed:
            return Verdict(
                Outcome.VIOLATION,
                Message("targets missed: {items}", {"items": tuple(_describe(k) for k in missed)}),
                evidence,
            )
        unmeasured = [k for k in judged if k.met is None]
        if unmeasured:
            return Verdict(
                Outcome.UNDETERMINED,
                Message(
                    "no contacts in the log to measure: {items}",
                    {"items": tuple(_where(k) for k in unmeasured)},
                ),
                evidence,
            )
        return Verdict(
            Outcome.COMPLIANT,
            Message("targets met: {items}", {"items": tuple(_describe(k) for k in judged)}),
            evidence,
        )


def _where(k: KpiValue) -> Message:
    if k.channel is None:
        return Message("complaints")
    return Message("{channel} channel", {"channel": Message(CHANNEL_LABELS[k.channel])})


def _describe(k: KpiValue) -> Message:
    assert k.target is not None and k.value is not None
    return Message(
        "{where}: {value} % within {within}, target {share} %",
        {
            "where": _where(k),
            "value": round(k.value, 1),
            "within": k.target.within.message(),
            "share": k.target.share if k.target.share is not None else 100,
        },
    )
