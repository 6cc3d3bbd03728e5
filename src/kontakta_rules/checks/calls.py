"""Check kinds judged on call records (and, where noted, on call scripts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from attrs import frozen

from ..calendar import is_holiday
from ..i18n import Message
from ..schedule import WeeklySchedule
from ..vocabulary import (
    Disclosure,
    HolidayCalendar,
    Initiator,
    Outcome,
    ParameterType,
    Purpose,
    RecordingSegment,
    SubjectKind,
    Unit,
)
from .base import Check, parameter_ref
from .verdict import STOCKHOLM, Context, Verdict, unknown

if TYPE_CHECKING:
    from ..subjects.call_record import CallRecord

_CALL = frozenset({SubjectKind.CALL})
_INT, _SCHEDULE = ParameterType.INTEGER, ParameterType.WEEKLY_SCHEDULE


@frozen
class NixCheck(Check):
    """A covered call to a private number needs a NIX check whose register version was
    updated no longer ago than ``validity`` (months) before the call."""

    kind: ClassVar[str] = "nix-check"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    validity: str = parameter_ref(_INT, Unit.MONTHS)
    covered_purposes: tuple[Purpose, ...] = ()


@frozen
class NixListed(Check):
    """A number in the register is not called for a covered purpose unless an exception
    applies: an existing customer relationship (same type of product, and for
    ``customer_tail`` months after it ends) or explicit consent (valid ``consent_validity``
    months; ``None`` means until withdrawn)."""

    kind: ClassVar[str] = "nix-listed"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    customer_tail: str = parameter_ref(_INT, Unit.MONTHS)
    consent_validity: str | None = parameter_ref(_INT, Unit.MONTHS, optional=True)
    consent_requires_active_selection: bool = False
    """Consent counts only for organisations named in it and actively ticked."""
    covered_purposes: tuple[Purpose, ...] = ()


@frozen
class BusinessSubscription(Check):
    """On a company subscription, covered calls concern the subscriber's business only and
    are made within ``office_hours``."""

    kind: ClassVar[str] = "business-subscription"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    office_hours: str = parameter_ref(_SCHEDULE)
    calendar: HolidayCalendar = HolidayCalendar.SE_PUBLIC_AND_EVES
    covered_purposes: tuple[Purpose, ...] = ()
    nixed_only: bool = False
    """Only for subscriptions listed in NIX (the 2017 rule for sole traders' subscriptions)."""


@frozen
class CallerId(Check):
    """The calling number is shown; no withheld or protected numbers."""

    kind: ClassVar[str] = "caller-id"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        shown = subject.caller_id_shown
        if shown is None:
            return unknown("caller_id_shown")
        if shown:
            return Verdict(
                Outcome.COMPLIANT,
                Message("the calling number was shown"),
                {"caller_id_shown": True},
            )
        return Verdict(
            Outcome.VIOLATION,
            Message("the calling number was withheld"),
            {"caller_id_shown": False},
        )


@frozen
class SilentCalls(Check):
    """Silent (abandoned) calls stay at or below ``max_share`` percent of connected calls."""

    kind: ClassVar[str] = "silent-calls"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    max_share: str = parameter_ref(ParameterType.NUMBER, Unit.PERCENT)


@frozen
class Recording(Check):
    """The named segments of the call are recorded."""

    kind: ClassVar[str] = "recording"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    segments: tuple[RecordingSegment, ...]
    when: Literal["offer-made", "contract-without-written-requirement"] = "offer-made"


@frozen
class OpeningDisclosure(Check):
    """The caller states ``items`` at the start of the call; ``opening`` (seconds) says how
    far the start reaches."""

    kind: ClassVar[str] = "opening-disclosure"
    subjects: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.CALL, SubjectKind.SCRIPT})
    items: tuple[Disclosure, ...]
    opening: str | None = parameter_ref(_INT, Unit.SECONDS, optional=True)
    initiators: tuple[Initiator, ...] = ()
    """Only calls started by these (empty: every call)."""


@frozen
class WrittenAcceptance(Check):
    """For calls started by one of ``initiators``, a contract needs a written offer and the
    consumer's written acceptance after the call has ended."""

    kind: ClassVar[str] = "written-acceptance"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    initiators: tuple[Initiator, ...]
    excluded_offer_categories: tuple[str, ...] = ()


@frozen
class ConfirmationDeadline(Check):
    """A contract made by phone is confirmed in writing within ``deadline`` working days."""

    kind: ClassVar[str] = "confirmation-deadline"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    deadline: str = parameter_ref(_INT, Unit.WORKING_DAYS)
    calendar: HolidayCalendar = HolidayCalendar.SE_PUBLIC_AND_EVES


@frozen
class DoNotCallRequest(Check):
    """A person who asked this organisation not to call is never called again for a
    covered purpose, whatever exception would otherwise apply."""

    kind: ClassVar[str] = "do-not-call-request"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    covered_purposes: tuple[Purpose, ...] = ()


@frozen
class CallingWindow(Check):
    """Calls start inside ``window`` (Europe/Stockholm time; holidays per ``calendar``)."""

    kind: ClassVar[str] = "calling-window"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    window: str = parameter_ref(_SCHEDULE)
    calendar: HolidayCalendar = HolidayCalendar.SE_PUBLIC_AND_EVES

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        return judge_window(subject.started_at, context.value(self.window), self.calendar)


def judge_window(started_at: Any, schedule: Any, calendar: HolidayCalendar) -> Verdict:
    """Whether a call starting at ``started_at`` falls inside ``schedule`` in Stockholm time."""
    assert isinstance(schedule, WeeklySchedule)
    local = started_at.astimezone(STOCKHOLM)
    holiday = is_holiday(local.date(), calendar)
    evidence = {"local_time": local.isoformat(), "holiday": holiday, "window": schedule.to_data()}
    if schedule.is_open(local, is_holiday=holiday):
        return Verdict(
            Outcome.COMPLIANT,
            Message(
                "the call started at {time} Stockholm time, inside the window",
                {"time": local.strftime("%Y-%m-%d %H:%M")},
            ),
            evidence,
        )
    return Verdict(
        Outcome.VIOLATION,
        Message(
            "the call started at {time} Stockholm time, outside the window",
            {"time": local.strftime("%Y-%m-%d %H:%M")},
        ),
        evidence,
    )


@frozen
class CallFrequency(Check):
    """At most ``max_calls`` calls to one number within ``period`` days."""

    kind: ClassVar[str] = "call-frequency"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    max_calls: str = parameter_ref(_INT, Unit.CALLS)
    period: str = parameter_ref(_INT, Unit.DAYS)


@frozen
class MobileRestriction(Check):
    """Sales calls to mobile numbers only to existing customers or with consent."""

    kind: ClassVar[str] = "mobile-restriction"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    covered_purposes: tuple[Purpose, ...] = ()


@frozen
class DefersTo(Check):
    """The rule is met when the rules of another ruleset (in the same stack) are met."""

    kind: ClassVar[str] = "defers-to"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    ruleset: str
