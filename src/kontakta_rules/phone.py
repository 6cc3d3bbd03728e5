"""Swedish telephone numbers as people write them, normalised to E.164.

``070-174 06 05``, ``+46 70 174 06 05`` and ``0046701740605`` are all ``+46701740605``.
Foreign numbers are refused (NIX holds only Swedish numbers), and so are numbers without a
leading ``0``, ``+46`` or ``0046``: ``46701740605`` could be either, and guessing is not
allowed.
"""

from __future__ import annotations

import re

from .i18n import Message

COUNTRY_CODE = "46"
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015().\/]")
# Swedish national significant numbers (without the trunk 0) have 7 to 9 digits.
_NSN_DIGITS = range(7, 10)
_MOBILE = re.compile(r"^7[02369]\d{7}$")


class PhoneNumberError(ValueError):
    """A number that is not a valid Swedish number; ``message`` says why in sv and en."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def national_number(text: str) -> str:
    """The national significant number (digits after +46) of a Swedish number."""
    raw = _SEPARATORS.sub("", text)
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
    if not international.isdigit():
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
    if len(nsn) not in _NSN_DIGITS or nsn[0] == "0":
        raise PhoneNumberError(
            Message("{number}: a Swedish number has 7 to 9 digits after 0", {"number": text})
        )
    return nsn


def to_e164(text: str) -> str:
    """``text`` as an E.164 number (``+46701740605``); raises :class:`PhoneNumberError`."""
    return f"+{COUNTRY_CODE}{national_number(text)}"


def is_mobile(e164: str) -> bool:
    """Whether an E.164 Swedish number is in a mobile series (07x)."""
    return e164.startswith("+46") and bool(_MOBILE.match(e164[3:]))
