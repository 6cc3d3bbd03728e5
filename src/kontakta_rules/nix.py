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
from collections.abc import Iterable
from pathlib import Path

from .i18n import Message
from .loading import LoadError, Problem
from .phone import PhoneNumberError, national_number

_HEADER = re.compile(r"^#\s*updated\s*:\s*(\S+)\s*$", re.IGNORECASE)
_MAX_REPORTED = 50


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
        if not isinstance(number, str):
            return False
        nsn = number[3:]
        if not (
            number.startswith("+46") and nsn.isdigit() and 7 <= len(nsn) <= 9 and nsn[0] != "0"
        ):
            nsn = national_number(number)  # not already E.164: normalise (or raise)
        return self.contains_nsn(int(nsn))

    def contains_nsn(self, nsn: int) -> bool:
        """Look-up by national significant number (the digits after +46) as an int."""
        numbers = self._numbers
        i = bisect_left(numbers, nsn)
        return i < len(numbers) and numbers[i] == nsn

    @classmethod
    def load(cls, path: Path | str, *, updated: dt.date | None = None) -> NixRegister:
        """Read a snapshot file; every bad line is reported with its number, none skipped."""
        path = Path(path)
        try:
            with path.open(encoding="utf-8") as fh:
                return cls.from_lines(fh, source=str(path), updated=updated)
        except OSError as exc:
            raise LoadError(
                [
                    Problem(
                        str(path),
                        "",
                        Message("cannot read the file: {detail}", {"detail": exc.strerror}),
                    )
                ]
            ) from None

    @classmethod
    def from_lines(
        cls, lines: Iterable[str], *, source: str = "<register>", updated: dt.date | None = None
    ) -> NixRegister:
        numbers: array[int] = array("I")
        append = numbers.append
        problems: list[Problem] = []
        header: dt.date | None = None
        ordered, previous = True, -1
        for lineno, line in enumerate(lines, start=1):
            text = line.strip()
            if not text:
                continue
            if text[0] == "#":
                m = _HEADER.match(text)
                if m:
                    try:
                        header = dt.date.fromisoformat(m[1])
                    except ValueError:
                        problems.append(
                            Problem(
                                source,
                                f"line {lineno}",
                                Message("not a date (YYYY-MM-DD): {value}", {"value": m[1]}),
                            )
                        )
                continue
            if "#" in text:
                text = text.split("#", 1)[0].strip()
            # Fast path for the common export form 0XXXXXXXXX.
            if text[0] == "0" and text[1:2] != "0" and text.isdigit() and 8 <= len(text) <= 10:
                nsn = int(text[1:])
            else:
                try:
                    nsn = int(national_number(text))
                except PhoneNumberError as exc:
                    problems.append(Problem(source, f"line {lineno}", exc.message))
                    continue
            if nsn < previous:
                ordered = False
            previous = nsn
            append(nsn)
        if header is not None and updated is not None and header != updated:
            problems.append(
                Problem(
                    source,
                    "",
                    Message(
                        "the file says it was updated {header}, but {given} was given",
                        {"header": header.isoformat(), "given": updated.isoformat()},
                    ),
                )
            )
        day = updated or header
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
        if problems:
            shown = problems[:_MAX_REPORTED]
            if len(problems) > _MAX_REPORTED:
                shown.append(
                    Problem(
                        source,
                        "",
                        Message(
                            "and {count} more problems", {"count": len(problems) - _MAX_REPORTED}
                        ),
                    )
                )
            raise LoadError(shown)
        assert day is not None
        return cls(numbers if ordered else _sorted(numbers), day, source)


def _sorted(numbers: array[int]) -> array[int]:
    """Sort without a list of millions of int objects: bucket by the high bits, sort each."""
    buckets: list[array[int]] = [array("I") for _ in range(1 << 12)]
    for n in numbers:
        buckets[n >> 18].append(n)
    out: array[int] = array("I")
    for bucket in buckets:
        out.extend(sorted(bucket))
    return out
