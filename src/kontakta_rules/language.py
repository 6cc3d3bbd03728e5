"""Which language a text is written in, as far as it matters here: Swedish or English.

Detection patterns exist per language, so a Swedish script judged with the English patterns
finds nothing and looks compliant. The language of the text (what the patterns look for) and
the language of the report (what the reader reads) are therefore kept apart, and a text that
is evidently in the other language is never judged as if it were not.

The guess counts the most common short words of each language (and Swedish letters å, ä, ö);
it answers only when there is enough text and one language clearly outweighs the other.
"""

from __future__ import annotations

import re

from .i18n import N_, Message
from .text import Lang

_SWEDISH = frozenset(
    [
        "och",
        "att",
        "det",
        "är",
        "en",
        "ett",
        "jag",
        "du",
        "vi",
        "ni",
        "har",
        "på",
        "för",
        "med",
        "som",
        "inte",
        "om",
        "till",
        "av",
        "den",
        "kan",
        "så",
        "vad",
        "hej",
        "ja",
        "nej",
        "här",
        "från",
        "eller",
        "vill",
        "ska",
        "din",
        "ditt",
        "dina",
        "er",
        "ert",
        "era",
        "oss",
        "mig",
        "dig",
        "också",
        "bara",
        "alltså",
        "då",
        "när",
        "nu",
        "tack",
        "okej",
        "jo",
        "hur",
        "varför",
        "vem",
        "vilken",
        "vår",
        "vårt",
        "våra",
        "hos",
        "eller",
        "mycket",
        "måste",
        "inga",
        "ingen",
        "något",
        "någon",
        "skulle",
        "blir",
        "bli",
        "får",
        "var",
        "vill",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "and",
        "to",
        "of",
        "a",
        "is",
        "you",
        "we",
        "it",
        "that",
        "this",
        "for",
        "on",
        "with",
        "are",
        "be",
        "have",
        "not",
        "your",
        "our",
        "can",
        "will",
        "would",
        "what",
        "from",
        "or",
        "if",
        "yes",
        "no",
        "hello",
        "hi",
        "thanks",
        "thank",
        "just",
        "so",
        "about",
        "me",
        "my",
        "us",
        "do",
        "don't",
        "i'm",
        "it's",
        "you're",
        "we're",
        "calling",
        "call",
        "there",
        "they",
        "them",
        "their",
        "which",
        "who",
        "how",
        "why",
        "was",
        "were",
        "been",
        "any",
        "some",
        "all",
        "get",
        "got",
        "very",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
MIN_WORDS = 8
"""Fewer known words than this say nothing about the language."""
RATIO = 2.0
"""One language must have at least this many times the other's known words."""
LANGUAGE_NAMES = {"sv": N_("Swedish"), "en": N_("English")}


def guess_language(text: str) -> Lang | None:
    """``"sv"`` or ``"en"`` when the text is evidently in that language, else None."""
    words = [w.lower() for w in _WORD.findall(text)]
    sv = sum(1 for w in words if w in _SWEDISH) + len(_SWEDISH_LETTERS.findall(text)) / 2
    en = sum(1 for w in words if w in _ENGLISH)
    if sv + en < MIN_WORDS:
        return None
    if sv >= RATIO * en:
        return "sv"
    if en >= RATIO * sv:
        return "en"
    return None


def language_mismatch(text: str, lang: Lang) -> Message | None:
    """Why ``text`` cannot be judged as ``lang`` (it is evidently in the other language), or
    None."""
    guessed = guess_language(text)
    if guessed is None or guessed == lang:
        return None
    return Message(
        "the text appears to be in {found}, not in {given}: judged with the {given} patterns "
        "it would prove nothing",
        {"found": Message(LANGUAGE_NAMES[guessed]), "given": Message(LANGUAGE_NAMES[lang])},
    )
