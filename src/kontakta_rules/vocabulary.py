"""The domain's closed vocabularies: the words a ruleset file and a call record may use.

Values are the spellings used in files (kebab-case); they never change once published,
because ruleset fingerprints and stored reports depend on them.
"""

from __future__ import annotations

import enum

from .i18n import N_


class Outcome(enum.StrEnum):
    """The four outcomes of evaluating one rule against one subject."""

    COMPLIANT = "compliant"
    VIOLATION = "violation"
    NOT_APPLICABLE = "not_applicable"
    UNDETERMINED = "undetermined"


class Basis(enum.StrEnum):
    """How well a rule or value is sourced."""

    TEXT = "text"  # read in the official rule text
    OFFICIAL_SUMMARY = "official-summary"  # the issuer's own summary or press release
    SECONDARY = "secondary"  # a reliable third party's summary; rule text not seen
    LAW = "law"  # a statute or regulation
    ORGANISATION = "organisation"  # set by the organisation applying the rules


class Layer(enum.StrEnum):
    """Where a ruleset sits in the stack; higher layers cannot be weakened by lower ones."""

    LAW = "law"
    REGISTER = "register"
    INDUSTRY = "industry"
    PRACTICE = "practice"
    """Voluntary practice: guidance, proposals and standards that bind nobody by themselves."""
    ORGANISATION = "organisation"

    @property
    def rank(self) -> int:
        """0 for law (highest) to 4 for organisation (lowest)."""
        return list(Layer).index(self)


class Severity(enum.StrEnum):
    MUST = "must"  # "ska": a requirement
    SHOULD = "should"  # "bör": a recommendation


class SubjectKind(enum.StrEnum):
    """The kinds of thing a rule is checked against."""

    CALL = "call"
    SCRIPT = "script"
    OFFER = "offer"
    CONFIRMATION = "confirmation"
    SERVICE_PROCESS = "service-process"
    ORGANISATION = "organisation"


class Purpose(enum.StrEnum):
    SALES = "sales"
    MARKETING = "marketing"
    FUNDRAISING = "fundraising"
    MARKET_RESEARCH = "market-research"
    PUBLIC_INFORMATION = "public-information"
    POLITICAL = "political"
    RELIGIOUS = "religious"


class Target(enum.StrEnum):
    """Who is called."""

    CONSUMER = "consumer"
    INACTIVE_SOLE_TRADER = "inactive-sole-trader"
    ACTIVE_SOLE_TRADER = "active-sole-trader"
    COMPANY = "company"
    ORGANISATION = "organisation"


class SubscriptionType(enum.StrEnum):
    PRIVATE = "private"
    COMPANY = "company"


class Initiator(enum.StrEnum):
    """Who started the call."""

    TRADER = "trader"
    CONSUMER = "consumer"
    CONSUMER_PROMPTED_BY_TRADER = "consumer-prompted-by-trader"


class Disclosure(enum.StrEnum):
    """What a caller says at the opening of a call."""

    COMPANY_OR_PRINCIPAL = "company-or-principal"
    COMMERCIAL_PURPOSE = "commercial-purpose"
    AGENT_NAME = "agent-name"
    AGENT_RELATIONSHIP = "agent-relationship"
    RECORDING_NOTICE = "recording-notice"
    GOODS_OR_SERVICES = "goods-or-services"
    """Which goods or services the call is selling (Konsumentverket's checklist)."""


class RecordingSegment(enum.StrEnum):
    """Parts of a sales call that a rule may require to be recorded."""

    OFFER_PRESENTATION = "offer-presentation"
    CONSENT_TO_WRITTEN_OFFER = "consent-to-written-offer"
    ACCEPTANCE = "acceptance"


class DocumentElement(enum.StrEnum):
    """Content a written offer or confirmation must contain."""

    AGREED_DESCRIPTION = "agreed-description"
    PARTIES = "parties"
    WITHDRAWAL_INFORMATION = "withdrawal-information"
    CONTACT_FOR_QUESTIONS_OR_WITHDRAWAL = "contact-for-questions-or-withdrawal"
    VALID_ONLY_IF_ACCEPTED_IN_WRITING = "valid-only-if-accepted-in-writing"
    NO_PAYMENT_WITHOUT_ACCEPTANCE = "no-payment-without-acceptance"
    REFLECTS_CALL_OFFER = "reflects-call-offer"


class HolidayCalendar(enum.StrEnum):
    """Which days count as holidays when a rule counts working days or judges calling windows.

    ``se-public``: Swedish public holidays (allmänna helgdagar).
    ``se-public-and-eves``: those plus Midsummer Eve, Christmas Eve and New Year's Eve,
    which the Annual Leave Act (semesterlagen 1977:480, 7 §) treats like Sundays.
    """

    SE_PUBLIC = "se-public"
    SE_PUBLIC_AND_EVES = "se-public-and-eves"


class ParameterType(enum.StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    STRING = "string"
    WEEKLY_SCHEDULE = "weekly-schedule"


class Unit(enum.StrEnum):
    MONTHS = "months"
    DAYS = "days"
    WORKING_DAYS = "working-days"
    HOURS = "hours"
    MINUTES = "minutes"
    SECONDS = "seconds"
    PERCENT = "percent"
    CALLS = "calls"
    EUR = "eur"
    PERSONS = "persons"
    TURNS = "turns"


UNIT_LABELS = {
    Unit.TURNS: N_("turns"),
    Unit.MONTHS: N_("months"),
    Unit.DAYS: N_("days"),
    Unit.WORKING_DAYS: N_("working days"),
    Unit.HOURS: N_("hours"),
    Unit.MINUTES: N_("minutes"),
    Unit.SECONDS: N_("seconds"),
    Unit.PERCENT: N_("percent"),
    Unit.CALLS: N_("calls"),
    Unit.EUR: N_("euro"),
    Unit.PERSONS: N_("persons"),
}
"""How messages and reports name a unit (msgids; the enum values are the file format's words)."""


class Heading(enum.StrEnum):
    """The headings a customer-service conformance report is summarised by."""

    ACCESSIBILITY = "accessibility"
    CASE_HANDLING = "case-handling"
    COMPLAINTS = "complaints"
    SATISFACTION = "satisfaction"
    SALES = "sales"
    STAFF = "staff"
    MANAGEMENT = "management"
    AI = "ai"
    ACCESSIBILITY_LAW = "accessibility-law"


class ChannelKind(enum.StrEnum):
    """A way customers reach a customer service."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    FORM = "form"
    VISIT = "visit"
    LETTER = "letter"
    SOCIAL_MEDIA = "social-media"
    APP = "app"


CHANNEL_LABELS = {
    ChannelKind.PHONE: N_("phone"),
    ChannelKind.EMAIL: N_("e-mail"),
    ChannelKind.CHAT: N_("chat"),
    ChannelKind.FORM: N_("web form"),
    ChannelKind.VISIT: N_("visit"),
    ChannelKind.LETTER: N_("letter"),
    ChannelKind.SOCIAL_MEDIA: N_("social media"),
    ChannelKind.APP: N_("app"),
}
"""How reports name a channel (msgids; the enum values are the file format's words)."""


class Sector(enum.StrEnum):
    """What an organisation does, as far as the customer-service rules tell sectors apart.

    The first six are the consumer services the European Accessibility Act covers."""

    ELECTRONIC_COMMUNICATIONS = "electronic-communications"
    E_COMMERCE = "e-commerce"
    CONSUMER_BANKING = "consumer-banking"
    E_BOOKS = "e-books"
    AUDIOVISUAL_MEDIA_ACCESS = "audiovisual-media-access"
    PASSENGER_TRANSPORT = "passenger-transport"
    ENERGY = "energy"
    INSURANCE = "insurance"
    RETAIL = "retail"
    TRAVEL = "travel"
    PUBLIC_ADMINISTRATION = "public-administration"
    OTHER = "other"


class Kpi(enum.StrEnum):
    """Key figures a customer service may measure; the first four are computed from a contact
    log."""

    ANSWERED_WITHIN_TARGET = "answered-within-target"
    RESPONSE_TIME_MEDIAN = "response-time-median"
    RESPONSE_TIME_P90 = "response-time-p90"
    COMPLAINT_HANDLING_TIME = "complaint-handling-time"
    CUSTOMER_SATISFACTION = "customer-satisfaction"
    FIRST_CONTACT_RESOLUTION = "first-contact-resolution"
    ABANDONMENT_RATE = "abandonment-rate"
