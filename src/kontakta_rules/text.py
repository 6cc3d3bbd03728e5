"""Bilingual text: every rule title, rule text and note exists in Swedish and English.

Swedish is the authoritative language of the rules; English is a marked translation.
"""

from __future__ import annotations

from typing import Literal

from attrs import field, frozen

Lang = Literal["sv", "en"]
LANGUAGES: tuple[Lang, ...] = ("sv", "en")


def _non_blank(_instance: object, attribute: object, value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")


@frozen
class Text:
    """A text in Swedish (authoritative) and English (translation). Both are required."""

    sv: str = field(validator=_non_blank)
    en: str = field(validator=_non_blank)

    def get(self, lang: Lang) -> str:
        """The text in ``lang`` (``"sv"`` or ``"en"``)."""
        if lang == "sv":
            return self.sv
        if lang == "en":
            return self.en
        raise ValueError(f"unsupported language {lang!r}; use 'sv' or 'en'")
