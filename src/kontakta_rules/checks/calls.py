"""Check kinds judged on call records (and, where noted, on call scripts)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs
from attrs import frozen

from ..calendar import add_months, add_working_days, is_holiday
from ..history import CallHistory
from ..i18n import N_, Message
from ..phone import is_mobile
from ..schedule import WeeklySchedule
from ..timezone import STOCKHOLM, instant
from ..vocabulary import (
    Disclosure,
    HolidayCalendar,
    Initiator,
    Outcome,
    ParameterType,
    Purpose,
    RecordingSegment,
    SubjectKind,
    SubscriptionType,
    Target,
    Unit,
)
from .base import Check, parameter_ref
from .columns import Branch
from .verdict import Context, MissingParameter, Verdict, fixed, unknown


def _unknown_branch(c: Any, field_name: str) -> tuple[Outcome, str, dict[str, Any]]:
    """The columnar form of :func:`unknown`: undetermined, naming the missing field."""
    return Outcome.UNDETERMINED, "the record does not say {field}", {"field": c.lit(field_name)}


if TYPE_CHECKING:
    from ..subjects.call_record import CallRecord, NixEvidence

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
    mobiles_registrable_from: dt.date | None = None
    """The first day mobile numbers could be put in the register: before it there was nothing
    to check a mobile number against, so the check does not apply to one."""

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        skip = _nix_not_covered(subject, self.covered_purposes)
        if skip is not None:
            return skip
        if (
            self.mobiles_registrable_from is not None
            and _local_day(subject) < self.mobiles_registrable_from
            and is_mobile(subject.destination)
        ):
            return Verdict(
                Outcome.NOT_APPLICABLE,
                Message(
                    "mobile numbers could be registered in NIX only from {date}",
                    {"date": self.mobiles_registrable_from},
                ),
            )
        evidence = nix_evidence(subject, context)
        if evidence is None:
            return unknown("nix")
        if not evidence.checked:
            if subject.customer is not None or subject.consent is not None:
                return Verdict(
                    Outcome.NOT_APPLICABLE,
                    Message(
                        "no NIX check: the call relies on an exception, judged by the rule on registered numbers"
                    ),
                )
            return Verdict(
                Outcome.VIOLATION,
                Message("the number was not checked against NIX"),
                {"nix_checked": False},
            )
        if evidence.register_updated is None:
            return unknown("nix.register_updated")
        day = _local_day(subject)
        if evidence.register_updated > day:
            return Verdict(
                Outcome.UNDETERMINED,
                Message(
                    "the register version of {updated} is dated after the call",
                    {"updated": evidence.register_updated},
                ),
                {"register_updated": evidence.register_updated.isoformat()},
            )
        months = context.value(self.validity)
        assert isinstance(months, int)
        return _nix_check_validity(evidence.register_updated, months, day)

    def columnar(self, c: Any) -> list[Branch]:
        branches = _nix_not_covered_branches(c, self.covered_purposes)
        if self.mobiles_registrable_from is not None:
            branches.append(
                Branch(
                    (c.field("local_day") < c.lit(self.mobiles_registrable_from)) & c.is_mobile(),
                    Outcome.NOT_APPLICABLE,
                    "mobile numbers could be registered in NIX only from {date}",
                    {"date": c.lit(self.mobiles_registrable_from)},
                )
            )
        updated, day = c.field("nix_e_updated"), c.field("local_day")
        branches += [
            Branch(_not(c.field("nix_known")), *_unknown_branch(c, "nix")),
            Branch(
                _not(c.field("nix_e_checked"))
                & (c.field("customer_known") | c.field("consent_known")),
                Outcome.NOT_APPLICABLE,
                "no NIX check: the call relies on an exception, judged by the rule on registered numbers",
            ),
            Branch(
                _not(c.field("nix_e_checked")),
                Outcome.VIOLATION,
                "the number was not checked against NIX",
            ),
            Branch(c.unknown("nix_e_updated"), *_unknown_branch(c, "nix.register_updated")),
            Branch(
                updated > day,
                Outcome.UNDETERMINED,
                "the register version of {updated} is dated after the call",
                {"updated": updated},
            ),
        ]
        try:
            months = c.value(self.validity)
        except MissingParameter as missing:
            return [*branches, c.missing(missing.name)]
        assert isinstance(months, int)
        until = c.add_months(updated, months)
        args = {"updated": updated, "until": until}
        return [
            *branches,
            Branch(
                day <= until,
                Outcome.COMPLIANT,
                "checked against the register version of {updated}, valid until {until}",
                args,
            ),
            Branch(
                None,
                Outcome.VIOLATION,
                "the NIX check (register version of {updated}) was valid only until {until}",
                args,
            ),
        ]


# The verdicts below depend on a few values that repeat from call to call (a register
# version and a day, a count): each is made once and shared, its evidence read-only.


@functools.lru_cache(maxsize=4096)
def _nix_check_validity(updated: dt.date, months: int, day: dt.date) -> Verdict:
    """Whether a NIX check against the register version of ``updated`` still held on ``day``."""
    # a period of months ends on the same-numbered day (lag 1930:173), that day included
    valid_until = add_months(updated, months)
    facts = {
        "register_updated": updated.isoformat(),
        "valid_until": valid_until.isoformat(),
        "call_day": day.isoformat(),
    }
    return _judged(
        day <= valid_until,
        N_("checked against the register version of {updated}, valid until {until}"),
        N_("the NIX check (register version of {updated}) was valid only until {until}"),
        {"updated": updated, "until": valid_until},
        MappingProxyType(facts),
    )


@functools.lru_cache(maxsize=4096)
def _call_frequency(count: int, max_calls: int, days: int) -> Verdict:
    """Call number ``count`` within ``days`` days, against a cap of ``max_calls``."""
    facts = {"calls_in_period": count, "max_calls": max_calls, "period_days": days}
    return _judged(
        count <= max_calls,
        N_("call {count} of at most {max} in {days} days"),
        N_("call {count} in {days} days; the cap is {max}"),
        {"count": count, "max": max_calls, "days": days},
        MappingProxyType(facts),
    )


@functools.cache
def _caller_id(shown: bool) -> Verdict:
    return _judged(
        shown,
        N_("the calling number was shown"),
        N_("the calling number was withheld"),
        {},
        MappingProxyType({"caller_id_shown": shown}),
    )


_NOT_IN_NIX = Verdict(
    Outcome.COMPLIANT, Message("the number is not in NIX"), MappingProxyType({"listed": False})
)


def _judged(
    ok: bool, compliant: str, violation: str, args: dict[str, Any], evidence: Mapping[str, Any]
) -> Verdict:
    """Compliant or a violation by ``ok``; both messages take the same ``args``."""
    if ok:
        return Verdict(Outcome.COMPLIANT, Message(compliant, args), evidence)
    return Verdict(Outcome.VIOLATION, Message(violation, args), evidence)


def _purpose_not_covered(subject: CallRecord, covered: tuple[Purpose, ...]) -> Verdict | None:
    if covered and subject.purpose not in covered:
        return Verdict(
            Outcome.NOT_APPLICABLE,
            Message(
                "the rule does not cover calls for {purpose}", {"purpose": subject.purpose.value}
            ),
        )
    return None


def _purpose_branches(c: Any, covered: tuple[Purpose, ...]) -> list[Branch]:
    """The columnar form of :func:`_purpose_not_covered`."""
    if not covered:
        return []
    return [
        Branch(
            _not(c.one_of("purpose", covered)),
            Outcome.NOT_APPLICABLE,
            "the rule does not cover calls for {purpose}",
            {"purpose": c.field("purpose")},
        )
    ]


def _not(expression: Any) -> Any:
    """``NOT expression`` for a columnar condition (sqlglot's operator, imported lazily)."""
    return ~expression


def _nix_not_covered_branches(c: Any, covered: tuple[Purpose, ...]) -> list[Branch]:
    """The columnar form of :func:`_nix_not_covered`."""
    out = []
    if covered:
        out.append(
            Branch(
                _not(c.one_of("purpose", covered)),
                Outcome.NOT_APPLICABLE,
                "NIX does not cover calls for {purpose}",
                {"purpose": c.field("purpose")},
            )
        )
    return [
        *out,
        Branch(
            c.one_of("subscription", (SubscriptionType.COMPANY,)),
            Outcome.NOT_APPLICABLE,
            "company subscriptions cannot be registered in NIX",
        ),
        Branch(
            c.one_of("initiated_by", (Initiator.CONSUMER,)),
            Outcome.NOT_APPLICABLE,
            "the person called the organisation",
        ),
    ]


def nix_evidence(subject: CallRecord, context: Context) -> NixEvidence | None:
    """The record's own NIX evidence; else what the register snapshot in the context says."""
    if subject.nix is not None or context.nix is None:
        return subject.nix
    if context.nix.updated > _local_day(subject):
        return None  # a register version published after the call says nothing about it
    return _register_evidence(context.nix.updated, subject.destination in context.nix)


@functools.lru_cache(maxsize=64)
def _register_evidence(updated: dt.date, listed: bool) -> NixEvidence:
    """What a register snapshot says of a number: one of two answers per snapshot, made once."""
    from ..subjects.call_record import NixEvidence

    return NixEvidence(checked=True, register_updated=updated, listed=listed)


def _local_day(subject: CallRecord) -> Any:
    return subject.started_at.astimezone(STOCKHOLM).date()


def _nix_not_covered(subject: CallRecord, covered: tuple[Purpose, ...]) -> Verdict | None:
    if covered and subject.purpose not in covered:
        return Verdict(
            Outcome.NOT_APPLICABLE,
            Message("NIX does not cover calls for {purpose}", {"purpose": subject.purpose.value}),
        )
    if subject.subscription is SubscriptionType.COMPANY:
        return fixed(
            Outcome.NOT_APPLICABLE, N_("company subscriptions cannot be registered in NIX")
        )
    if subject.initiated_by is Initiator.CONSUMER:
        return fixed(Outcome.NOT_APPLICABLE, N_("the person called the organisation"))
    return None


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

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        skip = _nix_not_covered(subject, self.covered_purposes)
        if skip is not None:
            return skip
        evidence = nix_evidence(subject, context)
        listed = None if evidence is None else evidence.listed
        if listed is None and subject.nix is not None:
            # the record was checked but does not say the result: ask the register
            register = nix_evidence(attrs.evolve(subject, nix=None), context)
            listed = None if register is None else register.listed
        if listed is None:
            return unknown("nix.listed")
        if not listed:
            return _NOT_IN_NIX
        day = _local_day(subject)
        reasons: list[Message] = []
        missing: str | None = None
        customer = subject.customer
        if customer is not None:
            tail = context.value(self.customer_tail)
            assert isinstance(tail, int)
            if customer.started > day:
                reasons.append(
                    Message(
                        "the customer relationship started on {started}, after the call",
                        {"started": customer.started},
                    )
                )
            elif subject.offer_category is None:
                missing = "offer_category"
            elif customer.product_category != subject.offer_category:
                reasons.append(
                    Message(
                        "the offer ({offer}) is not the customer's type of product ({product})",
                        {"offer": subject.offer_category, "product": customer.product_category},
                    )
                )
            elif customer.ended is not None and day > add_months(customer.ended, tail):
                reasons.append(
                    Message(
                        "the customer relationship ended on {ended}, more than {months} months before the call",
                        {"ended": customer.ended, "months": tail},
                    )
                )
            else:
                return Verdict(
                    Outcome.COMPLIANT,
                    Message(
                        "listed in NIX, but an existing customer called about the same type of product"
                    ),
                    {"listed": True, "customer": customer.product_category},
                )
        consent = subject.consent
        if consent is not None:
            named = subject.calling_organisation in consent.organisations or (
                subject.principal is not None and subject.principal in consent.organisations
            )
            expired = False
            if self.consent_validity is not None:
                months = context.value(self.consent_validity)
                assert isinstance(months, int)
                expired = day > add_months(consent.given_at.astimezone(STOCKHOLM).date(), months)
            if instant(consent.given_at) > instant(subject.started_at):
                reasons.append(
                    Message(
                        "the consent was given on {given}, after the call",
                        {"given": consent.given_at.astimezone(STOCKHOLM).date()},
                    )
                )
            elif self.consent_requires_active_selection and not named:
                reasons.append(
                    Message(
                        "the consent does not name {org} as actively ticked",
                        {"org": subject.calling_organisation},
                    )
                )
            elif expired:
                reasons.append(
                    Message(
                        "the consent given on {given} has lapsed",
                        {"given": consent.given_at.astimezone(STOCKHOLM).date()},
                    )
                )
            else:
                return Verdict(
                    Outcome.COMPLIANT,
                    Message(
                        "listed in NIX, but the person consented to calls from {org}",
                        {"org": subject.calling_organisation},
                    ),
                    {"listed": True, "consent": True},
                )
        if missing is not None:
            return unknown(missing)
        if not reasons:
            reasons.append(Message("no exception applies"))
        return Verdict(
            Outcome.VIOLATION,
            Message(
                "the number is in NIX: {reasons}",
                {
                    "reasons": reasons[0]
                    if len(reasons) == 1
                    else Message("{a}; {b}", {"a": reasons[0], "b": reasons[1]})
                },
            ),
            {"listed": True},
        )

    def columnar(self, c: Any) -> list[Branch]:
        day = c.field("local_day")
        listed = c.coalesce(c.field("nix_e_listed"), c.field("register_listed"))
        customer, consent = c.field("customer_known"), c.field("consent_known")
        branches = [
            *_nix_not_covered_branches(c, self.covered_purposes),
            Branch(listed.is_(None), *_unknown_branch(c, "nix.listed")),
            Branch(_not(listed), Outcome.COMPLIANT, "the number is not in NIX"),
        ]
        started, ended = c.field("customer_started"), c.field("customer_ended")
        product, offer = c.field("customer_product_category"), c.field("offer_category")
        try:
            tail: int | None = c.value(self.customer_tail)
        except MissingParameter as missing:
            tail = None
            branches.append(Branch(customer, *c.missing(missing.name).outcome_and_message()))
        customer_reason = None
        if tail is not None:
            lapsed = ended.is_(None).not_() & (day > c.add_months(ended, tail))
            customer_ok = (
                customer
                & (started <= day)
                & offer.is_(None).not_()
                & product.eq(offer)
                & _not(lapsed)
            )
            branches.append(
                Branch(
                    customer_ok,
                    Outcome.COMPLIANT,
                    "listed in NIX, but an existing customer called about the same type of product",
                )
            )
            customer_reason = c.first_of(
                [
                    (
                        customer & (started > day),
                        c.message(
                            "the customer relationship started on {started}, after the call",
                            {"started": started},
                        ),
                    ),
                    (
                        customer & offer.is_(None).not_() & product.neq(offer),
                        c.message(
                            "the offer ({offer}) is not the customer's type of product ({product})",
                            {"offer": offer, "product": product},
                        ),
                    ),
                    (
                        customer & offer.is_(None).not_() & lapsed,
                        c.message(
                            "the customer relationship ended on {ended}, more than {months} months before the call",
                            {"ended": ended, "months": c.lit(tail)},
                        ),
                    ),
                ]
            )
        org, given_at = c.field("calling_organisation"), c.field("consent_given_at")
        named = c.list_has("consent_organisations", org) | (
            c.known("principal") & c.list_has("consent_organisations", c.field("principal"))
        )
        given_day = c.stockholm_day("consent_given_at")
        expired = c.lit(False)
        consent_reason = None
        usable = True
        if self.consent_validity is not None:
            try:
                months = c.value(self.consent_validity)
                assert isinstance(months, int)
                expired = day > c.add_months(given_day, months)
            except MissingParameter as missing:
                usable = False
                branches.append(Branch(consent, *c.missing(missing.name).outcome_and_message()))
        if usable:
            late = given_at > c.field("started_at")
            unnamed = c.lit(self.consent_requires_active_selection) & _not(named)
            branches.append(
                Branch(
                    consent & _not(late) & _not(unnamed) & _not(expired),
                    Outcome.COMPLIANT,
                    "listed in NIX, but the person consented to calls from {org}",
                    {"org": org},
                )
            )
            consent_reason = c.first_of(
                [
                    (
                        consent & late,
                        c.message(
                            "the consent was given on {given}, after the call", {"given": given_day}
                        ),
                    ),
                    (
                        consent & unnamed,
                        c.message(
                            "the consent does not name {org} as actively ticked", {"org": org}
                        ),
                    ),
                    (
                        consent & expired,
                        c.message("the consent given on {given} has lapsed", {"given": given_day}),
                    ),
                ]
            )
        if tail is not None:
            branches.append(
                Branch(
                    customer & (started <= day) & offer.is_(None),
                    *_unknown_branch(c, "offer_category"),
                )
            )
        reasons = [r for r in (customer_reason, consent_reason) if r is not None]
        none_apply = c.message("no exception applies")
        if len(reasons) == 2:
            a, b = reasons
            reason = c.first_of(
                [
                    (
                        a.is_(None).not_() & b.is_(None).not_(),
                        c.message("{a}; {b}", {"a": a, "b": b}),
                    ),
                    (a.is_(None).not_(), a),
                    (b.is_(None).not_(), b),
                ]
            ).else_(none_apply)
        elif reasons:
            reason = c.coalesce(reasons[0], none_apply)
        else:
            reason = none_apply
        return [
            *branches,
            Branch(None, Outcome.VIOLATION, "the number is in NIX: {reasons}", {"reasons": reason}),
        ]


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

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        skip = _purpose_not_covered(subject, self.covered_purposes)
        if skip is not None:
            return skip
        if subject.initiated_by is Initiator.CONSUMER:
            return fixed(Outcome.NOT_APPLICABLE, N_("the person called the organisation"))
        if self.nixed_only:
            if subject.target is None:
                return unknown("target")
            if subject.target not in (Target.INACTIVE_SOLE_TRADER, Target.ACTIVE_SOLE_TRADER):
                return fixed(Outcome.NOT_APPLICABLE, N_("the person called is not a sole trader"))
            evidence = nix_evidence(subject, context)
            listed = None if evidence is None else evidence.listed
            if listed is None:
                return unknown("nix.listed")
            if not listed:
                return fixed(Outcome.NOT_APPLICABLE, N_("the number is not in NIX"))
        else:
            if subject.subscription is None:
                return unknown("subscription")
            if subject.subscription is not SubscriptionType.COMPANY:
                return fixed(Outcome.NOT_APPLICABLE, N_("not a company subscription"))
            if subject.target is Target.CONSUMER:
                return Verdict(
                    Outcome.VIOLATION,
                    Message(
                        "a call on a company subscription addressed the user as a private person"
                    ),
                )
        return judge_window(subject.started_at, context.value(self.office_hours), self.calendar)

    def columnar(self, c: Any) -> list[Branch]:
        branches = [
            *_purpose_branches(c, self.covered_purposes),
            Branch(
                c.one_of("initiated_by", (Initiator.CONSUMER,)),
                Outcome.NOT_APPLICABLE,
                "the person called the organisation",
            ),
        ]
        if self.nixed_only:
            listed = c.field("nix_e_listed")
            branches += [
                Branch(c.unknown("target"), *_unknown_branch(c, "target")),
                Branch(
                    _not(
                        c.one_of("target", (Target.INACTIVE_SOLE_TRADER, Target.ACTIVE_SOLE_TRADER))
                    ),
                    Outcome.NOT_APPLICABLE,
                    "the person called is not a sole trader",
                ),
                Branch(
                    _not(c.field("nix_known")) | listed.is_(None), *_unknown_branch(c, "nix.listed")
                ),
                Branch(_not(listed), Outcome.NOT_APPLICABLE, "the number is not in NIX"),
            ]
        else:
            branches += [
                Branch(c.unknown("subscription"), *_unknown_branch(c, "subscription")),
                Branch(
                    _not(c.one_of("subscription", (SubscriptionType.COMPANY,))),
                    Outcome.NOT_APPLICABLE,
                    "not a company subscription",
                ),
                Branch(
                    c.one_of("target", (Target.CONSUMER,)),
                    Outcome.VIOLATION,
                    "a call on a company subscription addressed the user as a private person",
                ),
            ]
        try:
            schedule = c.value(self.office_hours)
        except MissingParameter as missing:
            return [*branches, c.missing(missing.name)]
        return [*branches, *window_branches(c, schedule, self.calendar)]


@frozen
class CallerId(Check):
    """The calling number is shown; no withheld or protected numbers."""

    kind: ClassVar[str] = "caller-id"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        shown = subject.caller_id_shown
        if shown is None:
            return unknown("caller_id_shown")
        return _caller_id(shown)

    def columnar(self, c: Any) -> list[Branch]:
        shown = c.field("caller_id_shown")
        return [
            Branch(c.unknown("caller_id_shown"), *_unknown_branch(c, "caller_id_shown")),
            Branch(shown, Outcome.COMPLIANT, "the calling number was shown"),
            Branch(None, Outcome.VIOLATION, "the calling number was withheld"),
        ]


@frozen
class SilentCalls(Check):
    """Silent (abandoned) calls stay at or below ``max_share`` percent of connected calls."""

    kind: ClassVar[str] = "silent-calls"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    max_share: str = parameter_ref(ParameterType.NUMBER, Unit.PERCENT)

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        if subject.silent is None:
            return unknown("silent")
        if not subject.silent:
            return fixed(Outcome.COMPLIANT, N_("the call was not silent"))
        if context.silent_share is None:
            return fixed(
                Outcome.UNDETERMINED,
                N_("a silent call; the share of silent calls needs a batch of calls"),
            )
        limit = context.value(self.max_share)
        assert isinstance(limit, int | float)
        share = context.silent_share.get(subject.calling_organisation, 0.0)
        facts = {"silent_share_percent": round(share, 2), "max_share_percent": limit}
        return _judged(
            share <= limit,
            N_("a silent call; the batch's share of silent calls was {share} %, within {limit} %"),
            N_("a silent call; the batch's share of silent calls was {share} %, above {limit} %"),
            {"share": facts["silent_share_percent"], "limit": limit},
            facts,
        )

    def columnar(self, c: Any) -> list[Branch]:
        # an engine judges a batch, so the share is always known (the batch's own)
        head = [
            Branch(c.unknown("silent"), *_unknown_branch(c, "silent")),
            Branch(_not(c.field("silent")), Outcome.COMPLIANT, "the call was not silent"),
        ]
        try:
            limit = c.value(self.max_share)
        except MissingParameter as missing:
            return [*head, c.missing(missing.name)]
        share = c.field("silent_share")
        args = {"share": c.round_even(share, 2), "limit": c.lit(limit)}
        return [
            *head,
            Branch(
                share <= c.lit(limit),
                Outcome.COMPLIANT,
                "a silent call; the batch's share of silent calls was {share} %, within {limit} %",
                args,
            ),
            Branch(
                None,
                Outcome.VIOLATION,
                "a silent call; the batch's share of silent calls was {share} %, above {limit} %",
                args,
            ),
        ]


@frozen
class Recording(Check):
    """The named segments of the call are recorded."""

    kind: ClassVar[str] = "recording"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    segments: tuple[RecordingSegment, ...]
    when: Literal["offer-made", "contract-without-written-requirement"] = "offer-made"
    written_requirement_exempt_categories: tuple[str, ...] = ()
    """Offer categories the written-acceptance requirement never covers (lotteries, gaming):
    a contract for one of them is made without it, whoever called."""

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        if self.when == "offer-made" and subject.offer_category is None:
            return fixed(Outcome.NOT_APPLICABLE, N_("no offer was made on the call"))
        if self.when == "contract-without-written-requirement":
            if subject.accepted_at is None:
                return fixed(Outcome.NOT_APPLICABLE, N_("no contract was made"))
            exempt = subject.offer_category in self.written_requirement_exempt_categories
            if not exempt and subject.initiated_by is None:
                return unknown("initiated_by")
            if not exempt and subject.initiated_by is not Initiator.CONSUMER:
                return fixed(
                    Outcome.NOT_APPLICABLE, N_("the written-acceptance requirement applies instead")
                )
        if subject.recorded_segments is None:
            return unknown("recorded_segments")
        missing = [seg.value for seg in self.segments if seg not in subject.recorded_segments]
        if missing:
            return Verdict(
                Outcome.VIOLATION,
                Message("not recorded: {segments}", {"segments": tuple(missing)}),
                {"missing": missing},
            )
        return fixed(Outcome.COMPLIANT, N_("the required parts of the call were recorded"))

    def columnar(self, c: Any) -> list[Branch]:
        branches: list[Branch] = []
        if self.when == "offer-made":
            branches.append(
                Branch(
                    c.unknown("offer_category"),
                    Outcome.NOT_APPLICABLE,
                    "no offer was made on the call",
                )
            )
        else:
            exempt = c.one_of("offer_category", self.written_requirement_exempt_categories)
            if not self.written_requirement_exempt_categories:
                exempt = c.lit(False)
            exempt = exempt & c.known("offer_category")
            branches += [
                Branch(c.unknown("accepted_at"), Outcome.NOT_APPLICABLE, "no contract was made"),
                Branch(
                    _not(exempt) & c.unknown("initiated_by"), *_unknown_branch(c, "initiated_by")
                ),
                Branch(
                    _not(exempt) & _not(c.one_of("initiated_by", (Initiator.CONSUMER,))),
                    Outcome.NOT_APPLICABLE,
                    "the written-acceptance requirement applies instead",
                ),
            ]
        missing = c.missing_from(self.segments, c.field("recorded_segments"))
        return [
            *branches,
            Branch(c.unknown("recorded_segments"), *_unknown_branch(c, "recorded_segments")),
            Branch(
                c.not_empty(missing),
                Outcome.VIOLATION,
                "not recorded: {segments}",
                {"segments": missing},
            ),
            Branch(None, Outcome.COMPLIANT, "the required parts of the call were recorded"),
        ]


@frozen
class OpeningDisclosure(Check):
    """The caller states ``items`` at the start of the call; ``opening`` (seconds) says how
    far the start reaches."""

    kind: ClassVar[str] = "opening-disclosure"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    items: tuple[Disclosure, ...]
    opening: str | None = parameter_ref(_INT, Unit.SECONDS, optional=True)
    initiators: tuple[Initiator, ...] = ()
    """Only calls started by these (empty: every call)."""

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        if self.initiators:
            if subject.initiated_by is None:
                return unknown("initiated_by")
            if subject.initiated_by not in self.initiators:
                return fixed(Outcome.NOT_APPLICABLE, N_("the call was not started by the trader"))
        if subject.disclosures is None:
            return unknown("disclosures")
        said: dict[Disclosure, float] = {}
        for d in subject.disclosures:  # the first time an item was said counts
            said[d.item] = min(d.at_seconds, said.get(d.item, d.at_seconds))
        missing = [item.value for item in self.items if item not in said]
        if missing:
            return Verdict(
                Outcome.VIOLATION,
                Message("not said: {items}", {"items": tuple(missing)}),
                {"missing": missing},
            )
        if self.opening is not None:
            limit = context.value(self.opening)
            assert isinstance(limit, int)
            late = [item.value for item in self.items if said[item] > limit]
            if late:
                return Verdict(
                    Outcome.VIOLATION,
                    Message(
                        "said only after the first {seconds} seconds: {items}",
                        {"seconds": limit, "items": tuple(late)},
                    ),
                    {"late": late},
                )
        return fixed(Outcome.COMPLIANT, N_("said at the start of the call"))

    def columnar(self, c: Any) -> list[Branch]:
        branches: list[Branch] = []
        if self.initiators:
            branches += [
                Branch(c.unknown("initiated_by"), *_unknown_branch(c, "initiated_by")),
                Branch(
                    _not(c.one_of("initiated_by", self.initiators)),
                    Outcome.NOT_APPLICABLE,
                    "the call was not started by the trader",
                ),
            ]
        missing = c.missing_from(self.items, c.said_items())
        branches += [
            Branch(c.unknown("disclosures"), *_unknown_branch(c, "disclosures")),
            Branch(
                c.not_empty(missing), Outcome.VIOLATION, "not said: {items}", {"items": missing}
            ),
        ]
        if self.opening is not None:
            try:
                limit = c.value(self.opening)
            except MissingParameter as absent:
                return [*branches, c.missing(absent.name)]
            late = c.values_where(
                [(item, c.first_said(item) > c.lit(limit)) for item in self.items]
            )
            branches.append(
                Branch(
                    c.not_empty(late),
                    Outcome.VIOLATION,
                    "said only after the first {seconds} seconds: {items}",
                    {"seconds": c.lit(limit), "items": late},
                )
            )
        return [*branches, Branch(None, Outcome.COMPLIANT, "said at the start of the call")]


@frozen
class WrittenAcceptance(Check):
    """For calls started by one of ``initiators``, a contract needs a written offer and the
    consumer's written acceptance after the call has ended."""

    kind: ClassVar[str] = "written-acceptance"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    initiators: tuple[Initiator, ...]
    excluded_offer_categories: tuple[str, ...] = ()

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        if subject.accepted_at is None:
            return fixed(Outcome.NOT_APPLICABLE, N_("no contract was made"))
        if subject.initiated_by is None:
            return unknown("initiated_by")
        if subject.initiated_by not in self.initiators:
            return fixed(Outcome.NOT_APPLICABLE, N_("the call was not started by the trader"))
        if subject.offer_category in self.excluded_offer_categories:
            return Verdict(
                Outcome.NOT_APPLICABLE,
                Message(
                    "{category} is outside the requirement", {"category": subject.offer_category}
                ),
            )
        if subject.acceptance_form is None:
            return unknown("acceptance_form")
        if subject.acceptance_form not in ("written", "sms-reply"):
            return Verdict(
                Outcome.VIOLATION,
                Message(
                    "the acceptance was not in writing (form: {form})",
                    {"form": subject.acceptance_form},
                ),
            )
        if instant(subject.accepted_at) <= instant(subject.ended_at):
            return fixed(Outcome.VIOLATION, N_("the consumer accepted before the call had ended"))
        if subject.offer_sent_at is None:
            return unknown("offer_sent_at")
        if subject.accepted_at < subject.offer_sent_at:
            return fixed(
                Outcome.VIOLATION, N_("the consumer accepted before the written offer was sent")
            )
        return fixed(Outcome.COMPLIANT, N_("written offer, accepted in writing after the call"))

    def columnar(self, c: Any) -> list[Branch]:
        excluded = (
            c.one_of("offer_category", self.excluded_offer_categories)
            if self.excluded_offer_categories
            else c.lit(False)
        )
        accepted, ended, offered = (
            c.field("accepted_at"),
            c.field("ended_at"),
            c.field("offer_sent_at"),
        )
        return [
            Branch(c.unknown("accepted_at"), Outcome.NOT_APPLICABLE, "no contract was made"),
            Branch(c.unknown("initiated_by"), *_unknown_branch(c, "initiated_by")),
            Branch(
                _not(c.one_of("initiated_by", self.initiators)),
                Outcome.NOT_APPLICABLE,
                "the call was not started by the trader",
            ),
            Branch(
                excluded,
                Outcome.NOT_APPLICABLE,
                "{category} is outside the requirement",
                {"category": c.field("offer_category")},
            ),
            Branch(c.unknown("acceptance_form"), *_unknown_branch(c, "acceptance_form")),
            Branch(
                _not(c.one_of("acceptance_form", ("written", "sms-reply"))),
                Outcome.VIOLATION,
                "the acceptance was not in writing (form: {form})",
                {"form": c.field("acceptance_form")},
            ),
            Branch(
                accepted <= ended,
                Outcome.VIOLATION,
                "the consumer accepted before the call had ended",
            ),
            Branch(c.unknown("offer_sent_at"), *_unknown_branch(c, "offer_sent_at")),
            Branch(
                accepted < offered,
                Outcome.VIOLATION,
                "the consumer accepted before the written offer was sent",
            ),
            Branch(None, Outcome.COMPLIANT, "written offer, accepted in writing after the call"),
        ]


@frozen
class ConfirmationDeadline(Check):
    """A contract made by phone is confirmed in writing within ``deadline`` working days.

    ``counts = "received"``: the consumer must have *received* the confirmation by then
    (``confirmation_received_at``); a confirmation sent in time whose receipt is not recorded
    is undetermined, one sent after the last day is late whenever it arrived."""

    kind: ClassVar[str] = "confirmation-deadline"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    deadline: str = parameter_ref(_INT, Unit.WORKING_DAYS)
    calendar: HolidayCalendar = HolidayCalendar.SE_PUBLIC_AND_EVES
    counts: Literal["sent", "received"] = "sent"

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        if subject.accepted_at is None:
            return fixed(Outcome.NOT_APPLICABLE, N_("no contract was made"))
        received = subject.confirmation_received_at if self.counts == "received" else None
        if received is None and subject.confirmation_sent_at is None:
            return unknown(
                "confirmation_received_at" if self.counts == "received" else "confirmation_sent_at"
            )
        days = context.value(self.deadline)
        assert isinstance(days, int)
        agreed = subject.accepted_at.astimezone(STOCKHOLM).date()
        last = add_working_days(agreed, days, self.calendar)
        facts = {"agreed": agreed.isoformat(), "last_day": last.isoformat()}
        if received is not None:
            got = received.astimezone(STOCKHOLM).date()
            return _judged(
                got <= last,
                N_("the confirmation was received on {got}, by {last}"),
                N_("the confirmation was received on {got}, after the last day {last}"),
                {"got": got, "last": last},
                {**facts, "received": got.isoformat()},
            )
        assert subject.confirmation_sent_at is not None
        sent = subject.confirmation_sent_at.astimezone(STOCKHOLM).date()
        facts["sent"] = sent.isoformat()
        if self.counts == "received" and sent <= last:
            return Verdict(
                Outcome.UNDETERMINED,
                Message(
                    "sent on {sent}; the rule counts when the consumer received it, by {last}, "
                    "and the record does not say (confirmation_received_at)",
                    {"sent": sent, "last": last},
                ),
                facts,
            )
        return _judged(
            sent <= last,
            N_("confirmed on {sent}, by {last}"),
            N_("confirmed on {sent}, after the last day {last}"),
            {"sent": sent, "last": last},
            facts,
        )

    def columnar(self, c: Any) -> list[Branch]:
        counts_receipt = self.counts == "received"
        none_known = c.unknown("confirmation_sent_at")
        if counts_receipt:
            none_known = none_known & c.unknown("confirmation_received_at")
        head = [
            Branch(c.unknown("accepted_at"), Outcome.NOT_APPLICABLE, "no contract was made"),
            Branch(
                none_known,
                *_unknown_branch(
                    c, "confirmation_received_at" if counts_receipt else "confirmation_sent_at"
                ),
            ),
        ]
        try:
            days = c.value(self.deadline)
        except MissingParameter as missing:
            return [*head, c.missing(missing.name)]
        assert isinstance(days, int)
        last = c.add_working_days(c.stockholm_day("accepted_at"), days, self.calendar)
        sent = c.stockholm_day("confirmation_sent_at")
        branches = list(head)
        if counts_receipt:
            got = c.stockholm_day("confirmation_received_at")
            received = {"got": got, "last": last}
            branches += [
                Branch(
                    c.known("confirmation_received_at") & (got <= last),
                    Outcome.COMPLIANT,
                    "the confirmation was received on {got}, by {last}",
                    received,
                ),
                Branch(
                    c.known("confirmation_received_at"),
                    Outcome.VIOLATION,
                    "the confirmation was received on {got}, after the last day {last}",
                    received,
                ),
                Branch(
                    sent <= last,
                    Outcome.UNDETERMINED,
                    "sent on {sent}; the rule counts when the consumer received it, by {last}, "
                    "and the record does not say (confirmation_received_at)",
                    {"sent": sent, "last": last},
                ),
            ]
        confirmed = {"sent": sent, "last": last}
        return [
            *branches,
            Branch(sent <= last, Outcome.COMPLIANT, "confirmed on {sent}, by {last}", confirmed),
            Branch(
                None, Outcome.VIOLATION, "confirmed on {sent}, after the last day {last}", confirmed
            ),
        ]


@frozen
class DoNotCallRequest(Check):
    """A person who asked this organisation not to call is never called again for a
    covered purpose, whatever exception would otherwise apply."""

    kind: ClassVar[str] = "do-not-call-request"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    covered_purposes: tuple[Purpose, ...] = ()

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        skip = _purpose_not_covered(subject, self.covered_purposes)
        if skip is not None:
            return skip
        if subject.do_not_call_requests is None:
            return unknown("do_not_call_requests")
        start = instant(subject.started_at)
        earlier = [t for t in subject.do_not_call_requests if instant(t) < start]
        if earlier:
            first = min(earlier, key=instant).astimezone(STOCKHOLM).date()
            return Verdict(
                Outcome.VIOLATION,
                Message("the person asked on {date} not to be called again", {"date": first}),
                {"requested": first.isoformat()},
            )
        return fixed(Outcome.COMPLIANT, N_("no earlier request not to be called"))

    def columnar(self, c: Any) -> list[Branch]:
        return [
            *_purpose_branches(c, self.covered_purposes),
            Branch(c.unknown("do_not_call_requests"), *_unknown_branch(c, "do_not_call_requests")),
            Branch(
                c.any_before("do_not_call_requests", "started_at"),
                Outcome.VIOLATION,
                "the person asked on {date} not to be called again",
                {"date": c.first_before_day("do_not_call_requests", "started_at")},
            ),
            Branch(None, Outcome.COMPLIANT, "no earlier request not to be called"),
        ]


@frozen
class CallingWindow(Check):
    """Calls start inside ``window`` (Europe/Stockholm time; holidays per ``calendar``)."""

    kind: ClassVar[str] = "calling-window"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    window: str = parameter_ref(_SCHEDULE)
    calendar: HolidayCalendar = HolidayCalendar.SE_PUBLIC_AND_EVES

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        return judge_window(subject.started_at, context.value(self.window), self.calendar)

    def columnar(self, c: Any) -> list[Branch]:
        return window_branches(c, c.value(self.window), self.calendar)


def window_branches(c: Any, schedule: Any, calendar: HolidayCalendar) -> list[Branch]:
    """The columnar form of :func:`judge_window`."""
    assert isinstance(schedule, WeeklySchedule)
    holiday = c.is_holiday(calendar)
    open_on_weekdays = [
        c.weekday_is(i + 1) & c.time_in(r.start, r.end)
        for i, ranges in enumerate(schedule.days)
        for r in ranges
    ]
    open_on_holidays = [c.time_in(r.start, r.end) for r in schedule.holiday]
    is_open = (_not(holiday) & _any_of(c, open_on_weekdays)) | (
        holiday & _any_of(c, open_on_holidays)
    )
    time = {"time": c.local_text()}
    return [
        Branch(
            is_open,
            Outcome.COMPLIANT,
            "the call started {time} (Stockholm), inside the window",
            time,
        ),
        Branch(
            None, Outcome.VIOLATION, "the call started {time} (Stockholm), outside the window", time
        ),
    ]


def _any_of(c: Any, conditions: list[Any]) -> Any:
    """``c1 OR c2 ...``; false for none."""
    if not conditions:
        return c.lit(False)
    out = conditions[0]
    for condition in conditions[1:]:
        out = out | condition
    return out


def judge_window(started_at: Any, schedule: Any, calendar: HolidayCalendar) -> Verdict:
    """Whether a call starting at ``started_at`` falls inside ``schedule`` in Stockholm time."""
    assert isinstance(schedule, WeeklySchedule)
    local = started_at.astimezone(STOCKHOLM)
    holiday = is_holiday(local.date(), calendar)
    evidence = {"local_time": local, "holiday": holiday, "window": schedule}
    return _judged(
        schedule.is_open(local, is_holiday=holiday),
        N_("the call started {time} (Stockholm), inside the window"),
        N_("the call started {time} (Stockholm), outside the window"),
        {"time": local},
        evidence,
    )


@frozen
class CallFrequency(Check):
    """At most ``max_calls`` calls to one number within ``period`` days."""

    kind: ClassVar[str] = "call-frequency"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    max_calls: str = parameter_ref(_INT, Unit.CALLS)
    period: str = parameter_ref(_INT, Unit.DAYS)

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        if subject.previous_calls is None and context.history is None:
            return unknown("previous_calls")
        max_calls, days = context.value(self.max_calls), context.value(self.period)
        assert isinstance(max_calls, int) and isinstance(days, int)
        if subject.previous_calls is not None:
            earlier = CallHistory.count_in(subject.previous_calls, subject.started_at, days)
        else:
            assert context.history is not None
            key = (subject.calling_organisation, subject.destination)
            earlier = context.history.count_within(key, subject.started_at, days)
        return _call_frequency(1 + earlier, max_calls, days)

    def columnar(self, c: Any) -> list[Branch]:
        # an engine judges a batch: its calls are the history when a record has no list
        try:
            max_calls, days = c.value(self.max_calls), c.value(self.period)
        except MissingParameter as missing:
            return [c.missing(missing.name)]
        assert isinstance(max_calls, int) and isinstance(days, int)
        own = c.count_within("previous_calls", days)
        count = c.lit(1) + c.coalesce(own, c.earlier_calls(days))
        args = {"count": count, "max": c.lit(max_calls), "days": c.lit(days)}
        return [
            Branch(
                count <= c.lit(max_calls),
                Outcome.COMPLIANT,
                "call {count} of at most {max} in {days} days",
                args,
            ),
            Branch(None, Outcome.VIOLATION, "call {count} in {days} days; the cap is {max}", args),
        ]


@frozen
class MobileRestriction(Check):
    """Sales calls to mobile numbers only to existing customers or with consent."""

    kind: ClassVar[str] = "mobile-restriction"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    covered_purposes: tuple[Purpose, ...] = ()

    def evaluate(self, subject: CallRecord, context: Context) -> Verdict:
        skip = _purpose_not_covered(subject, self.covered_purposes)
        if skip is not None:
            return skip
        if not is_mobile(subject.destination):
            return fixed(Outcome.NOT_APPLICABLE, N_("not a mobile number"))
        if subject.customer is not None or subject.consent is not None:
            return fixed(
                Outcome.COMPLIANT, N_("a mobile number of a customer or of someone who consented")
            )
        return fixed(
            Outcome.VIOLATION,
            N_("a sales call to a mobile number without customer relationship or consent"),
        )

    def columnar(self, c: Any) -> list[Branch]:
        return [
            *_purpose_branches(c, self.covered_purposes),
            Branch(_not(c.is_mobile()), Outcome.NOT_APPLICABLE, "not a mobile number"),
            Branch(
                c.field("customer_known") | c.field("consent_known"),
                Outcome.COMPLIANT,
                "a mobile number of a customer or of someone who consented",
            ),
            Branch(
                None,
                Outcome.VIOLATION,
                "a sales call to a mobile number without customer relationship or consent",
            ),
        ]


@frozen
class DefersTo(Check):
    """The rule is met when the rules of another ruleset (in the same stack) are met."""

    kind: ClassVar[str] = "defers-to"
    subjects: ClassVar[frozenset[SubjectKind]] = _CALL
    ruleset: str

    def columnar(self, c: Any) -> list[Branch]:
        # the compiler joins, per call, the worst finding of the other ruleset (``deferred_*``)
        # and whether that ruleset had no version in force on the call's day (``deferred_absent``)
        worst = c.deferred(self.ruleset)
        name = c.lit(self.ruleset)
        return [
            Branch(
                _not(worst.found) & worst.absent,
                Outcome.NOT_APPLICABLE,
                "no version of {ruleset} was in force on that day",
                {"ruleset": name},
            ),
            Branch(
                _not(worst.found),
                Outcome.UNDETERMINED,
                "{ruleset} is not in the stack of rules evaluated",
                {"ruleset": name},
            ),
            Branch(
                None,
                None,
                "{ruleset}: {rule}: {message}",
                {"ruleset": name, "rule": worst.rule_id, "message": worst.message},
                outcome_of=worst.outcome,
            ),
        ]
