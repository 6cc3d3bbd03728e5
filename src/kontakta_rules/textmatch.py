"""Finding phrases in Swedish and English text: the detection patterns of the ruleset files,
matched the way people write and speak.

A pattern is a list of regular expressions per language (any one may match) and an optional
list of ``unless`` expressions: a match is discarded when an ``unless`` expression matches
the same utterance (``det här är ingen undersökning`` is not a survey pretext). Matching
ignores letter case and folds å/ä/ö, é and ü to their plain letters in both the text and the
pattern, so ``säljsamtal`` also finds ``SÄLJSAMTAL`` and ``saljsamtal``. Folding keeps every
character in place, so a match's span points at the original text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from attrs import frozen

_FOLD = str.maketrans("åäöéèüÅÄÖÉÈÜ", "aaoeeuAAOEEU")


def fold(text: str) -> str:
    """``text`` with å/ä/ö, é/è and ü folded to plain letters; same length, same positions."""
    return text.translate(_FOLD)


@functools.cache
def compile_pattern(expression: str) -> re.Pattern[str]:
    """A ruleset pattern expression, compiled case-insensitively over folded text.

    Raises :class:`re.error` for an invalid expression (the loader reports it with its path).
    """
    return re.compile(fold(expression), re.IGNORECASE)


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

    expressions: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, expressions: Iterable[str], unless: Iterable[str] = ()) -> Matcher:
        return cls(
            tuple(compile_pattern(e) for e in expressions),
            tuple(compile_pattern(e) for e in unless),
        )

    def search(self, text: str) -> tuple[int, int] | None:
        """The span of the earliest match in ``text``, unless an ``unless`` expression matches."""
        folded = fold(text)
        if any(u.search(folded) for u in self.unless):
            return None
        best: tuple[int, int] | None = None
        for expression in self.expressions:
            m = expression.search(folded)
            if m and m.end() > m.start() and (best is None or m.start() < best[0]):
                best = (m.start(), m.end())
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
