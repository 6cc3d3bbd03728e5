"""Call evaluators: compliant, violation and boundary cases per check kind, using the
bundled rulesets' own checks and parameters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs

from kontakta_rules.catalog import Catalog
from kontakta_rules.checks.verdict import Context
from kontakta_rules.model import Parameter, Ruleset
from kontakta_rules.subjects import CallRecord, Consent, CustomerRelationship, Disclosed
from kontakta_rules.text import Text
from kontakta_rules.vocabulary import Basis, Outcome, ParameterType, Unit

STHLM = ZoneInfo("Europe/Stockholm")
CATALOG = Catalog.default()


def rule_and_context(ref: str, rule_id: str, **values: object) -> tuple[object, Context]:
    rs: Ruleset = CATALOG.resolve(ref)
    params = dict(rs.parameters)
    for name, value in values.items():
        params[name] = Parameter(
            type=ParameterType.INTEGER,
            unit=Unit.SECONDS,
            description=Text("x", "x"),
            basis=Basis.ORGANISATION,
            value=value,
        )  # type: ignore[arg-type]
    return rs.rule(rule_id).check, Context(params)


def call(start: dt.datetime | None = None, **kw: object) -> CallRecord:
    start = start or dt.datetime(2026, 3, 2, 12, tzinfo=STHLM)
    fields: dict[str, object] = {
        "purpose": "sales",
        "ended_at": start + dt.timedelta(minutes=5),
    } | kw
    return CallRecord(
        call_id="c",
        started_at=start,
        calling_organisation="Acme AB",
        destination="+46701740605",
        **fields,
    )  # type: ignore[arg-type]


def outcome(check: object, ctx: Context, record: CallRecord) -> Outcome:
    return check.judge(record, ctx).outcome  # type: ignore[attr-defined]


def test_do_not_call_request_beats_everything() -> None:
    check, ctx = rule_and_context("swedish-law@2018-09-01", "gdpr-objection-direct-marketing")
    start = dt.datetime(2026, 3, 2, 12, tzinfo=STHLM)
    consent = Consent(("Acme AB",), start - dt.timedelta(days=1))
    assert outcome(check, ctx, call(start, do_not_call_requests=())) is Outcome.COMPLIANT
    # not passed: not known, so never taken as "nobody asked" (a dialer must fail closed)
    assert outcome(check, ctx, call(start)) is Outcome.UNDETERMINED
    assert (
        outcome(
            check,
            ctx,
            call(start, do_not_call_requests=(start - dt.timedelta(days=900),), consent=consent),
        )
        is Outcome.VIOLATION
    )
    assert (
        outcome(check, ctx, call(start, do_not_call_requests=(start + dt.timedelta(minutes=1),)))
        is Outcome.COMPLIANT
    )  # asked during/after this call


def test_opening_disclosures_at_the_start() -> None:
    check, ctx = rule_and_context(
        "swedish-law@2018-09-01", "call-opening-disclosures", opening_window=30
    )
    all_items = [
        "company-or-principal",
        "commercial-purpose",
        "goods-or-services",
        "agent-name",
        "agent-relationship",
    ]
    said = tuple(Disclosed(item, 10) for item in all_items)
    assert outcome(check, ctx, call(initiated_by="trader", disclosures=said)) is Outcome.COMPLIANT
    assert (
        outcome(check, ctx, call(initiated_by="trader", disclosures=said[:4])) is Outcome.VIOLATION
    )
    without_product = tuple(d for d in said if d.item.value != "goods-or-services")
    assert (
        outcome(check, ctx, call(initiated_by="trader", disclosures=without_product))
        is Outcome.VIOLATION
    )
    at_limit = (*said[:4], Disclosed("agent-relationship", 30))
    late = (*said[:4], Disclosed("agent-relationship", 30.5))
    assert (
        outcome(check, ctx, call(initiated_by="trader", disclosures=at_limit)) is Outcome.COMPLIANT
    )
    assert outcome(check, ctx, call(initiated_by="trader", disclosures=late)) is Outcome.VIOLATION
    assert (
        outcome(check, ctx, call(initiated_by="consumer", disclosures=())) is Outcome.NOT_APPLICABLE
    )
    assert outcome(check, ctx, call(initiated_by="trader")) is Outcome.UNDETERMINED


def test_opening_window_without_a_value_is_undetermined() -> None:
    check, ctx = rule_and_context("swedish-law@2018-09-01", "call-opening-disclosures")
    said = tuple(
        Disclosed(i, 1)
        for i in [
            "company-or-principal",
            "commercial-purpose",
            "goods-or-services",
            "agent-name",
            "agent-relationship",
        ]
    )
    verdict = check.judge(call(initiated_by="trader", disclosures=said), ctx)  # type: ignore[attr-defined]
    assert verdict.outcome is Outcome.UNDETERMINED and verdict.missing_parameters == (
        "opening_window",
    )


def test_written_acceptance_after_the_call() -> None:
    check, ctx = rule_and_context("swedish-law@2018-09-01", "written-acceptance")
    start = dt.datetime(2026, 3, 2, 12, tzinfo=STHLM)
    end = start + dt.timedelta(minutes=5)
    base = {
        "initiated_by": "trader",
        "offer_category": "el",
        "offer_sent_at": end,
        "acceptance_form": "written",
    }
    # boundary: accepting the very second the call ends is not "after the call"
    assert outcome(check, ctx, call(start, **base, accepted_at=end)) is Outcome.VIOLATION
    after = end + dt.timedelta(seconds=1)
    assert outcome(check, ctx, call(start, **base, accepted_at=after)) is Outcome.COMPLIANT
    # the acceptance answers the written offer: not before it was sent
    early = {**base, "offer_sent_at": after + dt.timedelta(hours=1)}
    assert outcome(check, ctx, call(start, **early, accepted_at=after)) is Outcome.VIOLATION
    assert (
        outcome(check, ctx, call(start, **base, accepted_at=end - dt.timedelta(seconds=1)))
        is Outcome.VIOLATION
    )
    # an SMS sent after the call is written (the banned trick is answering YES during the call)
    assert (
        outcome(
            check,
            ctx,
            call(
                start,
                **(base | {"acceptance_form": "sms-reply"}),
                accepted_at=end + dt.timedelta(hours=1),
            ),
        )
        is Outcome.COMPLIANT
    )
    assert (
        outcome(check, ctx, call(start, **(base | {"acceptance_form": "oral"}), accepted_at=end))
        is Outcome.VIOLATION
    )
    assert (
        outcome(check, ctx, call(start, **(base | {"initiated_by": "consumer"}), accepted_at=end))
        is Outcome.NOT_APPLICABLE
    )
    assert (
        outcome(
            check,
            ctx,
            call(
                start,
                **(base | {"initiated_by": "consumer-prompted-by-trader"}),
                accepted_at=end + dt.timedelta(seconds=1),
            ),
        )
        is Outcome.COMPLIANT
    )
    assert (
        outcome(
            check,
            ctx,
            call(
                start,
                **(base | {"offer_category": "lottery", "acceptance_form": "oral"}),
                accepted_at=start,
            ),
        )
        is Outcome.NOT_APPLICABLE
    )
    assert outcome(check, ctx, call(start, **base)) is Outcome.NOT_APPLICABLE  # no contract


def test_confirmation_within_five_working_days_over_easter() -> None:
    check, ctx = rule_and_context("telemarketing-b2c@2017-01-01", "written-confirmation-deadline")
    agreed = dt.datetime(
        2026, 4, 1, 15, tzinfo=STHLM
    )  # Wednesday before Easter 2026 (Good Friday 3 April)
    # working days after 1 April: 2 (Thu), 7, 8, 9, 10 April (6 April is Easter Monday)
    last_evening = dt.datetime(2026, 4, 10, 23, tzinfo=STHLM)
    next_morning = dt.datetime(2026, 4, 11, 8, tzinfo=STHLM)

    def judged(**facts: object) -> Outcome:
        return outcome(check, ctx, call(agreed, accepted_at=agreed, **facts))

    # the rule counts when the consumer *received* it (Kontakta: "ska få"; review D11)
    assert judged(confirmation_sent_at=last_evening, confirmation_received_at=last_evening) is (
        Outcome.COMPLIANT
    )
    assert judged(confirmation_sent_at=last_evening, confirmation_received_at=next_morning) is (
        Outcome.VIOLATION
    )
    assert judged(confirmation_received_at=last_evening) is Outcome.COMPLIANT
    # sent in time, receipt unknown: undetermined; sent too late: late whenever it arrived
    assert judged(confirmation_sent_at=last_evening) is Outcome.UNDETERMINED
    assert judged(confirmation_sent_at=next_morning) is Outcome.VIOLATION
    assert outcome(check, ctx, call(agreed, accepted_at=agreed)) is Outcome.UNDETERMINED
    assert outcome(check, ctx, call(agreed)) is Outcome.NOT_APPLICABLE


def test_confirmation_deadline_in_2021_needs_the_organisations_value() -> None:
    check, ctx = rule_and_context("telemarketing-b2c@2021-07-01", "written-confirmation-deadline")
    agreed = dt.datetime(2026, 4, 1, 15, tzinfo=STHLM)
    verdict = check.judge(call(agreed, accepted_at=agreed, confirmation_sent_at=agreed), ctx)  # type: ignore[attr-defined]
    assert verdict.outcome is Outcome.UNDETERMINED and verdict.missing_parameters == (
        "confirmation_deadline",
    )


def test_recording_of_offer_and_consent() -> None:
    check, ctx = rule_and_context("telemarketing-b2c@2021-07-01", "record-offer-and-consent")
    both = ("offer-presentation", "consent-to-written-offer")
    assert (
        outcome(check, ctx, call(offer_category="el", recorded_segments=both)) is Outcome.COMPLIANT
    )
    assert (
        outcome(check, ctx, call(offer_category="el", recorded_segments=both[:1]))
        is Outcome.VIOLATION
    )
    assert outcome(check, ctx, call(offer_category="el")) is Outcome.UNDETERMINED
    assert outcome(check, ctx, call()) is Outcome.NOT_APPLICABLE


def test_acceptance_is_recorded_for_consumer_calls_and_lotteries() -> None:
    check, ctx = rule_and_context(
        "telemarketing-b2c@2021-07-01", "record-acceptance-without-written-requirement"
    )
    start = dt.datetime(2026, 3, 2, 12, tzinfo=STHLM)
    contract = {"accepted_at": start + dt.timedelta(minutes=4), "recorded_segments": ()}
    # the trader called about electricity: the written-acceptance requirement applies instead
    el = call(start, initiated_by="trader", offer_category="electricity", **contract)
    assert outcome(check, ctx, el) is Outcome.NOT_APPLICABLE
    # the same contract for a lottery has no written requirement, whoever called
    lottery = call(start, initiated_by="trader", offer_category="lottery", **contract)
    assert outcome(check, ctx, lottery) is Outcome.VIOLATION
    unknown_initiator = call(start, offer_category="lottery", **contract)
    assert outcome(check, ctx, unknown_initiator) is Outcome.VIOLATION
    recorded = attrs.evolve(lottery, recorded_segments=("acceptance",))
    assert outcome(check, ctx, recorded) is Outcome.COMPLIANT
    consumer = call(start, initiated_by="consumer", offer_category="electricity", **contract)
    assert outcome(check, ctx, consumer) is Outcome.VIOLATION
    assert outcome(check, ctx, call(start, offer_category="electricity", **contract)) is (
        Outcome.UNDETERMINED
    )


def test_mobile_restriction_before_2014() -> None:
    check, ctx = rule_and_context("telemarketing-b2c@1987-01-01", "mobile-restriction")
    start = dt.datetime(2012, 5, 2, 12, tzinfo=STHLM)
    assert outcome(check, ctx, call(start)) is Outcome.VIOLATION
    assert (
        outcome(check, ctx, call(start, customer=CustomerRelationship("el", dt.date(2010, 1, 1))))
        is Outcome.COMPLIANT
    )
    landline = CallRecord(
        call_id="c",
        started_at=start,
        ended_at=start,
        calling_organisation="Acme AB",
        destination="+46812345678",
        purpose="sales",
    )  # type: ignore[arg-type]
    assert outcome(check, ctx, landline) is Outcome.NOT_APPLICABLE


def test_every_verdict_message_exists_in_both_languages() -> None:
    check, ctx = rule_and_context("swedish-law@2018-09-01", "written-acceptance")
    start = dt.datetime(2026, 3, 2, 12, tzinfo=STHLM)
    verdict = check.judge(
        call(
            start,
            initiated_by="trader",
            acceptance_form="oral",
            accepted_at=start,
            offer_category="el",
        ),
        ctx,
    )  # type: ignore[attr-defined]
    text = verdict.message.text()
    assert text.sv != text.en and "skriftligen" not in text.en


def test_a_previous_call_in_the_hour_the_clocks_go_back_is_counted_by_elapsed_time() -> None:
    """Found by the equivalence run: Python compares two times of one zone by their wall
    clocks, ignoring which of the repeated hour (fold) each is; 02:59:59 (summer time) is
    before 02:00 (winter time) the same night, and counts as an earlier call."""
    from kontakta_rules.history import CallHistory
    from kontakta_rules.timezone import STOCKHOLM

    earlier = dt.datetime(1987, 9, 27, 2, 59, 59, 999999, tzinfo=STOCKHOLM)  # +02:00
    call = dt.datetime(1987, 9, 27, 2, 0, fold=1, tzinfo=STOCKHOLM)  # +01:00, 1 µs later
    assert earlier.astimezone(dt.UTC) < call.astimezone(dt.UTC)
    assert CallHistory.count_in([earlier], call, 30) == 1
    assert CallHistory.count_in([call], earlier, 30) == 0


def test_times_of_one_zone_are_compared_as_instants_in_the_hour_the_clocks_go_back() -> None:
    """A do-not-call request at 02:59 summer time comes before a call at 02:00 winter time
    the same night; so does an end at 02:59 summer time before an acceptance at 02:00."""
    from kontakta_rules.checks import DoNotCallRequest
    from kontakta_rules.timezone import STOCKHOLM

    summer = dt.datetime(2026, 10, 25, 2, 59, 59, tzinfo=STOCKHOLM)
    winter = dt.datetime(2026, 10, 25, 2, 0, 30, fold=1, tzinfo=STOCKHOLM)
    assert summer.astimezone(dt.UTC) < winter.astimezone(dt.UTC)
    record = CallRecord(
        call_id="c",
        started_at=winter,
        ended_at=(winter.astimezone(dt.UTC) + dt.timedelta(minutes=5)).astimezone(STOCKHOLM),
        calling_organisation="Acme AB",
        destination="+46701740605",
        purpose="sales",  # type: ignore[arg-type]
        do_not_call_requests=(summer,),
    )
    verdict = DoNotCallRequest().evaluate(record, None)  # type: ignore[arg-type]
    assert verdict.outcome.value == "violation"
