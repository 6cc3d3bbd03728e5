"""Check kinds judged on texts: call scripts and transcripts, written offers and
confirmations. What to look for is not in the code: each check names detection patterns
declared in its ruleset file, per language (see :class:`~kontakta_rules.model.Pattern`).
Findings point at the text: line, character span and the words found."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from attrs import frozen

from ..i18n import N_, Message
from ..textmatch import Hit, first_hit
from ..vocabulary import (
    Disclosure,
    DocumentElement,
    Outcome,
    ParameterType,
    SubjectKind,
    Unit,
)
from .base import Check, parameter_ref, pattern_ref
from .verdict import Context, Verdict

if TYPE_CHECKING:
    from ..subjects.script import Script, Utterance, WrittenDocument

_SCRIPT = frozenset({SubjectKind.SCRIPT})
_DOCUMENTS = frozenset({SubjectKind.OFFER, SubjectKind.CONFIRMATION})


def _rows(utterances: Iterable[Utterance]) -> list[tuple[int, int, int, str]]:
    return [(u.index, u.line, u.column, u.text) for u in utterances]


def _label(context: Context, name: str) -> object:
    """How a pattern is named in messages: its description, in the message's language."""
    pattern = context.patterns.get(name)
    return pattern.description if pattern is not None else name


def _find(
    names: Iterable[str], subject: Script | WrittenDocument, context: Context
) -> tuple[dict[str, Hit], list[str], list[str]]:
    """``(found, missing, unpatterned)``: the first hit per pattern in what the caller says
    (or in the document), the names not found, and names without a pattern in the language."""
    rows = _rows(subject.caller_utterances())
    found: dict[str, Hit] = {}
    missing: list[str] = []
    unpatterned: list[str] = []
    for name in names:
        matcher = context.matcher(name, subject.lang)
        if matcher is None:
            unpatterned.append(name)
            continue
        hit = first_hit(matcher, rows)
        if hit is None:
            missing.append(name)
        else:
            found[name] = hit
    return found, missing, unpatterned


def _evidence(found: dict[str, Hit], **lists: list[str]) -> dict[str, Any]:
    evidence: dict[str, Any] = {"found": {k: h.as_evidence() for k, h in found.items()}}
    evidence.update({k: v for k, v in lists.items() if v})
    return evidence


def _labels(context: Context, names: Iterable[str]) -> tuple[object, ...]:
    return tuple(_label(context, n) for n in names)


def _unpatterned(context: Context, names: list[str], found: dict[str, Hit]) -> Verdict:
    return Verdict(
        Outcome.UNDETERMINED,
        Message(
            "no detection pattern in this language for: {items}; a person must check it",
            {"items": _labels(context, names)},
        ),
        _evidence(found, unpatterned=names),
    )


def _required(
    names: Sequence[str],
    subject: Script | WrittenDocument,
    context: Context,
    missing_msgid: str,
    found_msgid: str,
) -> Verdict:
    """Every pattern in ``names`` found: compliant; one missing: a violation."""
    found, missing, unpatterned = _find(names, subject, context)
    if missing:
        return Verdict(
            Outcome.VIOLATION,
            Message(missing_msgid, {"items": _labels(context, missing)}),
            _evidence(found, missing=missing),
        )
    if unpatterned:
        return _unpatterned(context, unpatterned, found)
    return Verdict(
        Outcome.COMPLIANT,
        Message(found_msgid, {"items": _labels(context, names)}),
        _evidence(found),
    )


@frozen
class ScriptOpening(Check):
    """The caller says each of ``items`` at the start of the call: within ``opening``
    seconds in a timestamped transcript, else within the caller's first ``opening_turns``
    turns. The pattern for an item is named after it (``company-or-principal`` ...)."""

    kind: ClassVar[str] = "script-opening"
    subjects: ClassVar[frozenset[SubjectKind]] = _SCRIPT
    items: tuple[Disclosure, ...] = pattern_ref()
    opening: str | None = parameter_ref(ParameterType.INTEGER, Unit.SECONDS, optional=True)
    opening_turns: str | None = parameter_ref(ParameterType.INTEGER, Unit.TURNS, optional=True)

    def evaluate(self, subject: Script, context: Context) -> Verdict:
        names = [item.value for item in self.items]
        found, missing, unpatterned = _find(names, subject, context)
        measured = self._late(subject, context, found)
        problems = []
        if missing:
            problems.append(Message("not said: {items}", {"items": _labels(context, missing)}))
        if measured is not None and measured[0]:
            late, limit = measured
            problems.append(
                Message(
                    "said, but not within {limit}: {items}",
                    {"limit": limit, "items": _labels(context, late)},
                )
            )
        if problems:
            late = measured[0] if measured is not None else []
            return Verdict(
                Outcome.VIOLATION,
                problems[0]
                if len(problems) == 1
                else Message("{a}; {b}", {"a": problems[0], "b": problems[1]}),
                _evidence(found, missing=missing, late=late),
            )
        if unpatterned:
            return _unpatterned(context, unpatterned, found)
        if measured is None:
            return _no_opening(found)
        return Verdict(
            Outcome.COMPLIANT,
            Message(
                "said within {limit}: {items}",
                {"limit": measured[1], "items": _labels(context, names)},
            ),
            _evidence(found),
        )

    def _late(
        self, subject: Script, context: Context, found: dict[str, Hit]
    ) -> tuple[list[str], Message] | None:
        """The items said after the start, and how the start was measured; None when the
        ruleset gives no measure for this kind of script."""
        by_index = {u.index: u for u in subject.utterances}
        if subject.timed:
            if self.opening is None:
                return None
            seconds = context.value(self.opening)
            assert isinstance(seconds, int)
            late = [
                n for n, h in found.items() if (by_index[h.utterance].at_seconds or 0) > seconds
            ]
            return late, Message("the first {seconds} seconds", {"seconds": seconds})
        if self.opening_turns is None:
            return None
        count = context.value(self.opening_turns)
        assert isinstance(count, int)
        turns = sorted({u.turn for u in subject.caller_utterances()})
        late = [n for n, h in found.items() if turns.index(by_index[h.utterance].turn) >= count]
        return late, Message("the caller's first {count} turns", {"count": count})


def _no_opening(found: dict[str, Hit]) -> Verdict:
    return Verdict(
        Outcome.UNDETERMINED,
        Message("the rule does not say how far the start of the call reaches for this script"),
        _evidence(found),
    )


@frozen
class ScriptContent(Check):
    """The caller says each of ``required`` somewhere in the call (pattern names)."""

    kind: ClassVar[str] = "script-content"
    subjects: ClassVar[frozenset[SubjectKind]] = _SCRIPT
    required: tuple[str, ...] = pattern_ref()

    def evaluate(self, subject: Script, context: Context) -> Verdict:
        return _required(
            self.required, subject, context, N_("not said: {items}"), N_("said: {items}")
        )


@frozen
class ScriptForbidden(Check):
    """The caller says none of ``forbidden`` (pattern names); with ``before``, only until
    the first time the ``before`` pattern is said (questions before the purpose is stated)."""

    kind: ClassVar[str] = "script-forbidden"
    subjects: ClassVar[frozenset[SubjectKind]] = _SCRIPT
    forbidden: tuple[str, ...] = pattern_ref()
    before: str | None = pattern_ref(default=None)

    def evaluate(self, subject: Script, context: Context) -> Verdict:
        rows = _rows(subject.caller_utterances())
        if self.before is not None:
            matcher = context.matcher(self.before, subject.lang)
            if matcher is None:
                return _unpatterned(context, [self.before], {})
            stated = first_hit(matcher, rows)
            if stated is not None:
                rows = _until(rows, stated)
        found: dict[str, Hit] = {}
        unpatterned = []
        for name in self.forbidden:
            matcher = context.matcher(name, subject.lang)
            if matcher is None:
                unpatterned.append(name)
                continue
            hit_f = first_hit(matcher, rows)
            if hit_f is not None:
                found[name] = hit_f
        if found:
            first = min(found.values(), key=lambda h: (h.line, h.start))
            return Verdict(
                Outcome.VIOLATION,
                Message(
                    "found: {items} (line {line}: “{quote}”)",
                    {
                        "items": _labels(context, found),
                        "line": first.line,
                        "quote": first.quote,
                    },
                ),
                _evidence(found),
            )
        if unpatterned:
            return _unpatterned(context, unpatterned, found)
        return Verdict(
            Outcome.COMPLIANT,
            Message("not found: {items}", {"items": _labels(context, self.forbidden)}),
            _evidence(found),
        )


def _until(rows: list[tuple[int, int, int, str]], hit: Hit) -> list[tuple[int, int, int, str]]:
    """The rows before ``hit``, the row of the hit cut where the hit starts."""
    out = [r for r in rows if r[0] < hit.utterance]
    for index, line, column, text in rows:
        if index == hit.utterance:
            out.append((index, line, column, text[: hit.start - column]))
    return out


@frozen
class DocumentContent(Check):
    """The document contains every element in ``required``; the pattern for an element is
    named after it. An element without a pattern (``reflects-call-offer``) needs a person."""

    kind: ClassVar[str] = "document-content"
    subjects: ClassVar[frozenset[SubjectKind]] = _DOCUMENTS
    required: tuple[DocumentElement, ...]
    excluded_offer_categories: tuple[str, ...] = ()
    """Offer categories the requirement does not cover (e.g. lotteries)."""

    def evaluate(self, subject: WrittenDocument, context: Context) -> Verdict:
        if subject.offer_category in self.excluded_offer_categories:
            return Verdict(
                Outcome.NOT_APPLICABLE,
                Message(
                    "{category} is outside the requirement", {"category": subject.offer_category}
                ),
            )
        return _required(
            [e.value for e in self.required],
            subject,
            context,
            N_("missing from the document: {items}"),
            N_("the document contains: {items}"),
        )
