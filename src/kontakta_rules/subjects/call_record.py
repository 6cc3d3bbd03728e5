"""A call record: the evidence one call leaves, as the call rules need it.

``None`` means *not known* and makes the rules that need the field ``undetermined``; an
empty list means *known to be none*. Every timestamp is timezone-aware: a naive one is
refused, never guessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from attrs import converters, field, frozen

from ..vocabulary import (
    Disclosure,
    Initiator,
    Purpose,
    RecordingSegment,
    SubscriptionType,
    Target,
)


def _aware(_instance: object, attribute: object, value: Any) -> None:
    if isinstance(value, dt.datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError("a timestamp needs a timezone (for example +01:00 or Z)")


def _aware_all_optional(instance: object, attribute: object, values: Any) -> None:
    if values is not None:
        _aware_all(instance, attribute, values)


def _aware_all(instance: object, attribute: object, values: Any) -> None:
    for value in values:
        _aware(instance, attribute, value)


@frozen
class Disclosed:
    """Something the caller said, and when (seconds after the call started)."""

    item: Disclosure = field(converter=Disclosure)
    at_seconds: float


@frozen
class NixEvidence:
    """What the caller knew about the number from NIX before the call."""

    checked: bool
    register_updated: dt.date | None = None
    """The update date of the register version the number was checked against."""
    listed: bool | None = None


@frozen
class CustomerRelationship:
    """A concluded contract between the called person and the calling organisation."""

    product_category: str
    started: dt.date
    ended: dt.date | None = None


@frozen
class Consent:
    """An explicit consent to be called despite NIX."""

    organisations: tuple[str, ...]
    """The organisations named in the consent text that the person actively ticked."""
    given_at: dt.datetime = field(validator=_aware)


@frozen
class CallRecord:
    call_id: str
    started_at: dt.datetime = field(validator=_aware)
    ended_at: dt.datetime = field(validator=_aware)
    calling_organisation: str
    destination: str
    """The number called, in E.164 form (``+46701740605``)."""
    purpose: Purpose = field(converter=Purpose)
    principal: str | None = None
    agent_name: str | None = None
    agent_relationship: Literal["employee", "contractor"] | None = None
    caller_id_shown: bool | None = None
    subscription: SubscriptionType | None = field(
        default=None, converter=converters.optional(SubscriptionType)
    )
    target: Target | None = field(default=None, converter=converters.optional(Target))
    initiated_by: Initiator | None = field(default=None, converter=converters.optional(Initiator))
    disclosures: tuple[Disclosed, ...] | None = None
    recorded_segments: tuple[RecordingSegment, ...] | None = None
    silent: bool | None = None
    nix: NixEvidence | None = None
    customer: CustomerRelationship | None = None
    consent: Consent | None = None
    offer_category: str | None = None
    offer_sent_at: dt.datetime | None = field(default=None, validator=_aware)
    accepted_at: dt.datetime | None = field(default=None, validator=_aware)
    acceptance_form: Literal["written", "oral", "sms-reply"] | None = None
    confirmation_sent_at: dt.datetime | None = field(default=None, validator=_aware)
    do_not_call_requests: tuple[dt.datetime, ...] | None = field(
        default=None, validator=_aware_all_optional
    )
    """When the person earlier asked this organisation not to call again."""
    previous_calls: tuple[dt.datetime, ...] | None = field(
        default=None, validator=_aware_all_optional
    )
    """When this organisation called the number before (for frequency caps); None: not known."""

    def __attrs_post_init__(self) -> None:
        if self.ended_at < self.started_at:
            raise ValueError("the call ends before it starts")
