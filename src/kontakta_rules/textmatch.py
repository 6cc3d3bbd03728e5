"""Finding phrases in Swedish and English text: the detection patterns of the ruleset files,
matched the way people write and speak.

A pattern is a list of regular expressions per language (any one may match) and an optional
list of ``unless`` expressions: a match is discarded when an ``unless`` expression matches
the same utterance (``det här är ingen undersökning`` is not a survey pretext). Matching
ignores letter case and folds å/ä/ö, é and ü to their plain letters in both the text and the
pattern, so ``säljsamtal`` also finds ``SÄLJSAMTAL`` and ``saljsamtal``. Folding keeps every
character in place, so a match's span points at the original text.

Patterns come from files people write, so matching is bounded: expressions run on the
``regex`` engine (the syntax of Python's ``re``, lookarounds included, which the bundled
patterns rely on) with a timeout per search. A search that runs longer than
:data:`MATCH_TIMEOUT_SECONDS` raises :class:`PatternTimeout` naming the pattern, instead of
running for minutes; the loader also tries every expression on a few texts that make badly
nested repetition explode, and refuses the file when one does. A linear-time engine (RE2)
was the other choice; it cannot express the lookarounds the patterns use for negations.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import regex
from attrs import frozen

from .errors import InputError
from .i18n import Message

MATCH_TIMEOUT_SECONDS = 1.0
"""The longest one search may take; real patterns take microseconds on a line of speech."""
PatternSyntaxError = regex.error
"""Raised by :func:`compile_pattern` for an invalid expression."""
_PROBES = ("a" * 40 + "!", "a " * 40 + "!", "1" * 40 + "x", "aa-" * 30 + "!")


class PatternTimeout(InputError):
    """A pattern that took longer than :data:`MATCH_TIMEOUT_SECONDS` on one text."""


_FOLD = str.maketrans("åäöéèüÅÄÖÉÈÜ", "aaoeeuAAOEEU")


def fold(text: str) -> str:
    """``text`` with å/ä/ö, é/è and ü folded to plain letters; same length, same positions."""
    return text.translate(_FOLD)


@functools.cache
def compile_pattern(expression: str) -> regex.Pattern[str]:
    """A ruleset pattern expression, compiled case-insensitively over folded text.

    Raises :data:`PatternSyntaxError` for an invalid expression (the loader reports it with
    its path).
    """
    return regex.compile(fold(expression), regex.IGNORECASE | regex.VERSION0)


def explodes(expression: str) -> bool:
    """Whether the expression runs past the timeout on a short text made to trip badly nested
    repetition (``(a|aa)+``): such a pattern would hang on ordinary input too."""
    compiled = compile_pattern(expression)
    for probe in _PROBES:
        try:
            compiled.search(probe, timeout=MATCH_TIMEOUT_SECONDS)
        except TimeoutError:
            return True
    return False


@frozen
class Hit:
    """Where a pattern matched: the utterance, its line, the character span in that line,
    and the words found."""

    utterance: int
    line: int
    start: int
    end: int
    quote: str

    def as_evidence(self) -> dict[str, object]:
        return {"line": self.line, "start": self.start, "end": self.end, "quote": self.quote}


@frozen
class Matcher:
    """The compiled expressions of one pattern in one language."""

    expressions: tuple[regex.Pattern[str], ...]
    unless: tuple[regex.Pattern[str], ...] = ()
    name: str = ""
    """The pattern's name, for the error when a search runs too long."""

    @classmethod
    def of(
        cls, expressions: Iterable[str], unless: Iterable[str] = (), *, name: str = ""
    ) -> Matcher:
        return cls(
            tuple(compile_pattern(e) for e in expressions),
            tuple(compile_pattern(e) for e in unless),
            name,
        )

    def search(self, text: str) -> tuple[int, int] | None:
        """The span of the earliest match in ``text``, unless an ``unless`` expression matches.

        Raises :class:`PatternTimeout` when one expression runs longer than
        :data:`MATCH_TIMEOUT_SECONDS`."""
        folded = fold(text)
        try:
            if any(u.search(folded, timeout=MATCH_TIMEOUT_SECONDS) for u in self.unless):
                return None
            best: tuple[int, int] | None = None
            for expression in self.expressions:
                m = expression.search(folded, timeout=MATCH_TIMEOUT_SECONDS)
                if m and m.end() > m.start() and (best is None or m.start() < best[0]):
                    best = (m.start(), m.end())
        except TimeoutError:
            raise PatternTimeout(
                Message(
                    "the pattern {name} took longer than {seconds} s on a text of {length} "
                    "characters; rewrite it without nested repetition such as (a|aa)+",
                    {
                        "name": self.name or "?",
                        "seconds": MATCH_TIMEOUT_SECONDS,
                        "length": len(text),
                    },
                )
            ) from None
        return best


def first_hit(matcher: Matcher, utterances: Sequence[tuple[int, int, int, str]]) -> Hit | None:
    """The first utterance ``matcher`` finds something in.

    ``utterances`` are ``(index, line, column, text)``: ``column`` is where the text starts
    in its line, so the hit's span is in line coordinates.
    """
    for index, line, column, text in utterances:
        span = matcher.search(text)
        if span is not None:
            start, end = span
            return Hit(index, line, column + start, column + end, text[start:end])
    return None
