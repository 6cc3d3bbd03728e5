"""A NIX-Telefon register snapshot: the numbers in one register version and its update date.

The file format: one number per line, written as people write them; ``#`` starts a comment;
a header line ``# updated: YYYY-MM-DD`` gives the register version's update date (or pass
``updated=``). Numbers are kept as a sorted array of national significant numbers (4 bytes
each), so 3 million numbers take about 12 MB and a look-up is a binary search.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import LoadError, Problem
from .i18n import Message
from .phone import PhoneNumberError, national_number
from .textinput import source_name, text_lines

_HEADER = re.compile(r"^#\s*updated\s*:\s*(\S+)\s*$", re.IGNORECASE)


class NixRegister:
    """The numbers listed in one version of the register, and that version's update date."""

    __slots__ = ("_numbers", "source", "updated")

    def __init__(self, numbers: array[int], updated: dt.date, source: str) -> None:
        self._numbers = numbers
        self.updated = updated
        self.source = source

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, number: object) -> bool:
        """Whether ``number`` (E.164 or as people write it) is listed; a number that is not a
        Swedish number raises :class:`~kontakta_rules.phone.PhoneNumberError` (never "not
        listed")."""
        if not isinstance(number, str):
            return False
        nsn = number[3:]
        if not (
            number.startswith("+46")
            and nsn.isascii()
            and nsn.isdigit()
            and 7 <= len(nsn) <= 9
            and nsn[0] != "0"
        ):
            nsn = national_number(number)  # not already E.164: normalise (or raise)
        return self.contains_nsn(int(nsn))

    def national_numbers(self) -> Iterator[int]:
        """The listed numbers as national significant numbers (the digits after +46), in
        ascending order."""
        return iter(self._numbers)

    def contains_nsn(self, nsn: int) -> bool:
        """Look-up by national significant number (the digits after +46) as an int."""
        numbers = self._numbers
        i = bisect_left(numbers, nsn)
        return i < len(numbers) and numbers[i] == nsn

    @classmethod
    def load(
        cls, path: Path | str, *, updated: dt.date | None = None, allow_empty: bool = False
    ) -> NixRegister:
        """Read a snapshot file (``-``: standard input); every bad line is reported with its
        number, none skipped. An empty register is refused unless ``allow_empty``."""
        source = source_name(path)
        return cls._read(text_lines(path, source), source, updated, allow_empty)

    @classmethod
    def from_lines(
        cls,
        lines: Iterable[str],
        *,
        source: str = "<register>",
        updated: dt.date | None = None,
        allow_empty: bool = False,
    ) -> NixRegister:
        return cls._read(enumerate(lines, start=1), source, updated, allow_empty)

    @classmethod
    def _read(
        cls,
        lines: Iterable[tuple[int, str | Message]],
        source: str,
        updated: dt.date | None,
        allow_empty: bool,
    ) -> NixRegister:
        numbers: array[int] = array("I")
        append = numbers.append
        problems: list[Problem] = []
        header: tuple[dt.date, int] | None = None
        ordered, previous = True, -1
        for lineno, line in lines:
            if isinstance(line, Message):
                problems.append(Problem(source, f"line {lineno}", line))
                continue
            text = line.strip()
            if not text:
                continue
            if text[0] == "#":
                m = _HEADER.match(text)
                if m:
                    day = _header_date(m[1], source, lineno, problems)
                    if day is not None and header is not None and day != header[0]:
                        problems.append(_conflict(source, lineno, header, day))
                    elif day is not None:
                        header = (day, lineno)
                continue
            if "#" in text:
                text = text.split("#", 1)[0].strip()
            # Fast path for the common export form 0XXXXXXXXX (ASCII digits, 7-9 after 0).
            if (
                text[0] == "0"
                and text[1:2] != "0"
                and 8 <= len(text) <= 10
                and text.isascii()
                and text.isdigit()
                and text[1:3] != "71"
            ):
                nsn = int(text[1:])
            else:
                try:
                    nsn = int(national_number(text))
                except PhoneNumberError as exc:
                    shown = {**exc.message.args, "number": excerpt(text)}
                    problems.append(
                        Problem(source, f"line {lineno}", Message(exc.message.msgid, shown))
                    )
                    continue
                if nsn > _LARGEST:
                    problems.append(
                        Problem(
                            source,
                            f"line {lineno}",
                            Message(
                                "{number}: a premium-rate number is a service, not a "
                                "subscriber's number; NIX does not hold it",
                                {"number": excerpt(text)},
                            ),
                        )
                    )
                    continue
            if nsn < previous:
                ordered = False
            previous = nsn
            append(nsn)
        if header is not None and updated is not None and header[0] != updated:
            problems.append(
                Problem(
                    source,
                    "",
                    Message(
                        "the file says it was updated {header}, but {given} was given",
                        {"header": header[0].isoformat(), "given": updated.isoformat()},
                    ),
                )
            )
        day = updated or (header[0] if header else None)
        if day is None:
            problems.append(
                Problem(
                    source,
                    "",
                    Message(
                        "the register version's update date is missing: add a line '# updated: YYYY-MM-DD'"
                    ),
                )
            )
        if not numbers and not allow_empty and not problems:
            problems.append(
                Problem(
                    source,
                    "",
                    Message(
                        "the register holds no numbers, so every number would count as not "
                        "listed; if an empty register is what you mean, say so "
                        "(allow_empty=True, or --nix-allow-empty)"
                    ),
                )
            )
        if problems:
            raise LoadError(problems, capped=True)
        assert day is not None
        return cls(numbers if ordered else _sorted(numbers), day, source)


_LARGEST = 0xFFFFFFFF  # numbers are held as unsigned 32-bit integers


def excerpt(text: str, limit: int = 24) -> str:
    """At most ``limit`` characters of a line, so an error never echoes a whole file back."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header_date(value: str, source: str, lineno: int, problems: list[Problem]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(
                source,
                f"line {lineno}",
                Message("not a date (YYYY-MM-DD): {value}", {"value": excerpt(value)}),
            )
        )
        return None


def _conflict(source: str, lineno: int, first: tuple[dt.date, int], day: dt.date) -> Problem:
    return Problem(
        source,
        f"line {lineno}",
        Message(
            "a second update date {day} contradicts {first} on line {line}: which register "
            "version is this?",
            {"day": day.isoformat(), "first": first[0].isoformat(), "line": first[1]},
        ),
    )


def _sorted(numbers: array[int]) -> array[int]:
    """Sort without a list of millions of int objects: bucket by the high bits, sort each."""
    buckets: list[array[int]] = [array("I") for _ in range(1 << 12)]
    for n in numbers:
        buckets[n >> 18].append(n)
    out: array[int] = array("I")
    for bucket in buckets:
        out.extend(sorted(bucket))
    return out
