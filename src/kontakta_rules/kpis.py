"""Customer-service KPIs computed from a contact log, and judged against the targets the
process description declares.

- **answered within target** (per channel with a ``response_target``): the share of
  contacts answered within the target time. A contact still unanswered when its target time
  has passed counts as not answered in time; one whose target time lies after the last time
  in the log is *pending* and left out (reported as such).
- **response time** median and 90th percentile (per channel): time from received to
  answered, over the answered contacts.
- **complaint handling time** median and 90th percentile: time from received to resolved,
  over the resolved complaints; with ``complaints.handling_target``, the share resolved
  within it, counted like the answer share.

Percentiles use the nearest-rank method (the smallest value with at least p % of the values
at or below it); the median is the middle value (the mean of the two middle values for an
even count). ``working-days`` targets end at the close of the n-th Swedish working day
after the day the contact came in (Europe/Stockholm).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from typing import Literal

from attrs import frozen

from .calendar import add_working_days
from .subjects.contact_log import Contact
from .subjects.service_process import Duration, ServiceProcess, Target
from .timezone import STOCKHOLM
from .vocabulary import ChannelKind, HolidayCalendar, Kpi

Statistic = Literal["share-within-target", "median", "p90"]


@frozen
class KpiValue:
    """One computed figure: a share in percent or a time in seconds."""

    kpi: Kpi
    statistic: Statistic
    channel: ChannelKind | None
    """None for complaints (all channels)."""
    value: float | None
    """None when no contact in the log counts for it."""
    count: int
    """The contacts it is computed from."""
    target: Target | None = None
    met: bool | None = None
    """Whether the target is met; None without a target or without contacts."""
    pending: int = 0
    """Contacts left out because their target time had not passed when the log ends."""

    @property
    def is_share(self) -> bool:
        return self.statistic == "share-within-target"

    def as_evidence(self) -> dict[str, object]:
        out: dict[str, object] = {
            "kpi": self.kpi.value,
            "statistic": self.statistic,
            "channel": self.channel.value if self.channel else None,
            "value": self.value,
            "unit": "percent" if self.is_share else "seconds",
            "count": self.count,
        }
        if self.target is not None:
            out["target"] = {
                "within": {"value": self.target.within.value, "unit": self.target.within.unit},
                "share": self.target.share if self.target.share is not None else 100.0,
            }
            out["met"] = self.met
            out["pending"] = self.pending
        return out


def deadline(received: dt.datetime, within: Duration) -> dt.datetime:
    """The last moment that is still within ``within`` of ``received``."""
    if within.unit == "working-days":
        local = received.astimezone(STOCKHOLM).date()
        last = add_working_days(local, math.ceil(within.value), HolidayCalendar.SE_PUBLIC)
        return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), STOCKHOLM) - (
            dt.timedelta(microseconds=1)
        )
    seconds = {"minutes": 60, "hours": 3600, "days": 86400}[within.unit]
    return received + dt.timedelta(seconds=within.value * seconds)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _share(
    kpi: Kpi,
    channel: ChannelKind | None,
    contacts: Sequence[Contact],
    target: Target,
    done: Callable[[Contact], dt.datetime | None],
    log_end: dt.datetime,
) -> KpiValue:
    within = late = pending = 0
    for c in contacts:
        limit = deadline(c.received, target.within)
        at = done(c)
        if at is not None and at <= limit:
            within += 1
        elif at is not None or limit <= log_end:
            late += 1
        else:
            pending += 1
    counted = within + late
    value = 100.0 * within / counted if counted else None
    share = target.share if target.share is not None else 100.0
    met = None if value is None else value >= share
    return KpiValue(kpi, "share-within-target", channel, value, counted, target, met, pending)


def _times(
    kpi: Kpi, channel: ChannelKind | None, durations: Sequence[float]
) -> tuple[KpiValue, KpiValue]:
    if not durations:
        return (
            KpiValue(kpi, "median", channel, None, 0),
            KpiValue(kpi, "p90", channel, None, 0),
        )
    return (
        KpiValue(kpi, "median", channel, float(statistics.median(durations)), len(durations)),
        KpiValue(kpi, "p90", channel, float(percentile(durations, 90)), len(durations)),
    )


def compute_kpis(process: ServiceProcess, contacts: Sequence[Contact]) -> tuple[KpiValue, ...]:
    """The KPIs the process declares it measures, and every share its targets need."""
    declared = set(process.kpis.measured or ())
    times = [t for c in contacts for t in (c.received, c.answered, c.resolved) if t is not None]
    log_end = max(times) if times else dt.datetime.min.replace(tzinfo=dt.UTC)
    out: list[KpiValue] = []
    channels = {c.kind: c for c in process.channels}
    for kind in sorted({c.channel for c in contacts} | set(channels), key=list(ChannelKind).index):
        of_kind = [c for c in contacts if c.channel is kind]
        channel = channels.get(kind)
        target = channel.response_target if channel is not None else None
        if target is not None:
            out.append(
                _share(Kpi.ANSWERED_WITHIN_TARGET, kind, of_kind, target, _answered, log_end)
            )
        if declared & {Kpi.RESPONSE_TIME_MEDIAN, Kpi.RESPONSE_TIME_P90}:
            durations = [(c.answered - c.received).total_seconds() for c in of_kind if c.answered]
            median, _ = _times(Kpi.RESPONSE_TIME_MEDIAN, kind, durations)
            _, p90 = _times(Kpi.RESPONSE_TIME_P90, kind, durations)
            out.extend(k for k in (median, p90) if k.kpi in declared)
    complaints = [c for c in contacts if c.complaint]
    handling = process.complaints.handling_target
    if handling is not None:
        out.append(
            _share(Kpi.COMPLAINT_HANDLING_TIME, None, complaints, handling, _resolved, log_end)
        )
    if Kpi.COMPLAINT_HANDLING_TIME in declared:
        durations = [(c.resolved - c.received).total_seconds() for c in complaints if c.resolved]
        out.extend(_times(Kpi.COMPLAINT_HANDLING_TIME, None, durations))
    return tuple(out)


def _answered(c: Contact) -> dt.datetime | None:
    return c.answered


def _resolved(c: Contact) -> dt.datetime | None:
    return c.resolved
