"""Messages in code, translated through gettext catalogs (English msgids, Swedish catalog).

Rule texts do not go through here: they live in the ruleset files as ``Text(sv, en)``.
Messages are built lazily as :class:`Message` so one error can be shown in either language.
The language comes from ``--lang``, else ``KONTAKTA_RULES_LANG``, else the locale
environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, ``LANGUAGE``), else Swedish.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from importlib.resources import files

from attrs import field, frozen

from .text import LANGUAGES, Lang, Text

DEFAULT_LANG: Lang = "sv"
DOMAIN = "kontakta_rules"


@functools.cache
def _catalog(lang: Lang) -> Mapping[str, str]:
    """msgid -> translation for ``lang`` (English needs no catalog)."""
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    po = files("kontakta_rules") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def gettext(msgid: str, lang: Lang) -> str:
    """``msgid`` in ``lang``; the English msgid when the catalog lacks it."""
    return _catalog(lang).get(msgid, msgid)


def missing_translations(msgids: list[str], lang: Lang = "sv") -> list[str]:
    """The msgids that have no translation in ``lang``'s catalog."""
    catalog = _catalog(lang)
    return [m for m in msgids if not catalog.get(m)]


@frozen
class Message:
    """A user-facing message: an English msgid with ``{name}`` placeholders and its values.

    Values that are :class:`Text` or :class:`Message` are shown in the message's language;
    dates and times are formatted when the message is rendered, not when it is built.
    """

    msgid: str
    args: Mapping[str, object] = field(factory=dict)

    def render(self, lang: Lang) -> str:
        values = {k: _localise(v, lang) for k, v in self.args.items()}
        return gettext(self.msgid, lang).format(**values)

    def text(self) -> Text:
        return Text(sv=self.render("sv"), en=self.render("en"))

    def get(self, lang: Lang) -> str:
        """The message in ``lang``, like :meth:`Text.get` (rendered when asked, not before)."""
        return self.render(lang)

    @property
    def sv(self) -> str:
        return self.render("sv")

    @property
    def en(self) -> str:
        return self.render("en")


def _localise(value: object, lang: Lang) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(_localise(v, lang)) for v in value)
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Message):
        return value.render(lang)
    return value


def N_(msgid: str) -> str:
    """Mark a string as a msgid for extraction without translating it yet."""
    return msgid


def _from_locale_name(name: str) -> Lang | None:
    code = name.split(":")[0].split(".")[0].split("_")[0].split("-")[0].lower()
    for lang in LANGUAGES:
        if code == lang:
            return lang
    return None


def resolve_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """The language to use: ``explicit``, else the environment, else Swedish."""
    if explicit:
        lang = _from_locale_name(explicit)
        if lang is None:
            raise ValueError(f"unsupported language {explicit!r}; use 'sv' or 'en'")
        return lang
    env = os.environ if environ is None else environ
    for var in ("KONTAKTA_RULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            lang = _from_locale_name(value)
            if lang is not None:
                return lang
    return DEFAULT_LANG
