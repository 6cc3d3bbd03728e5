"""The pre-dial decision: may this number be called now, and if not, when?

It fails closed: a violation, an undetermined rule (missing evidence or policy value) or an
internal error all mean "do not dial", with the reason. Only rules that can be judged
before a call are asked; what happens during the call (disclosures, recording, acceptance)
is for the audit afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from attrs import frozen

from .calendar import is_holiday
from .checks import BusinessSubscription, CallingWindow
from .errors import InputError
from .evaluate import CallEvaluator
from .i18n import Message
from .model import Finding
from .phone import to_e164
from .schedule import WeeklySchedule
from .subjects.call_record import CallRecord
from .text import Text
from .timezone import STOCKHOLM, first_instant_at_or_after
from .vocabulary import Outcome

PRE_DIAL_KINDS = frozenset(
    {
        "nix-check",
        "nix-listed",
        "business-subscription",
        "calling-window",
        "do-not-call-request",
        "mobile-restriction",
        "caller-id",
        "call-frequency",
        "defers-to",
    }
)
_TIME_KINDS = frozenset({"calling-window", "business-subscription"})
_LOOK_AHEAD_DAYS = 14
_ALLOWED = Message("allowed")


@frozen
class Decision:
    allowed: bool
    reasons: tuple[Text | Message, ...]
    findings: tuple[Finding, ...]
    """The findings that decided: every violation and undetermined one (empty when allowed)."""
    earliest: dt.datetime | None = None
    """When time is the only obstacle: the first moment the call would be allowed."""


def decide(
    number: str,
    at: dt.datetime,
    *,
    purpose: str,
    evaluator: CallEvaluator | None = None,
    call_id: str = "pre-dial",
    calling_organisation: str = "",
    **evidence: Any,
) -> Decision:
    """Decide whether ``number`` may be called at ``at`` for ``purpose``.

    ``evidence`` takes call-record fields known before the call (``subscription``,
    ``target``, ``customer``, ``consent``, ``offer_category``, ``do_not_call_requests``,
    ``caller_id_shown``, ``nix`` ...). Without ``nix`` evidence the evaluator's register is used.
    """
    evaluator = evaluator or CallEvaluator()
    unknown = sorted(set(evidence) - _EVIDENCE_FIELDS)
    if unknown:
        return _refused(
            Message(
                "{names}: not a fact a call record holds (known: {known})",
                {"names": ", ".join(unknown), "known": ", ".join(sorted(_EVIDENCE_FIELDS))},
            )
        )
    try:
        record = CallRecord(
            call_id=call_id,
            started_at=at,
            ended_at=at,
            calling_organisation=calling_organisation,
            destination=to_e164(number),
            purpose=purpose,
            **evidence,
        )
    except InputError as exc:  # a fact that cannot be used: as a file reader would refuse it
        return _refused(exc.as_message())
    except Exception as exc:  # fail closed on anything unexpected
        return _failed(exc)
    return decide_record(record, evaluator)


def decide_record(record: CallRecord, evaluator: CallEvaluator | None = None) -> Decision:
    """:func:`decide` for a record built by the caller (its start is the moment asked about)."""
    evaluator = evaluator or CallEvaluator()
    try:
        why_not = evaluator.unjudgeable(record)
        if why_not is not None:
            return _refused(why_not)
        return _decide(record, evaluator, look_ahead=True)
    except InputError as exc:
        return _refused(exc.as_message())
    except Exception as exc:  # fail closed on anything unexpected
        return _failed(exc)


_EVIDENCE_FIELDS = frozenset(
    a.name
    for a in attrs.fields(CallRecord)
    if a.name
    not in ("call_id", "started_at", "ended_at", "calling_organisation", "destination", "purpose")
)


def _refused(reason: Message) -> Decision:
    """Not allowed, because the question cannot be answered as asked."""
    return Decision(
        allowed=False,
        reasons=(Message("do not dial: {reason}", {"reason": reason}).text(),),
        findings=(),
    )


def _failed(exc: Exception) -> Decision:
    return _refused(Message("the decision failed: {error}", {"error": str(exc)}))


def _decide(record: CallRecord, evaluator: CallEvaluator, *, look_ahead: bool) -> Decision:
    findings = evaluator.findings(record, PRE_DIAL_KINDS)
    blocking = tuple(f for f in findings if f.outcome in (Outcome.VIOLATION, Outcome.UNDETERMINED))
    if not blocking:
        return Decision(True, (_ALLOWED,), ())
    earliest = None
    if look_ahead and all(
        f.outcome is Outcome.VIOLATION and f.check_kind in _TIME_KINDS for f in blocking
    ):
        earliest = _earliest(record, evaluator, blocking)
    return Decision(False, _reasons(blocking), blocking, earliest)


def _reasons(blocking: tuple[Finding, ...]) -> tuple[Text | Message, ...]:
    """One reason per blocking rule, said once when several rules give the same reason (the
    findings keep every rule); a deferring rule adds nothing when the rule it defers to is
    itself among the blocking findings."""
    own = {f"{f.ruleset_id}/{f.rule_id}" for f in blocking}
    reasons: list[Text | Message] = []
    for f in blocking:
        if f.evidence.get("decided_by") not in own and f.message not in reasons:
            reasons.append(f.message)
    return tuple(reasons)


def _earliest(
    record: CallRecord, evaluator: CallEvaluator, blocking: tuple[Finding, ...]
) -> dt.datetime | None:
    schedules = []
    for prepared in evaluator.stack_for(record):
        for finding in blocking:
            if finding.ruleset_id != prepared.ruleset.id:
                continue
            check = prepared.ruleset.rule(finding.rule_id).check
            if isinstance(check, CallingWindow | BusinessSubscription):
                name = check.window if isinstance(check, CallingWindow) else check.office_hours
                value = prepared.context.value(name)
                assert isinstance(value, WeeklySchedule)
                schedules.append((value, check.calendar))
    local = record.started_at.astimezone(STOCKHOLM)
    candidates = set()
    for offset in range(_LOOK_AHEAD_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        for schedule, calendar in schedules:
            for r in schedule.ranges_on(day, is_holiday=is_holiday(day, calendar)):
                start = first_instant_at_or_after(day, r.start)
                if start > record.started_at:
                    candidates.add(start)
    for start in sorted(candidates):  # each the first instant a window range is open
        moved = attrs.evolve(record, started_at=start, ended_at=start)
        if _decide(moved, evaluator, look_ahead=False).allowed:
            return start
    return None
