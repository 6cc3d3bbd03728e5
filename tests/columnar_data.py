"""Call records for holding a columnar engine to the reference evaluator, in one place.

- the values the records draw from (``DESTINATIONS``, ``PURPOSES``, ... and the moment
  ranges): the hypothesis strategies in ``test_columnar.py`` sample them, and so does
  :class:`Generator`, a fast seeded generator (plain :class:`random.Random`) for large runs
  (``benchmarks/equivalence.py``, ``nox -s equivalence``);
- :class:`Boundaries`: the edges the rules have, read from the catalog and the policies (the
  first days of versions and rules, DST changes, holidays and eves, the months of the NIX
  check, consent and customer tail, the frequency period, the opening window, the
  confirmation deadline, the calling windows and office hours, the silent-call limits).
  The generator aims at them, and :func:`situations` counts, from the records alone, how
  many records sit at each;
- the differential harness: :func:`differences` and :func:`compare` judge one batch with the
  reference and with an engine (:func:`judge_with`, engines by name in ``ENGINES``, imported
  only when used).

No hypothesis and no pytest here: the equivalence script runs without them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import importlib
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from kontakta_rules.calendar import add_months, add_working_days, holidays_in
from kontakta_rules.checks import CHECK_KINDS
from kontakta_rules.errors import FieldProblem
from kontakta_rules.evaluate import CALL_RULESETS, CallEvaluator
from kontakta_rules.i18n import Message
from kontakta_rules.model import Overlay
from kontakta_rules.schedule import ScheduleError, WeeklySchedule, parse_schedule
from kontakta_rules.subjects import CallRecord
from kontakta_rules.subjects.call_record import (
    Consent,
    CustomerRelationship,
    Disclosed,
    NixEvidence,
)
from kontakta_rules.timezone import STOCKHOLM
from kontakta_rules.vocabulary import (
    Disclosure,
    HolidayCalendar,
    Purpose,
    SubjectKind,
    Target,
    Unit,
)

# --- the check kinds the engines judge ------------------------------------------------------

NOT_YET: set[str] = set()
"""Call check kinds still without a columnar form (issue 14 is open): the engine refuses a
stack that has them. The list may only shrink; a new call check kind must come with its
columnar form."""

CALL_KINDS = {
    k for k, cls in CHECK_KINDS.items() if SubjectKind.CALL in cls.subjects and cls.automatic
}
COLUMNAR = frozenset(CALL_KINDS - NOT_YET)

# --- the values records draw from (the strategies in test_columnar.py sample these) ---------

NEW_YORK = ZoneInfo("America/New_York")
ZONES = (STOCKHOLM, dt.UTC, NEW_YORK)
FIRST_MOMENT = dt.datetime(1986, 6, 1)
LAST_MOMENT = dt.datetime(2030, 12, 31)
"""Naive bounds of a call's start, written in one of ``ZONES``."""
DAY_CALLS = [
    dt.datetime(2024, 3, 5, 10, tzinfo=STOCKHOLM) + dt.timedelta(hours=h, days=d)
    for d in (0, 1, 29, 30, 31)
    for h in (0, 0, 1)
]
"""Calls on a few days, so frequency windows and silent shares have company."""
ORGANISATION = "Acme AB"
DESTINATIONS = ["+46701740605", "+46812345678", "+46761234567", "+4690123456"]
PURPOSES = ["sales", "marketing", "fundraising", "market-research"]
TARGETS = [None, "consumer", "inactive-sole-trader", "active-sole-trader", "company"]
INITIATORS = [None, "trader", "consumer", "consumer-prompted-by-trader"]
SEGMENTS = ["offer-presentation", "consent-to-written-offer", "acceptance"]
OFFER_CATEGORIES = [None, "electricity", "lottery", "package-travel", "broadband"]
ACCEPTANCE_FORMS = [None, "written", "oral", "sms-reply"]
SUBSCRIPTIONS = [None, "private", "company"]
PRINCIPALS = [None, "Principal AB"]
PRODUCT_CATEGORIES = ["electricity", "broadband"]
CONSENT_ORGANISATIONS = [("Acme AB",), ("Other AB",), ("Principal AB",)]
DISCLOSURE_ITEMS = [
    "company-or-principal",
    "commercial-purpose",
    "goods-or-services",
    "agent-name",
    "agent-relationship",
]
DURATION_MINUTES = (0, 30)
MOMENT_MINUTES = (-60 * 24 * 40, 60 * 24 * 10)
"""Other moments of a record: minutes around the call's start."""
NIX_UPDATED_DAYS = (-130, 5)
CUSTOMER_STARTED_DAYS = (-900, 3)
CUSTOMER_ENDED_DAYS = (-500, 0)
DISCLOSURE_SECONDS = (0, 40)
MAX_SEGMENTS, MAX_DISCLOSURES, MAX_PREVIOUS_CALLS, MAX_REQUESTS = 3, 7, 4, 3
REGISTER_LINES = ["070-174 06 05", "08-123 456 78"]
REGISTER_UPDATED = dt.date(2016, 5, 2)
"""A NIX register snapshot for records without their own evidence."""

# Beyond what the strategies draw (the fast generator only): the vocabulary's other values,
# more organisations and numbers, fixed UTC offsets (what ISO timestamps in a file give),
# agents, repeated call ids.
MORE_PURPOSES = [p.value for p in Purpose if p.value not in PURPOSES]
MORE_TARGETS = [t.value for t in Target if t.value not in TARGETS]
MORE_DISCLOSURE_ITEMS = [d.value for d in Disclosure if d.value not in DISCLOSURE_ITEMS]
MORE_DESTINATIONS = ["+46731234567", "+4631123456", "+46201234567"]
ORGANISATIONS = [ORGANISATION, ORGANISATION, ORGANISATION, "Other AB", "Principal AB"]
SHARE_ORGANISATIONS = ("Share AB", "Near Share AB")
"""The organisations whose calls a batch sets at a silent-call limit and next to one (see
``Generator``)."""
FIXED_OFFSETS = [dt.timezone(dt.timedelta(minutes=m)) for m in (60, 120, -300, 330, 840, -720)]
AGENT_NAMES = [None, "Anna", ""]
AGENT_RELATIONSHIPS = [None, "employee", "contractor"]


def record(at: dt.datetime, **facts: Any) -> CallRecord:
    """A call to a consumer's mobile at ``at`` by Acme AB for sales, four minutes long, with
    ``facts`` as the other fields."""
    return CallRecord(
        call_id=str(facts.pop("call_id", "c")),
        started_at=at,
        ended_at=after(at, 4),
        calling_organisation=str(facts.pop("calling_organisation", ORGANISATION)),
        destination=str(facts.pop("destination", "+46701740605")),
        purpose=facts.pop("purpose", "sales"),
        **facts,
    )


def after(at: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` of elapsed time after ``at``, in ``at``'s zone (never a skipped hour)."""
    return (at.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(at.tzinfo)


def fields(record: CallRecord) -> dict[str, Any]:
    return {a.name: getattr(record, a.name) for a in attrs.fields(CallRecord)}


# --- the edges of the rules ------------------------------------------------------------------


def _stockholm_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(STOCKHOLM).date()


def _transitions(zone: ZoneInfo, first: int, last: int) -> list[dt.datetime]:
    """The UTC instants at which ``zone``'s offset changes, ``first`` to ``last`` (years),
    found from the zone data (days whose offset differs from the day before, then the
    minute by bisection)."""
    out = []
    day = dt.datetime(first, 1, 1, 12, tzinfo=dt.UTC)
    offset = day.astimezone(zone).utcoffset()
    while day.year <= last:
        following = day + dt.timedelta(days=1)
        new = following.astimezone(zone).utcoffset()
        if new != offset:
            low, high = day, following  # offset changes in (low, high]
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            out.append(high)
            offset = new
        day = following
    return out


def _schedule(value: object) -> WeeklySchedule | None:
    if isinstance(value, WeeklySchedule):
        return value
    if isinstance(value, Mapping):
        try:
            return parse_schedule(value)
        except ScheduleError:
            return None
    return None


@attrs.frozen
class Boundaries:
    """The edges a generator aims at and :func:`situations` counts, read from the catalog
    (versions, rule dates, parameters) and from the policies the records are judged under."""

    first_rules_day: dt.date
    """The first day with any call rules: earlier calls are rejected by the reference."""
    version_days: frozenset[dt.date]
    """First days of ruleset versions, rule dates (effective from, until), dates in checks
    (mobiles registrable in NIX from) and the register snapshot's update day."""
    transitions: dict[str, list[dt.datetime]]
    """DST changes per zone name (UTC instants)."""
    change_days: dict[str, frozenset[dt.date]]
    """Local days with a DST change, per zone name."""
    holidays: dict[HolidayCalendar, frozenset[dt.date]]
    months: dict[str, frozenset[int]]
    """Month-counted parameters by name (``nix_check_validity``, ``consent_validity``,
    ``customer_tail``) and every value a version or policy gives them."""
    period_days: frozenset[int]
    """Frequency periods (days)."""
    opening_seconds: frozenset[int]
    deadline_days: frozenset[int]
    """Confirmation deadlines (working days)."""
    edges: frozenset[dt.time]
    """Starts and ends of calling windows and office hours (Stockholm wall clock)."""
    silent_limits: frozenset[float]

    @classmethod
    def of(cls, evaluator: CallEvaluator, overlays: Iterable[Overlay]) -> Boundaries:
        catalog = evaluator.catalog
        values: dict[str, set[Any]] = defaultdict(set)
        schedules: list[WeeklySchedule] = []
        units: dict[str, Unit | None] = {}
        days: set[dt.date] = {REGISTER_UPDATED}
        firsts = []

        def add(name: str, value: object) -> None:
            schedule = _schedule(value)
            if schedule is not None:
                schedules.append(schedule)
            elif value is not None:
                values[name].add(value)

        for rid in CALL_RULESETS:
            versions = catalog.versions(rid)
            firsts.append(versions[0])
            for version in versions:
                days.add(version)
                rs = catalog.get(rid, version)
                for name, parameter in rs.parameters.items():
                    units[name] = parameter.unit
                    add(name, parameter.value)
                for rule in rs.rules:
                    days |= {d for d in (rule.effective_from, rule.effective_until) if d}
                    check = rule.check
                    for a in attrs.fields(type(check)):
                        value = getattr(check, a.name)
                        if isinstance(value, dt.date):
                            days.add(value)
        for overlay in overlays:
            for name, value in overlay.settings.items():
                add(name, value)

        def by_unit(unit: Unit) -> frozenset[Any]:
            return frozenset(v for n, vs in values.items() if units.get(n) is unit for v in vs)

        edges = {
            edge
            for schedule in schedules
            for ranges in (*schedule.days, schedule.holiday)
            for r in ranges
            for edge in (r.start, r.end or dt.time(0))
        }
        first_year, last_year = FIRST_MOMENT.year - 1, LAST_MOMENT.year + 1
        transitions = {
            str(zone): _transitions(zone, first_year, last_year) for zone in (STOCKHOLM, NEW_YORK)
        }
        return cls(
            first_rules_day=min(firsts),
            version_days=frozenset(days),
            transitions=transitions,
            change_days={
                name: frozenset(t.astimezone(ZoneInfo(name)).date() for t in ts)
                for name, ts in transitions.items()
            },
            holidays={
                c: frozenset(d for y in range(first_year, last_year + 1) for d in holidays_in(c, y))
                for c in HolidayCalendar
            },
            months={n: frozenset(vs) for n, vs in values.items() if units.get(n) is Unit.MONTHS},
            period_days=by_unit(Unit.DAYS),
            opening_seconds=by_unit(Unit.SECONDS),
            deadline_days=by_unit(Unit.WORKING_DAYS),
            edges=frozenset(edges),
            silent_limits=frozenset(float(v) for v in by_unit(Unit.PERCENT)),
        )

    def month_values(self, name: str) -> list[int]:
        return sorted(self.months.get(name, ()))


# --- the fast generator ----------------------------------------------------------------------

_TINY = dt.timedelta(microseconds=1)
_SECOND = dt.timedelta(seconds=1)
_MINUTE = dt.timedelta(minutes=1)
NEAR = (-_MINUTE, -_SECOND, -_TINY, dt.timedelta(0), _TINY, _SECOND, _MINUTE)
"""Offsets around an edge: a minute, a second and a microsecond either side, and on it."""


class Generator:
    """Call records from a seeded :class:`random.Random`, a batch at a time.

    Draws what the hypothesis strategies of ``test_columnar.py`` draw (every field, absent
    values, empty lists), about half of the calls start on or next to an edge of
    ``bounds`` (a DST change, Stockholm midnight, a month's end, a holiday or eve, a version's
    first day, a calling-window edge, 30 days after another call to the same number) and the
    other moments of a record aim at the edges of the rules that read them (NIX validity,
    consent, customer tail, frequency window, acceptance after the call, confirmation
    deadline, opening window). :func:`situations` counts what was drawn."""

    def __init__(self, bounds: Boundaries) -> None:
        self.bounds = bounds
        self.transitions = [t for ts in bounds.transitions.values() for t in ts]
        self.holidays = sorted(set().union(*bounds.holidays.values()))
        self.version_days = sorted(bounds.version_days)
        self.edges = sorted(bounds.edges)
        self.periods = sorted(bounds.period_days)
        self.openings = sorted(bounds.opening_seconds)
        self.deadlines = sorted(bounds.deadline_days)
        self.nix_months = bounds.month_values("nix_check_validity")
        self.consent_months = bounds.month_values("consent_validity")
        self.tail_months = bounds.month_values("customer_tail")
        self.refused: Counter[str] = Counter()
        self.refused_examples: list[str] = []

    def batch(self, seed: object, size: int) -> list[CallRecord]:
        """``size`` records, the same for the same ``seed`` (any str or int).

        A draw that :class:`CallRecord` refuses is drawn again, and counted in ``refused``
        with the problem (the first few kept in ``refused_examples``)."""
        rnd = random.Random(str(seed))
        out: list[CallRecord] = []
        while len(out) < size:
            drawn = self._record(rnd, len(out), out)
            try:
                out.append(CallRecord(**drawn))
            except FieldProblem as problem:
                reason = problem.render("en")
                self.refused[reason] += 1
                if len(self.refused_examples) < 3:
                    started, ended = drawn["started_at"], drawn["ended_at"]
                    self.refused_examples.append(
                        f"{reason}: started_at {shown_moment(started)}, "
                        f"ended_at {shown_moment(ended)}"
                    )
        if out and self.bounds.silent_limits:
            self._at_silent_limits(rnd, out)
        return out

    # moments

    def _zone(self, rnd: random.Random) -> dt.tzinfo:
        x = rnd.random()
        if x < 0.85:
            return rnd.choice(ZONES)
        return rnd.choice(FIXED_OFFSETS)

    def _written(self, rnd: random.Random, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(self._zone(rnd))

    def _uniform(self, rnd: random.Random) -> dt.datetime:
        """As hypothesis' ``datetimes``: a naive time in range, a zone, a fold; never a wall
        clock time the zone skips."""
        span = int((LAST_MOMENT - FIRST_MOMENT).total_seconds())
        while True:
            naive = FIRST_MOMENT + dt.timedelta(
                seconds=rnd.randrange(span), microseconds=rnd.randrange(1_000_000)
            )
            zone = rnd.choice(ZONES)
            at = naive.replace(tzinfo=zone, fold=rnd.randrange(2))
            if at.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == naive:
                return at

    def _local(self, rnd: random.Random, day: dt.date) -> dt.datetime:
        """A UTC instant on the Stockholm ``day``: at a random time, or within a minute of a
        midnight or of a window edge."""
        x = rnd.random()
        if x < 0.4:
            start = dt.datetime.combine(day, dt.time(0), STOCKHOLM).astimezone(dt.UTC)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), STOCKHOLM)
            span = int((end.astimezone(dt.UTC) - start).total_seconds())
            return start + dt.timedelta(seconds=rnd.randrange(span))
        if x < 0.7:
            midnight = day + dt.timedelta(days=rnd.randrange(2))
            base = dt.datetime.combine(midnight, dt.time(0), STOCKHOLM)
        else:
            base = dt.datetime.combine(day, rnd.choice(self.edges or [dt.time(9)]), STOCKHOLM)
        return base.astimezone(dt.UTC) + rnd.choice(NEAR)

    def _random_day(self, rnd: random.Random) -> dt.date:
        first, last = FIRST_MOMENT.date(), LAST_MOMENT.date()
        return first + dt.timedelta(days=rnd.randrange((last - first).days + 1))

    def _start(self, rnd: random.Random, earlier: list[CallRecord]) -> tuple[dt.datetime, Any]:
        """The call's start, and an earlier call it neighbours (or None)."""
        x = rnd.random()
        if x < 0.25:
            return self._uniform(rnd), None
        if x < 0.35:
            return rnd.choice(DAY_CALLS), None
        if x < 0.45 and earlier:
            other = rnd.choice(earlier)
            days = rnd.choice([0, *self.periods])
            instant = other.started_at.astimezone(dt.UTC) + dt.timedelta(days=days)
            return self._written(rnd, instant + rnd.choice(NEAR)), other
        if x < 0.6 and self.transitions:
            instant = rnd.choice(self.transitions) + rnd.choice(
                [*NEAR, *(dt.timedelta(minutes=m) for m in (-61, -60, -30, 30, 59, 60, 61))]
            )
            return self._written(rnd, instant), None
        if x < 0.7:
            day = self._random_day(rnd)
        elif x < 0.78:  # a month's last or first day
            day = self._random_day(rnd).replace(day=1) - dt.timedelta(days=rnd.randrange(2))
        elif x < 0.9:
            day = rnd.choice(self.holidays) + dt.timedelta(days=rnd.choice([-1, 0, 0, 1]))
        else:
            day = rnd.choice(self.version_days) + dt.timedelta(days=rnd.choice([-1, 0, 0]))
        return self._written(rnd, self._local(rnd, day)), None

    def _around(self, rnd: random.Random, at: dt.datetime) -> dt.datetime:
        """As the strategies' ``some_moment``: whole minutes around the start, in its zone."""
        return after(at, rnd.randint(*MOMENT_MINUTES))

    def _near(
        self, rnd: random.Random, moment: dt.datetime, back: dt.timedelta = dt.timedelta(0)
    ) -> dt.datetime:
        """Next to ``moment - back`` (elapsed time, not wall clock), in ``moment``'s zone."""
        return (moment.astimezone(dt.UTC) - back + rnd.choice(NEAR)).astimezone(moment.tzinfo)

    def _months_back(self, rnd: random.Random, day: dt.date, months: list[int]) -> dt.date:
        """A day that ``months`` (one of them) later is ``day`` or next to it."""
        back = add_months(day, -rnd.choice(months or [3]))
        return back + dt.timedelta(days=rnd.randint(-2, 2))

    # the record

    def _record(self, rnd: random.Random, i: int, earlier: list[CallRecord]) -> dict[str, Any]:
        """The fields of a record (``CallRecord`` may still refuse them)."""
        at, neighbour = self._start(rnd, earlier)
        day = _stockholm_day(at)
        p = rnd.random

        def maybe(value: Callable[[], Any], none: float = 0.35) -> Any:
            return None if p() < none else value()

        def moment() -> dt.datetime | None:
            drawn: dt.datetime | None = maybe(lambda: self._around(rnd, at), 0.5)
            return drawn

        ended_at = after(at, rnd.randint(*DURATION_MINUTES))
        accepted_at = moment()
        if p() < 0.15:
            accepted_at = self._near(rnd, ended_at)
        offer_sent_at = moment()
        if accepted_at is not None and p() < 0.2:
            offer_sent_at = self._near(rnd, accepted_at)
        confirmation_sent_at, confirmation_received_at = moment(), moment()
        if accepted_at is not None and self.deadlines and p() < 0.3:
            agreed = _stockholm_day(accepted_at)
            calendar = rnd.choice(list(HolidayCalendar))
            last = add_working_days(agreed, rnd.choice(self.deadlines), calendar)
            edge = self._written(rnd, self._local(rnd, last + dt.timedelta(days=rnd.randrange(2))))
            if p() < 0.5:
                confirmation_received_at = edge
            else:
                confirmation_sent_at = edge
        if neighbour is not None:
            organisation, destination = neighbour.calling_organisation, neighbour.destination
        else:
            organisation = rnd.choice(ORGANISATIONS)
            destination = rnd.choice(
                DESTINATIONS if p() < 0.85 else [*DESTINATIONS, *MORE_DESTINATIONS]
            )
        return dict(
            call_id=f"c{i}" if not earlier or p() > 0.002 else rnd.choice(earlier).call_id,
            started_at=at,
            ended_at=ended_at,
            calling_organisation=organisation,
            destination=destination,
            purpose=rnd.choice(PURPOSES if p() < 0.9 else MORE_PURPOSES),
            target=rnd.choice(TARGETS if p() < 0.95 else MORE_TARGETS),
            initiated_by=rnd.choice(INITIATORS),
            caller_id_shown=rnd.choice([None, True, False]),
            recorded_segments=maybe(
                lambda: rnd.sample(SEGMENTS, rnd.randint(0, MAX_SEGMENTS)), 0.4
            ),
            offer_category=rnd.choice(OFFER_CATEGORIES),
            accepted_at=accepted_at,
            offer_sent_at=offer_sent_at,
            acceptance_form=rnd.choice(ACCEPTANCE_FORMS),
            silent=rnd.choice([None, True, False]),
            subscription=rnd.choice(SUBSCRIPTIONS),
            principal=rnd.choice(PRINCIPALS),
            agent_name=rnd.choice(AGENT_NAMES),
            agent_relationship=rnd.choice(AGENT_RELATIONSHIPS),
            nix=maybe(lambda: self._nix(rnd, day)),
            customer=maybe(lambda: self._customer(rnd, day)),
            consent=maybe(lambda: self._consent(rnd, at, day)),
            disclosures=maybe(lambda: self._disclosures(rnd), 0.4),
            confirmation_sent_at=confirmation_sent_at,
            confirmation_received_at=confirmation_received_at,
            previous_calls=maybe(lambda: self._previous(rnd, at), 0.5),
            do_not_call_requests=maybe(lambda: self._requests(rnd, at), 0.5),
        )

    def _nix(self, rnd: random.Random, day: dt.date) -> NixEvidence:
        x = rnd.random()
        updated: dt.date | None
        if x < 0.15:
            updated = None
        elif x < 0.55:
            updated = day + dt.timedelta(days=rnd.randint(*NIX_UPDATED_DAYS))
        elif x < 0.65:
            updated = day + dt.timedelta(days=rnd.randrange(2))
        else:
            updated = self._months_back(rnd, day, self.nix_months)
        return NixEvidence(rnd.random() < 0.8, updated, rnd.choice([None, True, False]))

    def _customer(self, rnd: random.Random, day: dt.date) -> CustomerRelationship:
        category = rnd.choice(PRODUCT_CATEGORIES)
        if rnd.random() < 0.2:
            started = day + dt.timedelta(days=rnd.randrange(2))
        else:
            started = day + dt.timedelta(days=rnd.randint(*CUSTOMER_STARTED_DAYS))
        x = rnd.random()
        if x < 0.4:
            return CustomerRelationship(category, started)
        if x < 0.7:
            ended = day + dt.timedelta(days=rnd.randint(*CUSTOMER_ENDED_DAYS))
        else:
            ended = self._months_back(rnd, day, self.tail_months)
        return CustomerRelationship(category, min(started, ended), ended)

    def _consent(self, rnd: random.Random, at: dt.datetime, day: dt.date) -> Consent:
        organisations: tuple[str, ...] = rnd.choice(CONSENT_ORGANISATIONS)
        if rnd.random() < 0.1:
            organisations = tuple(rnd.sample(ORGANISATIONS[2:], rnd.randint(0, 3)))
        x = rnd.random()
        if x < 0.45:
            given = self._around(rnd, at)
        elif x < 0.6:
            given = self._near(rnd, at)
        else:
            back = self._months_back(rnd, day, self.consent_months)
            given = self._written(rnd, self._local(rnd, back))
        return Consent(organisations, given)

    def _disclosures(self, rnd: random.Random) -> list[Disclosed]:
        out = []
        for _ in range(rnd.randint(0, MAX_DISCLOSURES)):
            item = rnd.choice(DISCLOSURE_ITEMS if rnd.random() < 0.9 else MORE_DISCLOSURE_ITEMS)
            x = rnd.random()
            seconds: float
            if x < 0.35:
                seconds = rnd.randint(*DISCLOSURE_SECONDS)
            elif x < 0.7:
                seconds = rnd.uniform(*DISCLOSURE_SECONDS)
            else:
                limit = float(rnd.choice(self.openings or [20]))
                seconds = rnd.choice(
                    [
                        limit,
                        int(limit),
                        math.nextafter(limit, math.inf),
                        math.nextafter(limit, 0),
                        limit + 1e-6,
                        limit - 1,
                        limit + 1,
                        0.0,
                        5e-324,
                    ]
                )
            out.append(Disclosed(item, seconds))
        return out

    def _previous(self, rnd: random.Random, at: dt.datetime) -> list[dt.datetime]:
        out = []
        for _ in range(rnd.randint(0, MAX_PREVIOUS_CALLS)):
            if rnd.random() < 0.5:
                out.append(self._around(rnd, at))
            else:
                days = rnd.choice([0, *self.periods])
                out.append(self._near(rnd, at, dt.timedelta(days=days)))
        return out

    def _requests(self, rnd: random.Random, at: dt.datetime) -> list[dt.datetime]:
        return [
            self._around(rnd, at) if rnd.random() < 0.6 else self._near(rnd, at)
            for _ in range(rnd.randint(0, MAX_REQUESTS))
        ]

    def _at_silent_limits(self, rnd: random.Random, batch: list[CallRecord]) -> None:
        """Some calls of the batch made by ``SHARE_ORGANISATIONS[0]``, whose share of silent
        calls is exactly a limit of the policies, and some by ``SHARE_ORGANISATIONS[1]``, one
        silent call from a limit (a few of each with ``silent`` unknown)."""
        plans = []
        for organisation, off in zip(SHARE_ORGANISATIONS, (0, rnd.choice([-1, 1])), strict=True):
            limit = rnd.choice(sorted(self.bounds.silent_limits))
            fraction = limit / 100
            fewest = [k for k in range(1, 401) if 100.0 * round(k * fraction) / k == limit]
            if not fewest:
                continue
            known = fewest[0] * rnd.randint(1, 3)
            silent = min(max(round(known * fraction) + off, 0), known)
            flags = [True] * silent + [False] * (known - silent) + [None] * rnd.randrange(3)
            plans.append((organisation, flags))
        picks = iter(rnd.sample(range(len(batch)), min(len(batch), sum(len(f) for _, f in plans))))
        for organisation, flags in plans:
            for flag, index in zip(flags, picks, strict=False):
                batch[index] = attrs.evolve(
                    batch[index], calling_organisation=organisation, silent=flag
                )


# --- what a batch holds ----------------------------------------------------------------------

SITUATIONS = {
    "dst-day": "starts on a Stockholm DST-change day",
    "dst-hour": "starts within an hour of a Stockholm DST change",
    "dst-day-ny": "written in New York time on a New York DST-change day",
    "fold": "written in a zone's repeated hour (DST fold)",
    "midnight": "starts within a minute of Stockholm midnight",
    "month-end": "starts on a month's last day (Stockholm)",
    "month-first": "starts on a month's first day (Stockholm)",
    "holiday": "starts on a Swedish public holiday",
    "eve": "starts on a midsummer, Christmas or New Year's Eve",
    "holiday-next": "starts the day before or after a holiday or eve",
    "window-edge": "starts within a minute of a calling-window or office-hours edge",
    "version-day": "starts on the first day of a version or rule, or the register's update day",
    "before-rules": "starts before any call rules (the reference rejects it)",
    "fixed-offset": "written with a fixed UTC offset",
    "zone-utc": "written in UTC",
    "zone-ny": "written in New York time",
    "nix-edge": "NIX register version at its validity edge (last valid day or the day after)",
    "nix-stale": "NIX register version stale (past every validity)",
    "nix-fresh": "NIX register version fresh (within every validity)",
    "nix-future": "NIX register version dated after the call",
    "nix-no-date": "NIX evidence without the register's date",
    "nix-unchecked": "NIX evidence: not checked",
    "register-day": "no NIX evidence, on the register snapshot's update day or the day before",
    "consent-edge": "consent at its validity edge (last valid day or the day after)",
    "consent-instant": "consent within a second of the call's start",
    "consent-after": "consent given after the call started",
    "tail-edge": "customer relationship ended at the tail's edge (last day or the day after)",
    "customer-later": "customer relationship started on or after the call's day",
    "previous-edge": "a previous call within a minute of the frequency window's start",
    "previous-same": "a previous call within a second of the call's start",
    "neighbour-edge": "another call of the batch, same organisation and number, within a "
    "minute of the frequency period before",
    "neighbour-same": "another call of the batch, same organisation and number, same instant",
    "accepted-at-end": "accepted within a second of the call's end",
    "offer-at-acceptance": "offer sent within a second of the acceptance",
    "confirmation-edge": "confirmation on the last working day of the deadline or the day after",
    "opening-edge": "a disclosure within a second of the opening window's end",
    "request-at-start": "a do-not-call request within a second of the call's start",
    "silent-limit": "calls of an organisation whose batch share of silent calls is exactly a limit",
    "silent-near-limit": "calls of an organisation one silent call from a limit",
    "repeated-id": "a call id repeated in the batch (judged on its first line only)",
    "more-values": "a purpose, target, number or disclosure the strategies do not draw",
    "absent": "absent (None) values, over every optional field",
    "empty": "empty lists",
}
"""What :func:`situations` counts, and how the equivalence report names it."""

OPTIONAL_FIELDS = [a.name for a in attrs.fields(CallRecord) if a.default is None]
"""The fields a record may leave absent."""


def situations(bounds: Boundaries, batch: Sequence[CallRecord]) -> Counter[str]:
    """How many records of ``batch`` sit at each edge of ``SITUATIONS``, from the records
    alone (not from how they were drawn); ``absent`` and ``empty`` count values."""
    n: Counter[str] = Counter()
    holidays = bounds.holidays[HolidayCalendar.SE_PUBLIC]
    every = bounds.holidays[HolidayCalendar.SE_PUBLIC_AND_EVES]
    eves = every - holidays
    sthlm_changes = bounds.transitions[str(STOCKHOLM)]
    near = dt.timedelta(minutes=1)
    second = dt.timedelta(seconds=1)
    nix_months = bounds.month_values("nix_check_validity")
    consent_months = bounds.month_values("consent_validity")
    tail_months = bounds.month_values("customer_tail")
    periods = [dt.timedelta(days=d) for d in sorted(bounds.period_days)]
    edges = [e.hour * 3600 + e.minute * 60 for e in bounds.edges]
    more = {*MORE_PURPOSES, *MORE_TARGETS, *MORE_DESTINATIONS, *MORE_DISCLOSURE_ITEMS}
    starts: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
    ids: Counter[str] = Counter()
    silent: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in batch:
        starts[(r.calling_organisation, r.destination)].append(r.started_at.astimezone(dt.UTC))
        ids[r.call_id] += 1
        counts = silent[r.calling_organisation]
        counts[2] += 1
        if r.silent is not None:
            counts[0] += r.silent
            counts[1] += 1
    for ts in starts.values():
        ts.sort()

    def within(ts: list[dt.datetime], moment: dt.datetime, slack: dt.timedelta) -> int:
        return bisect.bisect_right(ts, moment + slack) - bisect.bisect_left(ts, moment - slack)

    for r in batch:
        start = r.started_at
        utc = start.astimezone(dt.UTC)
        local = start.astimezone(STOCKHOLM)
        day = local.date()
        zone = start.tzinfo
        if day in bounds.change_days[str(STOCKHOLM)]:
            n["dst-day"] += 1
            i = bisect.bisect_left(sthlm_changes, utc)
            if any(
                abs(sthlm_changes[j] - utc) <= dt.timedelta(hours=1)
                for j in (i - 1, i)
                if 0 <= j < len(sthlm_changes)
            ):
                n["dst-hour"] += 1
        if zone is NEW_YORK:
            n["zone-ny"] += 1
            if start.date() in bounds.change_days[str(NEW_YORK)]:
                n["dst-day-ny"] += 1
        elif zone is dt.UTC:
            n["zone-utc"] += 1
        elif isinstance(zone, dt.timezone):
            n["fixed-offset"] += 1
        if isinstance(zone, ZoneInfo) and start.replace(fold=1 - start.fold).utcoffset() != (
            start.utcoffset()
        ):
            n["fold"] += 1
        seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        if seconds <= 60 or seconds >= 86400 - 60:
            n["midnight"] += 1
        if any(abs(seconds - e) <= 60 for e in edges):
            n["window-edge"] += 1
        if (day + dt.timedelta(days=1)).day == 1:
            n["month-end"] += 1
        if day.day == 1:
            n["month-first"] += 1
        if day in holidays:
            n["holiday"] += 1
        elif day in eves:
            n["eve"] += 1
        elif {day - dt.timedelta(days=1), day + dt.timedelta(days=1)} & every:
            n["holiday-next"] += 1
        if day in bounds.version_days:
            n["version-day"] += 1
        if day < bounds.first_rules_day:
            n["before-rules"] += 1
        nix = r.nix
        if nix is None:
            if day in (REGISTER_UPDATED, REGISTER_UPDATED - dt.timedelta(days=1)):
                n["register-day"] += 1
        elif not nix.checked:
            n["nix-unchecked"] += 1
        elif nix.register_updated is None:
            n["nix-no-date"] += 1
        elif nix.register_updated > day:
            n["nix-future"] += 1
        else:
            limits = [add_months(nix.register_updated, m) for m in nix_months]
            if any(day in (last, last + dt.timedelta(days=1)) for last in limits):
                n["nix-edge"] += 1
            elif limits and all(day > last for last in limits):
                n["nix-stale"] += 1
            elif limits and all(day <= last for last in limits):
                n["nix-fresh"] += 1
        consent = r.consent
        if consent is not None:
            given = consent.given_at
            if abs(given - start) <= second:
                n["consent-instant"] += 1
            if given > start:
                n["consent-after"] += 1
            given_day = _stockholm_day(given)
            if any(
                day in (last, last + dt.timedelta(days=1))
                for last in (add_months(given_day, m) for m in consent_months)
            ):
                n["consent-edge"] += 1
        customer = r.customer
        if customer is not None:
            if customer.started >= day:
                n["customer-later"] += 1
            if customer.ended is not None and any(
                day in (last, last + dt.timedelta(days=1))
                for last in (add_months(customer.ended, m) for m in tail_months)
            ):
                n["tail-edge"] += 1
        if r.previous_calls:
            if any(abs(utc - period - t) <= near for t in r.previous_calls for period in periods):
                n["previous-edge"] += 1
            if any(abs(t - start) <= second for t in r.previous_calls):
                n["previous-same"] += 1
        ts = starts[(r.calling_organisation, r.destination)]
        if any(within(ts, utc - period, near) for period in periods):
            n["neighbour-edge"] += 1
        if within(ts, utc, dt.timedelta(0)) > 1:
            n["neighbour-same"] += 1
        if r.accepted_at is not None:
            if abs(r.accepted_at - r.ended_at) <= second:
                n["accepted-at-end"] += 1
            if r.offer_sent_at is not None and abs(r.offer_sent_at - r.accepted_at) <= second:
                n["offer-at-acceptance"] += 1
            confirmed = [
                _stockholm_day(m)
                for m in (r.confirmation_sent_at, r.confirmation_received_at)
                if m is not None
            ]
            if confirmed:
                agreed = _stockholm_day(r.accepted_at)
                lasts = {
                    add_working_days(agreed, d, c)
                    for d in bounds.deadline_days
                    for c in HolidayCalendar
                }
                if any(
                    c in (last, last + dt.timedelta(days=1)) for c in confirmed for last in lasts
                ):
                    n["confirmation-edge"] += 1
        if r.disclosures and any(
            abs(d.at_seconds - limit) <= 1
            for d in r.disclosures
            for limit in bounds.opening_seconds
        ):
            n["opening-edge"] += 1
        if r.do_not_call_requests and any(abs(t - start) <= second for t in r.do_not_call_requests):
            n["request-at-start"] += 1
        if ids[r.call_id] > 1:
            n["repeated-id"] += 1
        if (
            r.purpose.value in more
            or (r.target is not None and r.target.value in more)
            or r.destination in more
            or any(d.item.value in more for d in r.disclosures or ())
        ):
            n["more-values"] += 1
        values = [getattr(r, name) for name in OPTIONAL_FIELDS]
        n["absent"] += sum(v is None for v in values)
        n["empty"] += sum(v == () for v in values)
    for counts in silent.values():
        silent_calls, known, calls = counts
        if not known:
            continue
        for limit in bounds.silent_limits:
            if 100.0 * silent_calls / known == limit:
                n["silent-limit"] += calls
            elif any(100.0 * s / known == limit for s in (silent_calls - 1, silent_calls + 1)):
                n["silent-near-limit"] += calls
    return n


# --- the harness -----------------------------------------------------------------------------

ENGINES = {
    "duckdb": "kontakta_rules.columnar.duckdb_engine",
    "spark": "kontakta_rules.columnar.spark_engine",
}
"""Engines by name: a module with ``judge(evaluator, items, *, kinds)`` yielding findings
with the fields of ``duckdb_engine.EngineFinding``; imported when first used."""


class EngineUnavailable(RuntimeError):
    """The engine's module is not in this installation, or cannot be imported."""


def engine_judge(name: str) -> Callable[..., Iterable[Any]]:
    """The ``judge`` function of the engine called ``name``."""
    module_name = ENGINES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module_name.startswith(exc.name):
            raise EngineUnavailable(
                f"the {name} engine ({module_name}) is not in this installation yet"
            ) from exc
        raise EngineUnavailable(f"the {name} engine cannot be imported: {exc}") from exc
    except ImportError as exc:
        raise EngineUnavailable(f"the {name} engine cannot be imported: {exc}") from exc
    judge: Callable[..., Iterable[Any]] = module.judge
    return judge


def judge_with(
    engine: str,
    evaluator: CallEvaluator,
    items: list[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = COLUMNAR,
) -> Iterator[Any]:
    """The engine's findings for ``items`` as one batch."""
    yield from engine_judge(engine)(evaluator, items, kinds=kinds)


def _norm(value: object) -> Any:
    """A message argument as the engine's JSON gives it back."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_norm(v) for v in value]
    if isinstance(value, Message):
        return {"msgid": value.msgid, "args": {k: _norm(v) for k, v in value.args.items()}}
    return value


Key = tuple[Any, ...]
"""A finding as both sides can state it: line, ruleset, version, rule, outcome, message id
and the message's arguments (as JSON)."""


def _key(
    line: int, ruleset: str, version: str, rule: str, outcome: str, msgid: str, args: Any
) -> Key:
    return (line, ruleset, version, rule, outcome, msgid, json.dumps(args, sort_keys=True))


def reference_keys(
    evaluator: CallEvaluator,
    items: list[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = COLUMNAR,
) -> tuple[list[Key], int]:
    """The reference's findings for ``items`` judged as one batch, as an audit is (the batch
    is the call history and gives the silent-call shares; a repeated call id is judged on its
    first line only), and how many lines it rejected."""
    line_of: dict[str, int] = {}
    for line, r in items:
        line_of.setdefault(r.call_id, line)
    report = evaluator.evaluate(items, kinds)
    keys = [
        _key(
            line_of[f.subject_id],
            f.ruleset_id,
            f.ruleset_version.isoformat(),
            f.rule_id,
            f.outcome.value,
            f.message.msgid,
            {k: _norm(v) for k, v in f.message.args.items()},
        )
        for f in report.findings
    ]
    return keys, len(report.rejected)


def engine_keys(
    engine: str,
    evaluator: CallEvaluator,
    items: list[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = COLUMNAR,
) -> list[Key]:
    return [
        _key(f.line, f.ruleset_id, f.ruleset_version, f.rule_id, f.outcome, f.msgid, f.args)
        for f in judge_with(engine, evaluator, items, kinds)
    ]


def differences(
    evaluator: CallEvaluator,
    items: list[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = COLUMNAR,
    engine: str = "duckdb",
) -> tuple[set[Key], set[Key], int]:
    """The findings only the reference has, those only the engine has, and how many the
    reference has (as sets)."""
    reference = set(reference_keys(evaluator, items, kinds)[0])
    columnar = set(engine_keys(engine, evaluator, items, kinds))
    return reference - columnar, columnar - reference, len(reference)


@attrs.frozen
class Comparison:
    """One batch judged by both, findings counted as multisets (a finding given twice by one
    side and once by the other is a difference)."""

    missing: Counter[Key]
    """Findings of the reference the engine did not give."""
    extra: Counter[Key]
    """Findings of the engine the reference did not give."""
    reference: int
    engine: int
    rejected: int
    """Lines the reference rejected (dated before any call rules, or a repeated call id)."""


def compare(
    engine: str,
    evaluator: CallEvaluator,
    items: list[tuple[int, CallRecord]],
    kinds: frozenset[str] | None = COLUMNAR,
) -> Comparison:
    ref, rejected = reference_keys(evaluator, items, kinds)
    eng = engine_keys(engine, evaluator, items, kinds)
    a, b = Counter(ref), Counter(eng)
    return Comparison(a - b, b - a, len(ref), len(eng), rejected)


def shown_moment(moment: dt.datetime) -> str:
    """``moment`` in ISO form; a zoned time with its zone's name in brackets
    (``2024-10-27T02:30:00+02:00[Europe/Stockholm]``)."""
    text = moment.isoformat()
    if isinstance(moment.tzinfo, ZoneInfo):
        text += f"[{moment.tzinfo.key}]"
    return text


def shown_record(r: CallRecord) -> str:
    """``r`` as JSON with its set fields, zoned times with their zone's name (see
    :func:`shown_moment`), so the record can be rebuilt exactly."""

    def value(v: object) -> Any:
        if isinstance(v, dt.datetime):
            return shown_moment(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, enum.Enum):
            return v.value
        if isinstance(v, tuple | list):
            return [value(x) for x in v]
        if attrs.has(type(v)):
            return {a.name: value(getattr(v, a.name)) for a in attrs.fields(type(v))}  # type: ignore[arg-type]
        return v

    return json.dumps({k: value(v) for k, v in fields(r).items() if v is not None})
