"""Swedish telephone numbers as people write them, normalised to E.164.

``070-174 06 05``, ``+46 70 174 06 05`` and ``0046701740605`` are all ``+46701740605``.

What is accepted, exactly:

- **digits** are the ASCII digits ``0``–``9`` only. Fullwidth ``０``, Arabic-Indic ``٠``,
  superscript ``²`` and other characters that Unicode calls digits are refused: they look like
  a number to a person but are not one to a dialler or a register;
- **separators** between digits: space, tab, no-break and thin spaces, ``-`` and the dashes
  ``‐ ‑ ‒ – — ―``, ``( )``, ``.`` and ``/``; anything else is refused;
- the number starts with ``0`` (trunk prefix), ``+46`` or ``0046``. Foreign numbers are
  refused (NIX holds only Swedish numbers), and so is a number without a leading ``0``,
  ``+46`` or ``0046``: ``46701740605`` could be either, and guessing is not allowed.

Lengths follow Post- och telestyrelsen's numbering plan (the national significant number,
NSN, is what follows ``+46`` or the trunk ``0``; an area code has one to three digits):

- geographic numbers: 7 to 9 digits with Stockholm's one-digit area code ``08`` and the
  two-digit area codes (``011``, ``013``, ``016``, ``018``, ``019``, ``021``, ``023``, ``026``,
  ``031``, ``033``, ``035``, ``036``, ``040``, ``042``, ``044``, ``046``, ``054``, ``060``,
  ``063``, ``090``), 8 or 9 digits with a three-digit area code (a subscriber number of five
  or six digits);
- mobile ``070``, ``072``, ``073``, ``076``, ``079`` and the other ``07`` services (``074``
  paging, ``075`` personal numbers, ``077`` shared cost): 9 digits; ``078``
  (operator-specific) 7 to 9;
- ``010`` (geographically independent): 9 digits; freephone ``020``: 6 to 9 (``020-12 34``);
  premium rate ``0900``, ``0939``, ``0944`` and ``099``: 7 to 10 (``099`` as
  libphonenumber's metadata files it: ``0991``–``0995`` and ``0999`` with 7 or 10 digits;
  secondary);
- ``071`` is refused: PTS gives it to mobile telematics (machine-to-machine) and mobile
  broadband with 13-digit numbers, which no telephone seller calls and NIX cannot hold.

Sources: PTS, "Telefoninummerplanens disposition" (the purpose of each series),
https://pts.se/sv/bransch/telefoni/nummer-och-adressering/telefoninummerplanen/telefoninummerplanens-disposition/
and "Telefonnummers struktur" (area codes of one to three digits),
https://pts.se/sv/bransch/telefoni/nummer-och-adressering/telefoninummerplanen/telefonnummers-struktur/
(verified); the lengths per series and the two-digit area codes as third parties read PTS's
plan of 2024-01-08 (libphonenumber's metadata for SE; phony's table; secondary). Which
subscriber-number ranges PTS has assigned is not checked: a number is never refused for an
unassigned range, because refusing a real number would refuse a whole NIX register file.
The deliberate differences from Google's libphonenumber are kept in ``tests/test_phone.py``.
"""

from __future__ import annotations

import re

from .errors import InputError
from .i18n import Message

COUNTRY_CODE = "46"
_SEPARATORS = re.compile(r"[ \t\u00a0\u2009\u202f\-\u2010-\u2015().\/]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_MACHINES = "71"
_TWO_DIGIT_AREAS = frozenset(
    [
        "11",
        "13",
        "16",
        "18",
        "19",
        "21",
        "23",
        "26",
        "31",
        "33",
        "35",
        "36",
        "40",
        "42",
        "44",
        "46",
        "54",
        "60",
        "63",
        "90",
    ]
)
_PREMIUM_RATE = ("900", "939", "944", "99")
# Mobile telephony series (PTS: NDC 70, 72, 73, 76 and 79). 078 is operator-specific in
# PTS's plan, although libphonenumber files it as mobile since 2026: not mobile here.
_MOBILE = re.compile(r"^7[02369][0-9]{7}$")


class PhoneNumberError(InputError):
    """A number that is not a valid Swedish number; ``message`` says why in sv and en."""


def national_number(text: str) -> str:
    """The national significant number (digits after +46) of a Swedish number."""
    raw = _SEPARATORS.sub("", text)
    if not raw.isascii():
        raise _not_ascii(text)
    if raw.startswith("+"):
        international = raw[1:]
    elif raw.startswith("00"):
        international = raw[2:]
    elif raw.startswith("0"):
        international = COUNTRY_CODE + raw[1:]
    else:
        raise PhoneNumberError(
            Message("{number}: write the number with a leading 0, +46 or 0046", {"number": text})
        )
    if not _ASCII_DIGITS.fullmatch(international):
        raise PhoneNumberError(Message("{number}: not a telephone number", {"number": text}))
    if not international.startswith(COUNTRY_CODE):
        raise PhoneNumberError(
            Message(
                "{number}: not a Swedish number (NIX holds only Swedish numbers)", {"number": text}
            )
        )
    nsn = international[len(COUNTRY_CODE) :]
    if nsn.startswith("0"):  # "+46 (0)70 ..." written with the trunk zero
        nsn = nsn[1:]
    if nsn.startswith(_MACHINES):
        raise PhoneNumberError(
            Message(
                "{number}: 071 numbers are for machine-to-machine services and mobile "
                "broadband, not for calls to people",
                {"number": text},
            )
        )
    if nsn[:1] == "0" or len(nsn) not in _lengths(nsn):
        raise PhoneNumberError(
            Message(
                "{number}: a Swedish number has 7 to 9 digits after 0 (mobile numbers 9, "
                "with a three-digit area code 8 or 9)",
                {"number": text},
            )
        )
    return nsn


def _lengths(nsn: str) -> range:
    """How many digits a national significant number starting like ``nsn`` has."""
    if nsn.startswith(_PREMIUM_RATE):
        return range(7, 11)
    if nsn.startswith("20"):
        return range(6, 10)
    if nsn.startswith("10"):
        return range(9, 10)
    if nsn.startswith("78"):
        return range(7, 10)
    if nsn.startswith("7"):
        return range(9, 10)
    if nsn.startswith("8") or nsn[:2] in _TWO_DIGIT_AREAS:
        return range(7, 10)
    return range(8, 10)


def _not_ascii(text: str) -> PhoneNumberError:
    return PhoneNumberError(
        Message(
            "{number}: write the number with the digits 0–9 and + (characters that only look "
            "like them are not accepted)",
            {"number": text},
        )
    )


def to_e164(text: str) -> str:
    """``text`` as an E.164 number (``+46701740605``); raises :class:`PhoneNumberError`."""
    if not isinstance(text, str):
        raise PhoneNumberError(
            Message("expected a telephone number as text, got {got}", {"got": repr(text)[:40]})
        )
    return f"+{COUNTRY_CODE}{national_number(text)}"


def is_mobile(e164: str) -> bool:
    """Whether an E.164 Swedish number is in a mobile series (070, 072, 073, 076, 079)."""
    return e164.startswith("+46") and bool(_MOBILE.match(e164[3:]))
