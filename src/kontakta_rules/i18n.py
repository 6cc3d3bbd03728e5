"""Messages in code, translated through gettext catalogs, and locale formatting with babel.

Messages are English msgids; the Swedish catalog is ``locale/sv/LC_MESSAGES/kontakta_rules.po``,
compiled to ``.mo`` when the package is built (``hatch_build.py``) and by ``nox -s catalogs``.
Rule texts do not go through here: they live in the ruleset files as ``Text(sv, en)``.
Messages are built lazily as :class:`Message` so one error can be shown in either language;
dates, times, lists and durations among its values are formatted for the language when it is
rendered ("tisdag 24 november 2026 kl. 21:00" / "Tuesday, 24 November 2026 at 9:00 PM").
The language comes from ``--lang``, else ``KONTAKTA_RULES_LANG``, else the locale
environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, ``LANGUAGE``), else Swedish.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import io
import math
import os
from collections.abc import Iterable, Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Literal

from attrs import field, frozen
from babel.dates import format_date as _babel_date
from babel.dates import format_time as _babel_time
from babel.lists import format_list as _babel_list
from babel.messages.catalog import Catalog as _PoCatalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.units import format_unit

from .text import LANGUAGES, Lang, Text
from .timezone import STOCKHOLM

DEFAULT_LANG: Lang = "sv"
DOMAIN = "kontakta_rules"
LOCALES: Mapping[Lang, str] = {"sv": "sv_SE", "en": "en_GB"}
"""The babel locale of each language: day-month-year dates in both; English times are
12-hour (``9:00 PM``) with the period in capitals, Swedish times 24-hour."""
_TIME_PATTERNS: Mapping[Lang, tuple[str, str]] = {"sv": ("HH:mm", "sv_SE"), "en": ("h:mm a", "en")}


def _catalog_file(lang: Lang, suffix: str) -> Traversable:
    return files("kontakta_rules") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def read_catalog(lang: Lang) -> _PoCatalog:
    """The source catalog (``.po``) of ``lang``: what translators edit."""
    with _catalog_file(lang, ".po").open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def compile_catalog(lang: Lang) -> bytes:
    """``lang``'s ``.po`` compiled to ``.mo`` bytes (untranslated and fuzzy entries left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(lang))
    return buffer.getvalue()


@functools.cache
def translations(lang: Lang) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang``; English needs none (its msgids are the text).

    A built package ships ``.mo`` files; a source checkout that was never built compiles
    the ``.po`` in memory, so both read the same compiled form.
    """
    if lang == "en":
        return _gettext.NullTranslations()
    mo = _catalog_file(lang, ".mo")
    data = mo.read_bytes() if mo.is_file() else compile_catalog(lang)
    return _gettext.GNUTranslations(io.BytesIO(data))


def gettext(msgid: str, lang: Lang) -> str:
    """``msgid`` in ``lang``; the English msgid when the catalog lacks it."""
    return translations(lang).gettext(msgid)


def missing_translations(msgids: Iterable[str], lang: Lang = "sv") -> list[str]:
    """The msgids that have no (non-fuzzy) translation in ``lang``'s ``.po`` catalog."""
    if lang == "en":
        return []
    catalog = read_catalog(lang)
    missing = []
    for msgid in msgids:
        entry = catalog.get(msgid)
        forms = entry.string if entry is not None and isinstance(entry.string, tuple) else ()
        if entry is None or not entry.string or entry.fuzzy or (forms and not all(forms)):
            missing.append(msgid)
    return missing


_RENDERED: dict[tuple[object, ...], str] = {}
_RENDERED_MAX = 20_000


@frozen
class Message:
    """A user-facing message: an English msgid with ``{name}`` placeholders and its values.

    Values that are :class:`Text` or :class:`Message` are shown in the message's language;
    dates and times are formatted when the message is rendered, not when it is built.
    """

    msgid: str
    args: Mapping[str, object] = field(factory=dict)
    plural: str | None = None
    """The English plural form; the form shown is chosen by the number in ``args[count]``
    (build such messages with :func:`Plural`)."""
    count: str = "count"

    def render(self, lang: Lang) -> str:
        # An audit renders the same few messages a million times ("the record does not say
        # nix"): rendered texts are kept by message and language, when the values hash.
        try:
            key: tuple[object, ...] | None = (
                self.msgid,
                self.plural,
                self.count,
                lang,
                *self.args.items(),
            )
            cached = _RENDERED.get(key)  # type: ignore[arg-type]
        except TypeError:
            key, cached = None, None
        if cached is not None:
            return cached
        text = self._render(lang)
        if key is not None:
            if len(_RENDERED) >= _RENDERED_MAX:
                _RENDERED.clear()
            _RENDERED[key] = text
        return text

    def _render(self, lang: Lang) -> str:
        values = {k: _localise(v, lang) for k, v in self.args.items()}
        if self.plural is None:
            template = gettext(self.msgid, lang)
        else:
            n = self.args[self.count]
            if not isinstance(n, int) or isinstance(n, bool):
                raise TypeError(f"{self.count} must be an integer to choose a plural form: {n!r}")
            template = translations(lang).ngettext(self.msgid, self.plural, n)
        return template.format(**values)

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
        return format_datetime(value, lang)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, dt.time):
        return format_time(value, lang)
    if isinstance(value, tuple | list):
        return format_list([str(_localise(v, lang)) for v in value], lang)
    if isinstance(value, bool):
        return gettext("yes", lang) if value else gettext("no", lang)
    if isinstance(value, int | float):
        return format_number(value, lang)
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Message):
        return value.render(lang)
    return value


def Plural(singular: str, plural: str, count: str, args: Mapping[str, object]) -> Message:
    """A message with a singular and a plural form, chosen by ``args[count]``:
    ``Plural("{n} record", "{n} records", "n", {"n": 1})``."""
    return Message(singular, args, plural=plural, count=count)


def N_(msgid: str) -> str:
    """Mark a string as a msgid for extraction without translating it yet."""
    return msgid


def language_of(name: str) -> Lang | None:
    """``sv`` for ``sv``, ``sv_SE``, ``sv-SE.UTF-8`` ...; ``en`` likewise; else None."""
    code = name.split(":")[0].split(".")[0].split("_")[0].split("-")[0].lower()
    for lang in LANGUAGES:
        if code == lang:
            return lang
    return None


def resolve_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """The language to use: ``explicit``, else the environment, else Swedish."""
    if explicit:
        lang = language_of(explicit)
        if lang is None:
            raise ValueError(f"unsupported language {explicit!r}; use 'sv' or 'en'")
        return lang
    env = os.environ if environ is None else environ
    for var in ("KONTAKTA_RULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            lang = language_of(value)
            if lang is not None:
                return lang
    return DEFAULT_LANG


# --------------------------------------------------------------------------- locale formatting


def format_date(day: dt.date, lang: Lang, *, weekday: bool = False) -> str:
    """``24 november 2026`` / ``24 November 2026``; with ``weekday`` the full form
    (``tisdag 24 november 2026`` / ``Tuesday, 24 November 2026``)."""
    if isinstance(day, dt.datetime):
        day = day.date()
    return _format_day(day, lang, weekday)


# An audit writes the same days and times of day over and over: babel is asked once each.
@functools.lru_cache(maxsize=8192)
def _format_day(day: dt.date, lang: Lang, weekday: bool) -> str:
    return str(_babel_date(day, "full" if weekday else "long", locale=LOCALES[lang]))


@functools.lru_cache(maxsize=4096)
def _format_clock(hour: int, minute: int, lang: Lang) -> str:
    pattern, locale = _TIME_PATTERNS[lang]
    return str(_babel_time(dt.time(hour, minute), pattern, locale=locale))


def format_month(day: dt.date, lang: Lang) -> str:
    """``juli 2021`` / ``July 2021``: a date the sources give only to the month."""
    return str(_babel_date(day, "LLLL y", locale=LOCALES[lang]))


def format_time(moment: dt.time | dt.datetime, lang: Lang) -> str:
    """``21:00`` / ``9:00 PM`` (an aware datetime is shown in Stockholm time)."""
    if isinstance(moment, dt.datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(STOCKHOLM)
    return _format_clock(moment.hour, moment.minute, lang)  # the patterns show hour and minute


def format_datetime(moment: dt.datetime, lang: Lang) -> str:
    """``tisdag 24 november 2026 kl. 21:00`` / ``Tuesday, 24 November 2026 at 9:00 PM``.

    An aware moment is shown in Stockholm time, where every rule judges it; a naive one as is.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(STOCKHOLM)
    return gettext("{date} at {time}", lang).format(
        date=format_date(moment.date(), lang, weekday=True), time=format_time(moment, lang)
    )


def format_weekday(index: int, lang: Lang) -> str:
    """The name of a weekday, Monday = 0: ``måndag`` / ``Monday``."""
    monday = dt.date(2024, 1, 1)  # a Monday
    return str(_babel_date(monday + dt.timedelta(days=index), "EEEE", locale=LOCALES[lang]))


def format_list(
    items: Iterable[str], lang: Lang, *, style: Literal["standard", "or"] = "standard"
) -> str:
    """``a, b och c`` / ``a, b and c`` (``style="or"``: ``a, b eller c``)."""
    return str(_babel_list(list(items), style=style, locale=LOCALES[lang]))


def format_number(value: float, lang: Lang, *, decimals: int | None = None) -> str:
    """``1 234,5`` / ``1,234.5`` (Swedish groups with a no-break space); a number beyond
    what a person writes out (NaN, infinite, 10^15 and more) in scientific notation."""
    if not math.isfinite(value) or abs(value) >= 1e15:
        return f"{value:g}"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") if decimals is not None else None
    return str(format_decimal(value, format=pattern, locale=LOCALES[lang]))


_DURATION_UNITS = (
    ("duration-second", 1, 60),
    ("duration-minute", 60, 60),
    ("duration-hour", 3600, 48),
    ("duration-day", 86400, None),
)


def format_duration(seconds: float, lang: Lang) -> str:
    """A duration in the unit that reads best: seconds below a minute, minutes below an hour,
    hours below two days, else days; one decimal, per locale (``1,5 timmar``, ``1.5 hours``).
    The unit is chosen after rounding, so 3,599 s reads ``1 timme``, not ``60 minuter``."""
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {seconds}")
    for unit, size, limit in _DURATION_UNITS:
        amount = round(seconds / size, 1)
        if limit is None or amount < limit:
            return str(format_unit(amount, unit, locale=LOCALES[lang]))
    raise AssertionError("unreachable")
