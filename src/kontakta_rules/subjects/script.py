"""Call scripts, transcripts and the documents sent after a call, as utterances with their
place in the file.

A script or transcript is plain text. A line may start with a timestamp (``[00:05]``,
``[00:00:05]``, ``[1:02.5]``) and a speaker label (``Säljare:``, ``Säljaren:``, ``Kund:``,
``Kunden:``, ``Agent:``, ``Customer:`` ...). A labelled line starts a turn; an
unlabelled line continues the turn before it. Unlabelled lines before the first label are
kept as the caller's opening, one turn (an outbound call opens with the caller, and
transcripts often leave the opening unlabelled); they are marked as unlabelled
(``speaker`` None). A file without any label is a prepared script in prose: each paragraph
(lines up to a blank line) is one turn by the caller. No line with text is ever dropped.
Written offers and confirmations are read line by line.

``lang`` is the language the text is written in (``sv`` or ``en``): the detection patterns of
that language are used. It is not the language of the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Literal, Self

from attrs import frozen

from ..errors import InputError
from ..i18n import Message
from ..text import LANGUAGES, Lang
from ..textinput import read_text, source_name
from ..vocabulary import Purpose, SubjectKind, Target

Speaker = Literal["agent", "customer"]

AGENT_LABELS = frozenset(
    {
        "säljare",
        "säljaren",
        "försäljare",
        "försäljaren",
        "telefonförsäljare",
        "agent",
        "agenten",
        "handläggare",
        "caller",
        "seller",
        "salesperson",
        "rep",
    }
)
CUSTOMER_LABELS = frozenset(
    {"kund", "kunden", "konsument", "konsumenten", "customer", "consumer", "client"}
)
_LINE = re.compile(
    r"^\s*(?:\[(?P<ts>(?:[0-9]+:)?[0-9]{1,2}:[0-9]{2}(?:[.,][0-9]+)?)\]\s*)?"
    r"(?:(?P<label>[^\W\d_]+)\s*:\s*)?"
)


def text_language(lang: object) -> Lang:
    """``lang`` if it is a language texts are judged in, else an :class:`InputError`."""
    if lang in LANGUAGES:
        return lang
    raise InputError(
        Message(
            "a text is judged in sv or en (the languages the patterns exist in), not {lang}",
            {"lang": repr(lang)},
        )
    )


@frozen
class Utterance:
    """One line of a turn of speech (or of a paragraph, or of a document) and where it is."""

    index: int
    turn: int
    """Which turn (labelled utterance, paragraph) the line belongs to; 0-based."""
    line: int
    """1-based line number of the utterance's first line."""
    column: int
    """Where the text starts in that line (after timestamp and label), 0-based."""
    text: str
    speaker: Speaker | None = None
    """``None`` when the file has no labels (a prepared script: the caller speaks)."""
    at_seconds: float | None = None

    @property
    def by_caller(self) -> bool:
        return self.speaker != "customer"


@frozen
class Script:
    """A call script or a transcript of a call."""

    name: str
    lang: Lang
    utterances: tuple[Utterance, ...]
    purpose: Purpose = Purpose.SALES
    target: Target | None = Target.CONSUMER

    @property
    def subject_kind(self) -> SubjectKind:
        return SubjectKind.SCRIPT

    @property
    def timed(self) -> bool:
        """Whether every utterance by the caller has a timestamp."""
        said = [u for u in self.utterances if u.by_caller]
        return bool(said) and all(u.at_seconds is not None for u in said)

    def caller_utterances(self) -> Iterator[Utterance]:
        return (u for u in self.utterances if u.by_caller)

    @classmethod
    def parse(cls, text: str, name: str, lang: Lang) -> Script:
        """A script or transcript from its text (see the module for the format); ``lang`` is
        the language of the text."""
        lang = text_language(lang)
        lines = text.splitlines()
        heads = [_LINE.match(line) for line in lines]
        labelled = any(
            m and m["label"] and m["label"].lower() in AGENT_LABELS | CUSTOMER_LABELS for m in heads
        )
        if not labelled:
            return cls(name, lang, tuple(_paragraphs(lines)))
        utterances: list[Utterance] = []
        turn = -1
        for number, (line, m) in enumerate(zip(lines, heads, strict=True), start=1):
            label = m["label"].lower() if m and m["label"] else None
            if label in AGENT_LABELS or label in CUSTOMER_LABELS:
                assert m is not None
                speaker: Speaker = "agent" if label in AGENT_LABELS else "customer"
                stamp = m["ts"]
                turn += 1
                utterances.append(
                    Utterance(
                        len(utterances),
                        turn,
                        number,
                        m.end(),
                        line[m.end() :].rstrip(),
                        speaker,
                        _seconds(stamp) if stamp else None,
                    )
                )
            elif line.strip():
                # a continuation line: its own utterance entry, same turn (speaker and time);
                # before the first label: the caller's unlabelled opening, turn 0
                if not utterances:
                    turn = 0
                last = utterances[-1] if utterances else None
                column = len(line) - len(line.lstrip())
                utterances.append(
                    Utterance(
                        len(utterances),
                        turn,
                        number,
                        column,
                        line.strip(),
                        last.speaker if last else None,
                        last.at_seconds if last else None,
                    )
                )
        return cls(name, lang, tuple(utterances))

    @classmethod
    def read(cls, path: Path | str, lang: Lang) -> Script:
        """The script or transcript in a UTF-8 text file (``-``: standard input)."""
        return cls.parse(read_text(path), source_name(path), lang)


@frozen
class WrittenDocument:
    """A document sent to the consumer after a call, read line by line: one utterance per
    non-empty line, each line its own turn. Use :class:`WrittenOffer` or
    :class:`Confirmation`."""

    kind: ClassVar[SubjectKind]
    name: str
    lang: Lang
    utterances: tuple[Utterance, ...]
    offer_category: str | None = None
    """What is sold (``lottery`` and ``gaming`` are outside the Distance Contracts Act)."""
    purpose: Purpose = Purpose.SALES
    target: Target | None = Target.CONSUMER

    @property
    def subject_kind(self) -> SubjectKind:
        return self.kind

    def caller_utterances(self) -> Iterator[Utterance]:
        return iter(self.utterances)

    @classmethod
    def parse(cls, text: str, name: str, lang: Lang, *, offer_category: str | None = None) -> Self:
        """The document from its text; ``lang`` is the language of the text."""
        lang = text_language(lang)
        lines = text.splitlines()
        return cls(
            name,
            lang,
            tuple(_paragraphs(lines, each_line_a_turn=True)),
            offer_category=offer_category,
        )

    @classmethod
    def read(cls, path: Path | str, lang: Lang, *, offer_category: str | None = None) -> Self:
        """The document in a UTF-8 text file (``-``: standard input)."""
        return cls.parse(read_text(path), source_name(path), lang, offer_category=offer_category)


@frozen
class WrittenOffer(WrittenDocument):
    """The written offer (anbud) the trader sends after a call it initiated; the contract is
    made only if the consumer accepts it in writing."""

    kind: ClassVar[SubjectKind] = SubjectKind.OFFER


@frozen
class Confirmation(WrittenDocument):
    """The written confirmation of an agreement made on the phone."""

    kind: ClassVar[SubjectKind] = SubjectKind.CONFIRMATION


DOCUMENT_TYPES: dict[str, type[WrittenDocument]] = {
    SubjectKind.OFFER.value: WrittenOffer,
    SubjectKind.CONFIRMATION.value: Confirmation,
}
"""The document class for each document subject kind."""


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _paragraphs(lines: list[str], *, each_line_a_turn: bool = False) -> Iterator[Utterance]:
    """Prose: one utterance per non-empty line; a paragraph (or each line) is one turn."""
    index, turn, gap = 0, -1, True
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            gap = True
            continue
        if gap or each_line_a_turn:
            turn += 1
            gap = False
        column = len(line) - len(line.lstrip())
        yield Utterance(index, turn, number, column, line.strip())
        index += 1
