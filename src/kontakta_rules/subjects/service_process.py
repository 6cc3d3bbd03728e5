"""A customer-service process description: how an organisation serves its customers at a
distance, as the customer-service rules need to know it.

Written as TOML (``kontakta-rules schema service-process`` prints the JSON Schema; read with
:func:`~kontakta_rules.subjects.process_io.read_service_process`). Every
statement is optional: a field left out is *not known* and makes the rules that need it
``undetermined``, never compliant. ``false`` and an empty list are statements ("we do not",
"none"). Durations are tables: ``{ value = 2, unit = "working-days" }``.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import attrs
from attrs import field, frozen

from ..i18n import N_, Message
from ..vocabulary import ChannelKind, Kpi, Sector, SubjectKind

if TYPE_CHECKING:
    from ..kpis import KpiValue
    from .contact_log import Contact

DurationUnit = Literal["minutes", "hours", "days", "working-days"]
_DURATION_WORDS: dict[str, tuple[str, str]] = {
    "minutes": (N_("{n} minutes"), N_("{n} minute")),
    "hours": (N_("{n} hours"), N_("{n} hour")),
    "days": (N_("{n} days"), N_("{n} day")),
    "working-days": (N_("{n} working days"), N_("{n} working day")),
}


@frozen
class Duration:
    """A length of time; ``working-days`` count Swedish working days (public holidays and
    weekends excluded)."""

    value: float
    unit: DurationUnit

    def message(self) -> Message:
        """``3 minutes``, ``1 working day``, in the reader's language."""
        n = int(self.value) if float(self.value).is_integer() else self.value
        return Message(_DURATION_WORDS[self.unit][n == 1], {"n": n})


@frozen
class Target:
    """A service-level target: ``share`` percent of contacts within ``within`` (all of them
    when ``share`` is left out)."""

    within: Duration
    share: float | None = None


@frozen
class Organisation:
    """Who serves the customers."""

    name: str
    sector: Sector
    ownership: Literal["private", "public"]
    headcount: int | None = None
    """People employed (for the microenterprise test of the Accessibility Act)."""
    turnover_eur: float | None = None
    balance_sheet_eur: float | None = None
    country: str = "SE"


@frozen
class Channel:
    """One way customers reach the customer service."""

    kind: ChannelKind
    published: tuple[str, ...] | None = None
    """Where customers find it: ``website``, ``contact-page``, ``invoice``, ``app`` ...;
    an empty list says it is not published anywhere."""
    on_contact_page: bool | None = None
    """Shown on the website under a clear heading such as "Kontakta oss"."""
    opening_hours: Mapping[str, tuple[str, ...]] | None = None
    """A weekly schedule (``{ mon = ["08:00-17:00"], ... }``, Europe/Stockholm time)."""
    number_cost: Literal["free", "normal", "premium"] | None = None
    languages: tuple[str, ...] | None = None
    accessibility: tuple[str, ...] | None = None
    """Accessibility features: ``text-telephony``, ``real-time-text``, ``sign-language``,
    ``screen-reader-tested``, ``easy-to-read`` ..."""
    response_target: Target | None = None


@frozen
class PhoneMenu:
    used: bool | None = None
    waiting_reaches_person: bool | None = None
    """The menu says, before the choices, that a caller who waits is put through to a person."""


@frozen
class CaseHandling:
    process: bool | None = None
    """A documented case-handling process exists."""
    registration: bool | None = None
    ownership: bool | None = None
    """Every case has an owner."""
    status_to_customer: bool | None = None
    closure: bool | None = None
    """Cases are closed deliberately, and the customer is told."""
    feedback_to_customer: bool | None = None


@frozen
class Complaints:
    process: bool | None = None
    how_to_complain_published: bool | None = None
    claims_information_published: bool | None = None
    """How to make a claim (reklamation) is published."""
    withdrawal_information_published: bool | None = None
    """How to use the right of withdrawal is published."""
    handling_target: Target | None = None
    written_reasons_when_refused: bool | None = None


@frozen
class Satisfaction:
    measured: bool | None = None
    method: str | None = None
    """``csat``, ``nps``, ``survey-after-contact`` ..."""
    followed_up: bool | None = None


@frozen
class Kpis:
    measured: tuple[Kpi, ...] | None = None


@frozen
class Sales:
    in_service: bool | None = None
    """Customer-service staff sell or offer products in service contacts."""
    policy: bool | None = None
    """A written policy for sales in service contacts (the customer's matter first)."""
    incentives: Literal["none", "team", "individual-commission"] | None = None


@frozen
class Staff:
    consumer_law_training: bool | None = None
    training_interval_months: int | None = None
    support: bool | None = None
    """Staff get support (coaching, escalation, someone to ask) in difficult contacts."""


@frozen
class Management:
    owner: str | None = None
    """The role that owns customer service in management."""
    on_management_agenda: bool | None = None
    resources_reviewed: bool | None = None


@frozen
class Insights:
    fed_back: bool | None = None
    """What customers tell customer service is gathered and fed back into the organisation."""
    how: str | None = None


@frozen
class Cancellation:
    as_easy_as_signup: bool | None = None
    oral_only: bool | None = None
    """Customers can only cancel by phone (orally)."""


@frozen
class AiUse:
    used: bool | None = None
    """Customers talk or chat with an AI system (chatbot, voice bot)."""
    discloses_ai: bool | None = None
    """Customers are told they are dealing with an AI, at the start."""
    human_reachable: bool | None = None


@frozen
class AccessibilityStatement:
    published: bool | None = None
    """Information on how the service meets the accessibility requirements is published."""
    url: str | None = None
    website_conforms: bool | None = None
    """The website and apps conform to EN 301 549."""


@frozen
class ServiceProcess:
    """How an organisation serves its customers at a distance."""

    organisation: Organisation
    channels: tuple[Channel, ...] = ()
    """The contact channels; none described means not known (channel rules are undetermined)."""
    phone_menu: PhoneMenu = field(factory=PhoneMenu)
    exchanges_can_be_saved: bool | None = None
    """Customers can save their chat and form exchanges."""
    saving_explained: bool | None = None
    """Customers of chat and forms are told whether they can save the exchange and, if so,
    how (a clear "it cannot be saved" counts)."""
    case_handling: CaseHandling = field(factory=CaseHandling)
    complaints: Complaints = field(factory=Complaints)
    satisfaction: Satisfaction = field(factory=Satisfaction)
    kpis: Kpis = field(factory=Kpis)
    sales: Sales = field(factory=Sales)
    staff: Staff = field(factory=Staff)
    management: Management = field(factory=Management)
    insights: Insights = field(factory=Insights)
    cancellation: Cancellation = field(factory=Cancellation)
    ai: AiUse = field(factory=AiUse)
    accessibility_statement: AccessibilityStatement = field(factory=AccessibilityStatement)
    name: str = ""
    """What reports call it; the file name when left out."""

    @property
    def subject_kind(self) -> SubjectKind:
        return SubjectKind.SERVICE_PROCESS

    def channel_kinds(self) -> frozenset[ChannelKind]:
        return frozenset(c.kind for c in self.channels)


@frozen
class ServiceReview:
    """What the process checks judge: the description, and the contact log with the KPIs
    computed from it when one is given (``contacts`` is None when none is)."""

    process: ServiceProcess
    contacts: tuple[Contact, ...] | None = None
    kpis: tuple[KpiValue, ...] = ()

    @property
    def name(self) -> str:
        return self.process.name

    @property
    def subject_kind(self) -> SubjectKind:
        return SubjectKind.SERVICE_PROCESS


def field_type(path: str) -> object | None:
    """The declared type at a dotted path of :class:`ServiceProcess` (``complaints.process``),
    or None when there is no such field. ``channels.X`` is a field of :class:`Channel`."""
    cls: type = ServiceProcess
    hint: object = None
    for part in path.split("."):
        if not attrs.has(cls):
            return None
        hints = typing.get_type_hints(cls)
        if part not in hints:
            return None
        hint = hints[part]
        cls = Channel if (cls is ServiceProcess and part == "channels") else _attrs_class(hint)
    return hint


def _attrs_class(hint: object) -> type:
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and attrs.has(candidate):
            return candidate
    return object


def value_at(process: ServiceProcess, path: str) -> object:
    """The value at a dotted path (not through ``channels``)."""
    value: object = process
    for part in path.split("."):
        value = getattr(value, part)
    return value
