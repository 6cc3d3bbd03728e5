"""A call record: the evidence one call leaves, as the call rules need it.

``None`` means *not known* and makes the rules that need the field ``undetermined``; an
empty list means *known to be none*. Every timestamp is timezone-aware: a naive one is
refused, never guessed, and so is a wall-clock time that does not exist in its time zone
(02:30 on the night clocks spring forward).

Every field is checked when a record is made, whoever makes it: the file readers and a
dialer calling :func:`~kontakta_rules.dialer.decide` in Python meet the same rules, and a
bad value is an :class:`~kontakta_rules.errors.FieldProblem` naming the field, in Swedish and
English. Lists may be given as lists or tuples; they are kept as tuples.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from attrs import field, frozen

from ..errors import (
    A_BOOLEAN,
    A_DATE,
    A_LIST,
    A_NUMBER,
    A_STRING,
    A_TIMESTAMP,
    FieldProblem,
    expected,
    shown,
)
from ..i18n import Message
from ..timezone import instant
from ..vocabulary import (
    Disclosure,
    Initiator,
    Purpose,
    RecordingSegment,
    SubscriptionType,
    Target,
)

E = TypeVar("E", bound=enum.StrEnum)

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2099, 12, 31)
"""Dates and times in a record lie between these days: a call record from the year 1 or 9999
is a mistake, and date arithmetic (months after a contract ended) must stay within the
calendar. Input checking, not rule content."""


def _problem(name: str, message: Message) -> FieldProblem:
    return FieldProblem(message, f".{name}")


def _expected(name: str, what: str, got: object) -> FieldProblem:
    return expected(what, got, f".{name}")


def check_moment(name: str, value: object) -> dt.datetime:
    """``value`` as a timestamp a record may hold, or a :class:`FieldProblem` about ``name``."""
    if not isinstance(value, dt.datetime):
        raise _expected(name, A_TIMESTAMP, value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise _problem(
            name,
            Message(
                "the timestamp {value} has no timezone; a naive time is not guessed",
                {"value": value.isoformat()},
            ),
        )
    _check_day(name, value.date())
    if isinstance(value.tzinfo, dt.timezone):
        return value  # a fixed offset (every ISO timestamp) has no gaps
    wall = value.replace(tzinfo=None)
    if value.astimezone(dt.UTC).astimezone(value.tzinfo).replace(tzinfo=None) != wall:
        raise _problem(
            name,
            Message(
                "{value} does not exist in {zone}: the clocks skip that hour (daylight saving "
                "time); give the time with its UTC offset",
                {"value": wall.isoformat(sep=" "), "zone": str(value.tzinfo)},
            ),
        )
    return value


def _check_day(name: str, day: dt.date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise _problem(
            name,
            Message(
                "{value} is outside the years a record may hold ({first} to {last})",
                {"value": day.isoformat(), "first": str(EARLIEST.year), "last": str(LATEST.year)},
            ),
        )


def _moment(instance: object, attribute: Any, value: Any) -> None:
    check_moment(attribute.name, value)


def _optional_moment(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        check_moment(attribute.name, value)


def _day(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _expected(attribute.name, A_DATE, value)
    _check_day(attribute.name, value)


def _optional_day(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _day(instance, attribute, value)


def _text(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise _expected(attribute.name, A_STRING, value)


def _optional_text(instance: object, attribute: Any, value: Any) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _not_blank(instance: object, attribute: Any, value: Any) -> None:
    _text(instance, attribute, value)
    assert isinstance(value, str)
    if not value.strip():
        raise _problem(attribute.name, Message("must not be empty"))


def _optional_flag(instance: object, attribute: Any, value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        raise _expected(attribute.name, A_BOOLEAN, value)


def _flag(instance: object, attribute: Any, value: Any) -> None:
    if not isinstance(value, bool):
        raise _expected(attribute.name, A_BOOLEAN, value)


def _seconds(instance: object, attribute: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _expected(attribute.name, A_NUMBER, value)
    if value < 0:
        raise _problem(
            attribute.name,
            Message(
                "seconds after the start of the call cannot be negative: {value}", {"value": value}
            ),
        )


def _one_of(name: str, values: list[str], got: object) -> FieldProblem:
    return _problem(
        name,
        Message(
            "expected one of {values}, got {got}", {"values": ", ".join(values), "got": shown(got)}
        ),
    )


def _literal(*allowed: str) -> Callable[[Any, Any, object], None]:
    def check(instance: object, attribute: Any, value: object) -> None:
        if value is not None and value not in allowed:
            raise _one_of(attribute.name, list(allowed), value)

    return check


def _items(
    name: str, item: Callable[[str, object], Any], *, optional: bool = True
) -> Callable[[object], Any]:
    """A list or tuple kept as a tuple, each item checked (and converted) by ``item``."""

    def convert(value: object) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, list | tuple):
            raise _expected(name, A_LIST, value)
        out = []
        for i, v in enumerate(value):
            try:
                out.append(item(name, v))
            except FieldProblem as exc:
                raise FieldProblem(
                    exc.message, f".{name}[{i}]{exc.suffix.removeprefix('.' + name)}"
                ) from None
        return tuple(out)

    return convert


def _item_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise _expected(name, A_STRING, value)
    return value


def _item_moment(name: str, value: object) -> dt.datetime:
    return check_moment(name, value)


def _item_enum(cls: type[E]) -> Callable[[str, object], E]:
    members = {m.value: m for m in cls}

    def convert(name: str, value: object) -> E:
        if isinstance(value, cls):
            return value
        member = members.get(value) if isinstance(value, str) else None
        if member is None:
            raise _one_of(name, list(members), value)
        return member

    return convert


def _item_of(cls: type) -> Callable[[str, object], Any]:
    """An item that must already be a ``cls`` (a nested table the reader has made)."""

    def check(name: str, value: object) -> Any:
        if not isinstance(value, cls):
            raise expected(cls.__name__, value, f".{name}")
        return value

    return check


# Converters by field (named functions, made once: a record is made a million times).
_DISCLOSURE = _item_enum(Disclosure)
_PURPOSE = _item_enum(Purpose)
_SUBSCRIPTION = _item_enum(SubscriptionType)
_TARGET = _item_enum(Target)
_INITIATOR = _item_enum(Initiator)
_ORGANISATIONS = _items("organisations", _item_text, optional=False)
_SEGMENTS = _items("recorded_segments", _item_enum(RecordingSegment))
_REQUESTS = _items("do_not_call_requests", _item_moment)
_PREVIOUS_CALLS = _items("previous_calls", _item_moment)


def _to_disclosure(value: object) -> Disclosure:
    return _DISCLOSURE("item", value)


def _to_purpose(value: object) -> Purpose:
    return _PURPOSE("purpose", value)


def _to_subscription(value: object) -> SubscriptionType | None:
    return None if value is None else _SUBSCRIPTION("subscription", value)


def _to_target(value: object) -> Target | None:
    return None if value is None else _TARGET("target", value)


def _to_initiator(value: object) -> Initiator | None:
    return None if value is None else _INITIATOR("initiated_by", value)


def _to_organisations(value: object) -> tuple[str, ...]:
    return _ORGANISATIONS(value)  # type: ignore[no-any-return]


def _to_disclosures(value: object) -> tuple[Disclosed, ...] | None:
    return _DISCLOSURES(value)  # type: ignore[no-any-return]


def _to_segments(value: object) -> tuple[RecordingSegment, ...] | None:
    return _SEGMENTS(value)  # type: ignore[no-any-return]


def _to_requests(value: object) -> tuple[dt.datetime, ...] | None:
    return _REQUESTS(value)  # type: ignore[no-any-return]


def _to_previous_calls(value: object) -> tuple[dt.datetime, ...] | None:
    return _PREVIOUS_CALLS(value)  # type: ignore[no-any-return]


@frozen
class Disclosed:
    """Something the caller said, and when (seconds after the call started)."""

    item: Disclosure = field(converter=_to_disclosure)
    at_seconds: float = field(validator=_seconds)


@frozen
class NixEvidence:
    """What the caller knew about the number from NIX before the call."""

    checked: bool = field(validator=_flag)
    register_updated: dt.date | None = field(default=None, validator=_optional_day)
    """The update date of the register version the number was checked against."""
    listed: bool | None = field(default=None, validator=_optional_flag)


@frozen
class CustomerRelationship:
    """A concluded contract between the called person and the calling organisation."""

    product_category: str = field(validator=_not_blank)
    started: dt.date = field(validator=_day)
    ended: dt.date | None = field(default=None, validator=_optional_day)

    def __attrs_post_init__(self) -> None:
        if self.ended is not None and self.ended < self.started:
            raise _problem("ended", Message("the relationship ends before it starts"))


@frozen
class Consent:
    """An explicit consent to be called despite NIX."""

    organisations: tuple[str, ...] = field(converter=_to_organisations)
    """The organisations named in the consent text that the person actively ticked."""
    given_at: dt.datetime = field(validator=_moment)


_DISCLOSURES = _items("disclosures", _item_of(Disclosed))


def _nested(cls: type) -> Callable[[Any, Any, object], None]:
    must_be = _item_of(cls)

    def check(instance: object, attribute: Any, value: object) -> None:
        if value is not None:
            must_be(attribute.name, value)

    return check


@frozen
class CallRecord:
    call_id: str = field(validator=_not_blank)
    started_at: dt.datetime = field(validator=_moment)
    ended_at: dt.datetime = field(validator=_moment)
    calling_organisation: str = field(validator=_text)
    destination: str = field(validator=_text)
    """The number called, in E.164 form (``+46701740605``)."""
    purpose: Purpose = field(converter=_to_purpose)
    principal: str | None = field(default=None, validator=_optional_text)
    agent_name: str | None = field(default=None, validator=_optional_text)
    agent_relationship: Literal["employee", "contractor"] | None = field(
        default=None, validator=_literal("employee", "contractor")
    )
    caller_id_shown: bool | None = field(default=None, validator=_optional_flag)
    subscription: SubscriptionType | None = field(default=None, converter=_to_subscription)
    target: Target | None = field(default=None, converter=_to_target)
    initiated_by: Initiator | None = field(default=None, converter=_to_initiator)
    disclosures: tuple[Disclosed, ...] | None = field(default=None, converter=_to_disclosures)
    recorded_segments: tuple[RecordingSegment, ...] | None = field(
        default=None, converter=_to_segments
    )
    silent: bool | None = field(default=None, validator=_optional_flag)
    nix: NixEvidence | None = field(default=None, validator=_nested(NixEvidence))
    customer: CustomerRelationship | None = field(
        default=None, validator=_nested(CustomerRelationship)
    )
    consent: Consent | None = field(default=None, validator=_nested(Consent))
    offer_category: str | None = field(default=None, validator=_optional_text)
    offer_sent_at: dt.datetime | None = field(default=None, validator=_optional_moment)
    accepted_at: dt.datetime | None = field(default=None, validator=_optional_moment)
    acceptance_form: Literal["written", "oral", "sms-reply"] | None = field(
        default=None, validator=_literal("written", "oral", "sms-reply")
    )
    confirmation_sent_at: dt.datetime | None = field(default=None, validator=_optional_moment)
    confirmation_received_at: dt.datetime | None = field(default=None, validator=_optional_moment)
    """When the consumer received the written confirmation (a rule may count receipt, not
    sending: Kontakta's 2017 rule says the consumer shall *get* it within five working days)."""
    do_not_call_requests: tuple[dt.datetime, ...] | None = field(
        default=None, converter=_to_requests
    )
    """When the person earlier asked this organisation not to call again."""
    previous_calls: tuple[dt.datetime, ...] | None = field(
        default=None, converter=_to_previous_calls
    )
    """When this organisation called the number before (for frequency caps); None: not known."""

    def __attrs_post_init__(self) -> None:
        if instant(self.ended_at) < instant(self.started_at):
            raise _problem("ended_at", Message("the call ends before it starts"))
