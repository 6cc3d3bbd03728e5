"""What an audited batch of calls says about each call: the earlier calls to the same number
(for frequency caps) and each organisation's share of silent calls.

Collected in one pass over the batch and kept compact (start times as integers, sorted once),
so counting the calls to a number within a period is two binary searches, not a scan: an
audit stays O(n log n) however many calls go to one number.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence

from .subjects.call_record import CallRecord

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
_MICROS_PER_DAY = 86_400_000_000

Key = tuple[str, str]
"""(calling organisation, destination)."""


def micros(moment: dt.datetime) -> int:
    """An aware moment as microseconds since 1970 (UTC)."""
    return (moment - _EPOCH) // _MICROSECOND


class CallHistory:
    """Start times of calls by calling organisation and number, each list sorted."""

    __slots__ = ("_times",)

    def __init__(self, times: Mapping[Key, array[int]]) -> None:
        self._times = times

    def count_within(self, key: Key, before: dt.datetime, days: int) -> int:
        """How many calls in the history started in the ``days`` days (of 24 hours) before
        ``before``: elapsed time, however ``before`` was written (a zoned time less wall-clock
        days would differ across a clock change)."""
        times = self._times.get(key)
        if not times:
            return 0
        end = micros(before)
        return bisect_left(times, end) - bisect_left(times, end - days * _MICROS_PER_DAY)

    @staticmethod
    def count_in(moments: Sequence[dt.datetime], before: dt.datetime, days: int) -> int:
        """The same count over a record's own ``previous_calls``, in elapsed time (Python
        compares two times of one zone by their wall clocks, which in the hour the clocks go
        back puts 02:59 summer time after 02:00 winter time)."""
        if not moments:
            return 0
        end = micros(before)
        start = end - days * _MICROS_PER_DAY
        return sum(1 for t in moments if start <= micros(t) < end)


class BatchCollector:
    """Collects the batch facts call by call; :meth:`history` and :meth:`silent_shares` give
    them once the whole batch has been seen. A call id counts once: ``first_line`` keeps the
    line each id first appears on, and a later line with the same id adds nothing."""

    def __init__(self) -> None:
        self._times: dict[Key, array[int]] = {}
        self._silent: dict[str, list[int]] = {}
        self.first_line: dict[str, int] = {}

    def add(self, line: int, record: CallRecord) -> None:
        self.add_call(
            line,
            record.call_id,
            record.calling_organisation,
            record.destination,
            micros(record.started_at),
            record.silent,
        )

    def add_call(
        self,
        line: int,
        call_id: str,
        organisation: str,
        destination: str,
        start: int,
        silent: bool | None,
    ) -> None:
        """One call on ``line``: its id, who called which number, when (:func:`micros`), and
        whether it was silent."""
        if call_id in self.first_line:
            return
        self.first_line[call_id] = line
        key = (organisation, destination)
        times = self._times.get(key)
        if times is None:
            times = self._times[key] = array("q")
        times.append(start)
        if silent is not None:
            counts = self._silent.setdefault(organisation, [0, 0])
            counts[0] += silent
            counts[1] += 1

    def history(self) -> CallHistory:
        for key, times in self._times.items():
            self._times[key] = array("q", sorted(times))
        return CallHistory(self._times)

    def silent_shares(self) -> dict[str, float]:
        """Per calling organisation: silent calls as a percentage of calls whose flag is known."""
        return {org: 100.0 * silent / total for org, (silent, total) in self._silent.items()}
