"""Run the rules over call records: for each record, the version of each ruleset in force at
the record's own time (unless pinned), the organisation's overlay applied, every call rule
judged. Every input line ends up in the report, as findings or as a rejection."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from .canonical import fingerprint
from .catalog import Catalog, CatalogError
from .checks import DefersTo
from .checks.verdict import Context, Verdict
from .conformance import ProcessReport
from .history import BatchCollector
from .i18n import Message
from .kpis import compute_kpis
from .language import language_mismatch
from .loading import LoadError
from .model import Finding, Overlay, RejectedInput, Report, Rule, RuleRef, Ruleset
from .nix import NixRegister
from .stacking import apply_overlay, organisation_ruleset, overlay_problems
from .subjects.call_io import Item
from .subjects.call_record import CallRecord
from .subjects.contact_log import Contact
from .subjects.script import Script, WrittenDocument
from .subjects.service_process import ServiceProcess, ServiceReview
from .timezone import STOCKHOLM, stockholm_day
from .vocabulary import Layer, Outcome, Purpose, SubjectKind, Target

CALL_RULESETS = ("swedish-law", "nix-telefon", "telemarketing-b2c", "telemarketing-b2b")
"""The rulesets with call rules, law first."""
PROCESS_RULESETS = (
    "consumer-law-customer-service",
    "accessibility-act",
    "ai-act",
    "customer-service",
    "customer-service-practice",
)
"""The rulesets with customer-service process rules, law first."""

_SEVERITY_ORDER = {
    Outcome.VIOLATION: 3,
    Outcome.UNDETERMINED: 2,
    Outcome.COMPLIANT: 1,
    Outcome.NOT_APPLICABLE: 0,
}


@frozen
class _Prepared:
    ruleset: Ruleset
    fingerprint: str
    context: Context
    rules: tuple[tuple[Rule, RuleRef], ...]


@frozen
class _Step:
    """One ruleset of a day's plan: its rules in force that day, already filtered."""

    prepared: _Prepared
    context: Context
    rules: tuple[tuple[Rule, RuleRef], ...]
    deferred: tuple[tuple[Rule, RuleRef, DefersTo], ...]


class Evaluator:
    """Judges subjects of one kind against a stack of rulesets (law first, the organisation's
    overlay last); the versions are the ones in force on the day each subject is judged for."""

    subject_kind: SubjectKind = SubjectKind.CALL

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        ruleset_ids: Sequence[str] = CALL_RULESETS,
        pins: Mapping[str, dt.date] | None = None,
        overlay: Overlay | None = None,
        overlay_source: str = "overlay",
        nix: NixRegister | None = None,
    ) -> None:
        """Raises :class:`~kontakta_rules.loading.LoadError` when ``overlay`` sets a parameter no
        ruleset declares, weakens a sourced value or replaces a higher-layer rule."""
        self.catalog = catalog or Catalog.default()
        self.ruleset_ids = tuple(ruleset_ids)
        self.pins = dict(pins or {})
        self.overlay = overlay
        self.overlay_source = overlay_source
        self.nix = nix
        self._prepared: dict[tuple[str, dt.date], _Prepared] = {}
        self._batch: dict[str, Any] | None = None
        self._by_day: dict[tuple[str, dt.date], _Prepared | None] = {}
        self._plans: dict[tuple[dt.date, frozenset[str] | None], tuple[_Step, ...]] = {}
        self._unjudgeable: dict[dt.date, Message | None] = {}
        if overlay is not None:
            problems = overlay_problems(overlay, list(self.catalog), overlay_source)
            if problems:
                raise LoadError(problems)
        self._organisation = (
            None
            if overlay is None
            else self._prepare(organisation_ruleset(overlay), overlay_source)
        )

    def _prepare(self, rs: Ruleset, source: str) -> _Prepared:
        if self.overlay is not None and rs.layer is not Layer.ORGANISATION:
            rs = apply_overlay(rs, self.overlay)
        fp = fingerprint(rs)
        rules = tuple(
            (r, _rule_ref(rs, fp, r, source)) for r in rs.rules if self.subject_kind in r.applies_to
        )
        context = Context(rs.parameters, nix=self.nix, patterns=rs.patterns)
        return _Prepared(rs, fp, context, rules)

    def _version(self, ruleset_id: str, day: dt.date) -> _Prepared | None:
        key = (ruleset_id, day)
        if key not in self._by_day:
            self._by_day[key] = self._version_uncached(ruleset_id, day)
        return self._by_day[key]

    def _version_uncached(self, ruleset_id: str, day: dt.date) -> _Prepared | None:
        try:
            version = self.pins.get(ruleset_id) or self.catalog.in_force(ruleset_id, day).version
        except CatalogError:
            return None  # no version in force yet: the ruleset says nothing about this call
        key = (ruleset_id, version)
        if key not in self._prepared:
            self._prepared[key] = self._prepare(
                self.catalog.get(ruleset_id, version), self.catalog.origin(ruleset_id, version)
            )
        return self._prepared[key]

    def stack_for(self, record: CallRecord) -> list[_Prepared]:
        return self._stack(stockholm_day(record.started_at))

    def _stack(self, day: dt.date) -> list[_Prepared]:
        stack = [p for rid in self.ruleset_ids if (p := self._version(rid, day)) is not None]
        if self._organisation is not None:
            stack.append(self._organisation)
        return stack

    def _plan(self, day: dt.date, kinds: frozenset[str] | None) -> tuple[_Step, ...]:
        """The rules to judge for a call on ``day``, per ruleset; cached per day and kinds."""
        key = (day, kinds)
        plan = self._plans.get(key)
        if plan is None:
            steps = []
            for prepared in self._stack(day):
                version = prepared.ruleset.version
                rules = [
                    (rule, ref)
                    for rule, ref in prepared.rules
                    if rule.in_force_on(day, version)
                    and (kinds is None or rule.check.kind in kinds)
                ]
                context = prepared.context
                if self._batch is not None:
                    context = attrs.evolve(context, **self._batch)
                steps.append(
                    _Step(
                        prepared,
                        context,
                        tuple((r, ref) for r, ref in rules if not isinstance(r.check, DefersTo)),
                        tuple(
                            (r, ref, r.check) for r, ref in rules if isinstance(r.check, DefersTo)
                        ),
                    )
                )
            plan = self._plans[key] = tuple(steps)
        return plan

    def _absent(self, ruleset_id: str, day: dt.date) -> bool:
        """Whether ``ruleset_id`` is evaluated here but had no version in force on ``day``."""
        return ruleset_id in self.ruleset_ids and self._version(ruleset_id, day) is None

    def judge(
        self, subject: Any, subject_id: str, day: dt.date, kinds: frozenset[str] | None = None
    ) -> list[Finding]:
        """Findings of every rule in force on ``day`` for ``subject`` (only ``kinds`` if given)."""
        out: list[Finding] = []
        deferred: list[tuple[Verdict | None, RuleRef, DefersTo]] = []
        for step in self._plan(day, kinds):
            scoped = _scoped(step.prepared.ruleset, subject)
            if scoped is None:
                context = step.context
                for rule, ref in step.rules:
                    v = rule.check.judge(subject, context)
                    if rule.inference:
                        v = v._replace(message=_inferred(v.message))
                    out.append(_finding(subject_id, ref, v))
            else:
                out.extend([_finding(subject_id, ref, scoped) for _, ref in step.rules])
            if step.deferred:
                deferred.extend([(scoped, ref, check) for _, ref, check in step.deferred])
        for scoped, ref, check in deferred:
            v = scoped or _deferred_verdict(check, out, self._absent(check.ruleset, day))
            out.append(_finding(subject_id, ref, v))
        return out


Judged = tuple[int, "RejectedInput | list[Finding]"]
"""One input line of an audit: its number, and the findings for its record or why it was
rejected."""


def repeated_call(call_id: str, first_line: int, first_source: str | None = None) -> Message:
    """Why a record is rejected whose call id an earlier line has (``first_source``: that
    line is in another file)."""
    if first_source is None:
        return Message(
            "call_id {id} appears already on line {line}: one call is one record",
            {"id": call_id, "line": first_line},
        )
    return Message(
        "call_id {id} appears already in {source} line {line}: one call is one record",
        {"id": call_id, "source": first_source, "line": first_line},
    )


class CallEvaluator(Evaluator):
    """Judges call records; each record by the versions in force on its own Stockholm date."""

    def findings(self, record: CallRecord, kinds: frozenset[str] | None = None) -> list[Finding]:
        """Findings of every call rule in force for ``record`` (only ``kinds`` when given)."""
        return self.judge(record, record.call_id, stockholm_day(record.started_at), kinds)

    def unjudgeable(self, record: CallRecord) -> Message | None:
        """Why no call rule can judge ``record`` (none was in force on its day), or None."""
        return self.unjudgeable_on(stockholm_day(record.started_at))

    def unjudgeable_on(self, day: dt.date) -> Message | None:
        """Why no call rule can judge a call on the Stockholm ``day``, or None."""
        if day not in self._unjudgeable:
            self._unjudgeable[day] = self._unjudgeable_on(day)
        return self._unjudgeable[day]

    def _unjudgeable_on(self, day: dt.date) -> Message | None:
        if any(self._version(rid, day) is not None for rid in self.ruleset_ids):
            return None
        firsts = [
            (self.catalog.versions(rid)[0], rid)
            for rid in self.ruleset_ids
            if rid in self.catalog.ids()
        ]
        first, first_id = min(firsts) if firsts else (None, "")
        return Message(
            "no ruleset with call rules was in force on {day}; the first ({ref}) takes effect "
            "on {first}",
            {"day": day, "ref": first_id, "first": first or "?"},
        )

    def stream(
        self,
        read: Callable[[], Iterable[Item]],
        kinds: frozenset[str] | None = None,
        *,
        source: str = "<records>",
    ) -> Iterator[Judged]:
        """Judge a batch line by line, in input order, holding no findings.

        ``read`` is called twice: the first pass collects what the batch says about each call
        (earlier calls to the same number, silent-call shares, the line each call id first
        appears on); the second judges. A call id seen on an earlier line, and a record dated
        before any call rules, are rejected with the reason (naming ``source`` and the line):
        every line is accounted for."""
        batch = BatchCollector()
        for line, item in read():
            if isinstance(item, CallRecord):
                batch.add(line, item)
        with self.batch(batch):
            for line, item in read():
                yield line, self.judge_line(line, item, batch.first_line, source, kinds)

    @contextlib.contextmanager
    def batch(self, batch: BatchCollector) -> Iterator[None]:
        """Judge with what ``batch`` says about the calls (history, silent shares)."""
        self._batch = {"history": batch.history(), "silent_share": batch.silent_shares()}
        self._plans.clear()
        try:
            yield
        finally:
            self._batch = None
            self._plans.clear()

    def judge_line(
        self,
        line: int,
        item: CallRecord | RejectedInput,
        first_line: Mapping[str, int],
        source: str,
        kinds: frozenset[str] | None = None,
    ) -> RejectedInput | list[Finding]:
        """One line of an audit: its findings, or why it is rejected (unusable, a call id
        already seen on an earlier line, or dated before any call rules)."""
        rejected = self.rejection(line, item, first_line, source)
        if rejected is not None:
            return rejected
        assert isinstance(item, CallRecord)
        return self.findings(item, kinds)

    def rejection(
        self,
        line: int,
        item: CallRecord | RejectedInput,
        first_line: Mapping[str, int],
        source: str,
    ) -> RejectedInput | None:
        """Why an audit rejects this line (unusable, a call id already seen on an earlier
        line, or dated before any call rules); None when it is judged."""
        if isinstance(item, RejectedInput):
            return item
        first = first_line.get(item.call_id, line)
        reason = repeated_call(item.call_id, first) if first != line else self.unjudgeable(item)
        if reason is not None:
            return RejectedInput(source, line, reason.text())
        return None

    def rule_ref(self, ruleset_id: str, version: dt.date, rule_id: str) -> RuleRef:
        """The reference of one rule as this evaluator reports it (its overlay applied)."""
        prepared = self._organisation
        if prepared is None or (prepared.ruleset.id, prepared.ruleset.version) != (
            ruleset_id,
            version,
        ):
            prepared = self._prepared.get((ruleset_id, version))
            if prepared is None:
                prepared = self._prepared[(ruleset_id, version)] = self._prepare(
                    self.catalog.get(ruleset_id, version),
                    self.catalog.origin(ruleset_id, version),
                )
        return next(ref for rule, ref in prepared.rules if rule.id == rule_id)

    def evaluate(
        self,
        items: Iterable[tuple[int, CallRecord | RejectedInput]],
        kinds: frozenset[str] | None = None,
        *,
        source: str = "<records>",
    ) -> Report:
        """Judge a batch held in memory (see :meth:`stream`); the batch itself is the call
        history for frequency caps."""
        lines = list(items)
        findings: list[Finding] = []
        rejected: list[RejectedInput] = []
        subjects = 0
        for _line, judged in self.stream(lambda: lines, kinds, source=source):
            if isinstance(judged, RejectedInput):
                rejected.append(judged)
            else:
                subjects += 1
                findings.extend(judged)
        return Report(tuple(findings), tuple(rejected), subjects)


def _finding(subject_id: str, ref: RuleRef, v: Verdict) -> Finding:
    # A finding is its subject and rule followed by the verdict's fields, in the verdict's
    # order (a test holds the two types together); made without the named tuple's __new__,
    # a Python function that would double the cost of the commonest object of an audit
    # (and by concatenation, which is twice as fast as unpacking into a new tuple).
    return tuple.__new__(Finding, (subject_id, ref) + v)  # noqa: RUF005


def _inferred(message: Message) -> Message:
    return Message(
        "{message} (what is tested is the library's reading of the rule's "
        "heading; the rule text was not read)",
        {"message": message},
    )


def _scoped(rs: Ruleset, record: Any) -> Verdict | None:
    scope = rs.scope
    if scope is None:
        return None
    if scope.purposes and record.purpose not in scope.purposes:
        return _purpose_not_covered(rs.id, record.purpose)
    if scope.targets and record.target is not None and record.target not in scope.targets:
        return _target_not_covered(rs.id, record.target)
    return None


# An audit gives the same few out-of-scope verdicts millions of times: each is made once.
@functools.cache
def _purpose_not_covered(ruleset_id: str, purpose: Purpose) -> Verdict:
    return Verdict(
        Outcome.NOT_APPLICABLE,
        Message(
            "{ruleset} does not cover calls for {purpose}",
            {"ruleset": ruleset_id, "purpose": purpose.value},
        ),
    )


@functools.cache
def _target_not_covered(ruleset_id: str, target: Target) -> Verdict:
    return Verdict(
        Outcome.NOT_APPLICABLE,
        Message(
            "{ruleset} does not cover calls to {target}",
            {"ruleset": ruleset_id, "target": target.value},
        ),
    )


def _deferred_verdict(check: DefersTo, findings: list[Finding], absent: bool) -> Verdict:
    theirs = [f for f in findings if f.rule.ruleset_id == check.ruleset]
    if not theirs and absent:
        return Verdict(
            Outcome.NOT_APPLICABLE,
            Message("no version of {ruleset} was in force on that day", {"ruleset": check.ruleset}),
        )
    if not theirs:
        return Verdict(
            Outcome.UNDETERMINED,
            Message("{ruleset} is not in the stack of rules evaluated", {"ruleset": check.ruleset}),
        )
    worst = max(theirs, key=lambda f: _SEVERITY_ORDER[f.outcome])
    return Verdict(
        worst.outcome,
        Message(
            "{ruleset}: {rule}: {message}",
            {"ruleset": check.ruleset, "rule": worst.rule_id, "message": worst.message},
        ),
        {"decided_by": f"{check.ruleset}/{worst.rule_id}"},
    )


def _rule_ref(rs: Ruleset, fp: str, rule: Rule, source: str) -> RuleRef:
    return RuleRef(
        ruleset_id=rs.id,
        ruleset_version=rs.version,
        fingerprint=fp,
        layer=rule.layer or rs.layer,
        rule_id=rule.id,
        severity=rule.severity,
        citation=rule.citation,
        check_kind=rule.check.kind,
        heading=rule.heading,
        title=rule.title,
        text=rule.text,
        source=source,
    )


class TextEvaluator(Evaluator):
    """Judges a call script or transcript, a written offer or a confirmation by the rulesets'
    versions in force on ``on`` (default: today in Stockholm)."""

    def __init__(
        self,
        subject_kind: SubjectKind,
        catalog: Catalog | None = None,
        *,
        on: dt.date | None = None,
        **options: Any,
    ) -> None:
        self.subject_kind = subject_kind
        super().__init__(catalog, **options)
        self.on = on or dt.datetime.now(STOCKHOLM).date()

    def check(self, subject: Script | WrittenDocument) -> Report:
        """Every finding for ``subject``, which must be of this evaluator's kind."""
        if subject.subject_kind is not self.subject_kind:
            raise ValueError(
                f"this evaluator judges {self.subject_kind.value}s, "
                f"not a {subject.subject_kind.value}"
            )
        findings = self.judge(subject, subject.name, self.on)
        why = _text_proves_nothing(subject)
        if why is not None:  # whatever the patterns found or missed, no rule is met
            findings = [
                f
                if f.outcome is Outcome.NOT_APPLICABLE
                else f._replace(outcome=Outcome.UNDETERMINED, message=why, evidence={})
                for f in findings
            ]
        return Report(tuple(findings), subjects=1)


def _text_proves_nothing(subject: Script | WrittenDocument) -> Message | None:
    """Why judging ``subject`` proves nothing: the caller (or the document) says nothing at
    all, or the text is evidently in the other language than the one it is judged in."""
    if not any(u.text.strip() for u in subject.caller_utterances()):
        return Message("there is no text by the caller to judge")
    return language_mismatch("\n".join(u.text for u in subject.utterances), subject.lang)


class ProcessEvaluator(Evaluator):
    """Judges a customer-service process description (and its contact log, when given) by
    the process rulesets' versions in force on ``on`` (default: today in Stockholm)."""

    subject_kind = SubjectKind.SERVICE_PROCESS

    def __init__(
        self,
        catalog: Catalog | None = None,
        *,
        on: dt.date | None = None,
        ruleset_ids: Sequence[str] = PROCESS_RULESETS,
        **options: Any,
    ) -> None:
        super().__init__(catalog, ruleset_ids=ruleset_ids, **options)
        self.on = on or dt.datetime.now(STOCKHOLM).date()

    def check(
        self,
        process: ServiceProcess,
        contacts: Sequence[Contact] | None = None,
        rejected: Sequence[RejectedInput] = (),
    ) -> ProcessReport:
        """Every finding for ``process``; ``contacts`` is the contact log (None: none given)
        and ``rejected`` its rows that could not be read, carried into the report."""
        review = ServiceReview(
            process,
            None if contacts is None else tuple(contacts),
            compute_kpis(process, contacts) if contacts is not None else (),
        )
        findings = tuple(self.judge(review, process.name, self.on))
        return ProcessReport(Report(findings, tuple(rejected)), review)
