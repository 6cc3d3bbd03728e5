"""Scripts, transcripts, offers and confirmations: the example files against their manifests
(hits and misses alike), the parser, spans that point at the text, and properties."""

from __future__ import annotations

import datetime as dt
import json
import random
import tomllib
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kontakta_rules.cli import main
from kontakta_rules.evaluate import TextEvaluator
from kontakta_rules.loading import LoadError, load_overlay, overlay_from_data
from kontakta_rules.subjects.script import DOCUMENT_TYPES, Confirmation, Script, WrittenOffer
from kontakta_rules.vocabulary import Outcome, SubjectKind

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "examples" / "scripts"
OFFERS = ROOT / "examples" / "offers"
POLICY = load_overlay(ROOT / "examples" / "policy.toml")
# The manifest counts 30 seconds as the start of a timed call (no file sits between 20 and 30 s).
SCRIPT_POLICY = attrs.evolve(POLICY, set={**POLICY.settings, "opening_window": 30})
DAY = dt.date(2026, 11, 23)
EVALUATOR = TextEvaluator(SubjectKind.SCRIPT, overlay=SCRIPT_POLICY, on=DAY)

DISCLOSURES = {
    "disclosure-company": "company-or-principal",
    "disclosure-purpose": "commercial-purpose",
    "disclosure-agent-name": "agent-name",
    "disclosure-relationship": "agent-relationship",
}
CONTENT = {
    "written-offer": "written-offer",
    "written-acceptance": "valid-only-if-accepted-in-writing",
    "no-payment-otherwise": "no-payment-without-acceptance",
    "withdrawal-right": "withdrawal-information",
    "recording-notice": "recording-notice",
}
FORBIDDEN = {
    "survey-pretext": "survey-pretext",
    "household-questions-before-purpose": "household-questions",
    "sms-yes-acceptance": "sms-yes-acceptance",
}
DOCUMENT = {
    "agreed-terms": "agreed-description",
    "parties": "parties",
    "withdrawal-info": "withdrawal-information",
    "contact": "contact-for-questions-or-withdrawal",
    "valid-only-if-accepted": "valid-only-if-accepted-in-writing",
}
SCRIPT_CASES = tomllib.loads((SCRIPTS / "expected.toml").read_text(encoding="utf-8"))["script"]
DOCUMENT_CASES = tomllib.loads((OFFERS / "expected.toml").read_text(encoding="utf-8"))["document"]


def _statuses(report: object) -> dict[str, str]:
    """What the findings say about each pattern: present, missing, late, forbidden."""
    got: dict[str, str] = {}
    for f in report.findings:  # type: ignore[attr-defined]
        forbidden = f.check_kind == "script-forbidden"
        for name in f.evidence.get("found", {}):
            got[("forbidden:" if forbidden else "") + name] = (
                "forbidden" if forbidden else "present"
            )
        for name in f.evidence.get("missing", []):
            got[name] = "missing"
        for name in f.evidence.get("late", []):
            got[name] = "late"
    return got


def test_the_examples_cover_enough() -> None:
    langs = [c["lang"] for c in SCRIPT_CASES]
    assert langs.count("sv") >= 10 and langs.count("en") >= 3
    assert {c["file"] for c in SCRIPT_CASES} == {p.name for p in SCRIPTS.glob("*.txt")}
    assert {c["file"] for c in DOCUMENT_CASES} == {p.name for p in OFFERS.glob("*.txt")}


@pytest.mark.parametrize("case", SCRIPT_CASES, ids=[c["file"] for c in SCRIPT_CASES])
def test_script_findings_match_the_manifest(case: dict[str, object]) -> None:
    script = Script.read(SCRIPTS / str(case["file"]), case["lang"])  # type: ignore[arg-type]
    got = _statuses(EVALUATOR.check(script))
    want: dict[str, str] = {}
    for status in ("present", "missing", "late"):
        for concept in case.get(status, []):  # type: ignore[attr-defined]
            want[DISCLOSURES.get(concept) or CONTENT[concept]] = status
    for concept, name in FORBIDDEN.items():
        found = concept in case.get("forbidden", [])  # type: ignore[operator]
        want["forbidden:" + name] = "forbidden" if found else "absent"
    assert {k: got.get(k, "absent") for k in want} == want


@pytest.mark.parametrize("case", DOCUMENT_CASES, ids=[c["file"] for c in DOCUMENT_CASES])
def test_document_findings_match_the_manifest(case: dict[str, object]) -> None:
    doc = DOCUMENT_TYPES[str(case["kind"])].read(OFFERS / str(case["file"]), case["lang"])  # type: ignore[arg-type]
    got = _statuses(TextEvaluator(doc.subject_kind, on=DAY).check(doc))
    for status in ("present", "missing"):
        for concept in case.get(status, []):  # type: ignore[attr-defined]
            # a concept no rule for this kind of document asks for is not judged
            assert got.get(DOCUMENT[concept], status) == status, concept


def test_findings_point_at_the_words() -> None:
    script = Script.read(SCRIPTS / "sv-03-el-undersokning-sms.txt", "sv")
    lines = (SCRIPTS / "sv-03-el-undersokning-sms.txt").read_text(encoding="utf-8").splitlines()
    report = EVALUATOR.check(script)
    (sms,) = [f for f in report.findings if f.rule_id == "script-no-sms-yes-acceptance"]
    assert sms.outcome is Outcome.VIOLATION
    hit = sms.evidence["found"]["sms-yes-acceptance"]
    assert lines[hit["line"] - 1][hit["start"] : hit["end"]] == hit["quote"]
    assert hit["quote"].lower().startswith("svara ja")
    assert "svara JA" in sms.message.get("sv") and "rad" in sms.message.get("sv")


def test_parser_labels_timestamps_continuations_and_prose() -> None:
    s = Script.parse(
        "[00:05] Säljare: Hej!\n  fortsätter här\n[1:02.5] Kund: Ja?\nAnna: inte en etikett\n",
        "x",
        "sv",
    )
    assert [(u.turn, u.line, u.speaker, u.at_seconds) for u in s.utterances] == [
        (0, 1, "agent", 5.0),
        (0, 2, "agent", 5.0),
        (1, 3, "customer", 62.5),
        (1, 4, "customer", 62.5),
    ]
    assert s.utterances[1].column == 2 and s.timed
    prose = Script.parse("Hej, jag heter Ola.\nJag ringer från X.\n\nNytt stycke.\n", "p", "sv")
    assert [u.turn for u in prose.utterances] == [0, 0, 1] and not prose.timed
    assert all(u.by_caller for u in prose.utterances)


OPENING = [
    "Säljare: Hej, jag heter Eva och jag ringer från Exempelbolaget AB där jag är anställd.",
    "Kund: Jaha?",
    "Säljare: Det här är ett säljsamtal, jag vill erbjuda dig ett elavtal.",
]
REST = [
    "Kund: Berätta.",
    "Säljare: Samtalet spelas in. Jag skickar erbjudandet skriftligt på mejl.",
    "Säljare: Avtalet gäller först när du har godkänt det skriftligt efter samtalet,"
    " annars behöver du inte betala något.",
    "Säljare: Du har 14 dagars ångerrätt.",
]
FILLER = ["Säljare: Mm, precis.", "Kund: Okej.", "Säljare: Ja, absolut, det förstår jag."]


def _outcomes(text: str) -> dict[str, Outcome]:
    return {f.rule_id: f.outcome for f in EVALUATOR.check(Script.parse(text, "t", "sv")).findings}


def test_the_synthetic_script_is_compliant() -> None:
    assert set(_outcomes("\n".join(OPENING + REST)).values()) == {Outcome.COMPLIANT}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(FILLER), max_size=6), st.integers(0, len(REST)))
def test_neutral_filler_after_the_opening_changes_no_verdict(filler: list[str], at: int) -> None:
    before = _outcomes("\n".join(OPENING + REST))
    after = _outcomes("\n".join(OPENING + REST[:at] + filler + REST[at:]))
    assert after == before


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([f for f in FILLER if f.startswith("Säljare")]), min_size=3))
def test_moving_a_disclosure_out_of_the_opening_is_a_violation(filler: list[str]) -> None:
    # the purpose moves behind at least three more turns by the caller (opening_turns = 3)
    text = "\n".join([OPENING[0], OPENING[1], *filler, OPENING[2], *REST])
    report = EVALUATOR.check(Script.parse(text, "t", "sv"))
    (opening,) = [f for f in report.findings if f.rule_id == "script-opening-disclosures"]
    assert opening.outcome is Outcome.VIOLATION
    # the moved line says both that the call is a sales call and what it sells (an electricity
    # contract), so both items come too late
    assert opening.evidence["late"] == ["commercial-purpose", "goods-or-services"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(SCRIPT_CASES), st.integers(0, 2**32))
def test_letter_case_changes_no_verdict(case: dict[str, object], seed: int) -> None:
    text = (SCRIPTS / str(case["file"])).read_text(encoding="utf-8")
    rnd = random.Random(seed)
    flipped = "".join(
        c.swapcase() if rnd.random() < 0.5 and len(c.swapcase()) == 1 else c for c in text
    )
    lang = case["lang"]
    a = EVALUATOR.check(Script.parse(text, "t", lang))  # type: ignore[arg-type]
    b = EVALUATOR.check(Script.parse(flipped, "t", lang))  # type: ignore[arg-type]
    assert [f.outcome for f in a.findings] == [f.outcome for f in b.findings]


def test_cli_check_script_and_offer(capsys: pytest.CaptureFixture[str]) -> None:
    policy = str(ROOT / "examples" / "policy.toml")
    bad = str(SCRIPTS / "sv-03-el-undersokning-sms.txt")
    assert (
        main(["check", "script", bad, "--lang", "sv", "--policy", policy, "--at", "2026-11-23"])
        == 1
    )
    out = capsys.readouterr().out
    assert "script-no-sms-yes-acceptance" in out and "svara JA" in out
    good = str(SCRIPTS / "sv-07-bredband-falsk-positiv.txt")
    assert (
        main(["check", "script", good, "--lang", "sv", "--policy", policy, "--format", "json"]) == 0
    )
    offer = str(OFFERS / "sv-erbjudande-02-mobil-saknar-angerratt.txt")
    assert main(["check", "offer", offer, "--lang", "en"]) == 1
    assert "the right of withdrawal" in capsys.readouterr().out


COMPLETE_OFFER = (OFFERS / "sv-erbjudande-01-el-komplett.txt").read_text(encoding="utf-8")
PRE_CONTRACT = "offer-pre-contract-information"
# lines of the complete offer that carry each element of the pre-contract information
ELEMENT_LINES = {
    "agreed-description": ("Elpris", "Fast månadsavgift", "Avgift vid"),
    "parties": ("Elhandlare:",),
    "contact-for-questions-or-withdrawal": ("Från:", "Kundservice:", "E-post:", "Du har 14"),
}


def _offer_findings(text: str, **kw: str) -> dict[str, object]:
    offer = WrittenOffer.parse(text, "offer", "sv", **kw)
    return {f.rule_id: f for f in TextEvaluator(SubjectKind.OFFER, on=DAY).check(offer).findings}


@pytest.mark.parametrize("element", sorted(ELEMENT_LINES))
def test_an_offer_without_one_element_misses_exactly_that_element(element: str) -> None:
    assert _offer_findings(COMPLETE_OFFER)[PRE_CONTRACT].outcome is Outcome.COMPLIANT  # type: ignore[attr-defined]
    kept = [
        line
        for line in COMPLETE_OFFER.splitlines()
        if not line.lstrip().startswith(ELEMENT_LINES[element])
    ]
    finding = _offer_findings("\n".join(kept))[PRE_CONTRACT]
    assert finding.outcome is Outcome.VIOLATION  # type: ignore[attr-defined]
    assert finding.evidence["missing"] == [element]  # type: ignore[attr-defined]


def test_lotteries_and_gaming_are_outside_the_offer_content_rules() -> None:
    findings = _offer_findings("Lott: 100 kr i månaden.", offer_category="lottery")
    assert findings[PRE_CONTRACT].outcome is Outcome.NOT_APPLICABLE  # type: ignore[attr-defined]
    assert findings["withdrawal-information"].outcome is Outcome.NOT_APPLICABLE  # type: ignore[attr-defined]
    # the written-form statements too: they follow the written-acceptance requirement, which
    # does not cover lotteries and gaming either
    assert findings["written-offer-content"].outcome is Outcome.NOT_APPLICABLE  # type: ignore[attr-defined]
    plain = _offer_findings("Lott: 100 kr i månaden.")
    assert plain["withdrawal-information"].outcome is Outcome.VIOLATION  # type: ignore[attr-defined]


def test_each_document_type_has_its_own_rules_and_evaluators_refuse_the_other_kind() -> None:
    offer = WrittenOffer.parse(COMPLETE_OFFER, "o", "sv")
    confirmation = Confirmation.parse(COMPLETE_OFFER, "c", "sv")
    assert offer.subject_kind is SubjectKind.OFFER
    assert confirmation.subject_kind is SubjectKind.CONFIRMATION
    on_offer = {f.rule_id for f in TextEvaluator(SubjectKind.OFFER, on=DAY).check(offer).findings}
    on_conf = {
        f.rule_id
        for f in TextEvaluator(SubjectKind.CONFIRMATION, on=DAY).check(confirmation).findings
    }
    assert {"written-offer-content", PRE_CONTRACT} <= on_offer - on_conf
    assert "confirmation-content" in on_conf - on_offer
    with pytest.raises(ValueError, match="judges offers, not a confirmation"):
        TextEvaluator(SubjectKind.OFFER, on=DAY).check(confirmation)


def test_cli_offer_category(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lottery = tmp_path / "lotteri.txt"
    lottery.write_text("Lotteriet Exempelvinsten: 100 kr i månaden.\n", encoding="utf-8")
    args = ["check", "offer", str(lottery), "--text-lang", "sv", "--format", "json"]
    assert main([*args, "--offer-category", "lottery"]) == 0  # no offer rule covers it
    found = {f["rule_id"]: f["outcome"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert found["withdrawal-information"] == "not_applicable"
    assert found["written-offer-content"] == "not_applicable"
    assert main(args) == 1


OVERLAY_WITH_PATTERN = {
    "id": "exempel-manus",
    "version": "2026-01-01",
    "title": {"sv": "Manuspolicy", "en": "Script policy"},
    "issuer": "Exempelbolaget AB",
    "last_reviewed": "2026-01-01",
    "patterns": {
        "block-list-offer": {
            "description": {"sv": "erbjudande om spärr", "en": "offer to block further calls"},
            "sv": [r"\bvill\s+du\s+(?:inte\s+)?bli\s+uppringd\b", r"\bsp[aä]rra\s+ditt\s+nummer"],
            "en": [r"\bstop\s+calling\s+you\b"],
            "examples_sv": ["Vill du inte bli uppringd igen kan jag spärra ditt nummer."],
        }
    },
    "rules": [
        {
            "id": "exempel-offer-block-list",
            "title": {"sv": "Erbjud spärr", "en": "Offer the block list"},
            "text": {"sv": "Säljaren erbjuder spärr.", "en": "The seller offers to block calls."},
            "applies_to": ["script"],
            "severity": "must",
            "basis": "organisation",
            "citation": {"document": "Policy", "url": "https://exempelbolaget.example/policy"},
            "check": {"kind": "script-content", "required": ["block-list-offer"]},
        }
    ],
}


def test_an_overlay_brings_its_own_patterns_for_its_own_text_rules() -> None:
    overlay = overlay_from_data(
        tomllib.loads(
            "\n".join(
                [
                    f"version = {OVERLAY_WITH_PATTERN['version']}",
                    f"last_reviewed = {OVERLAY_WITH_PATTERN['last_reviewed']}",
                ]
            )
        )
        | {k: v for k, v in OVERLAY_WITH_PATTERN.items() if k not in ("version", "last_reviewed")},
        "overlay.toml",
    )
    evaluator = TextEvaluator(SubjectKind.SCRIPT, overlay=overlay, on=DAY)

    def outcome(text: str) -> Outcome:
        report = evaluator.check(Script.parse(text, "t", "sv"))
        (f,) = [f for f in report.findings if f.rule_id == "exempel-offer-block-list"]
        return f.outcome

    assert outcome("Säljare: Vill du inte bli uppringd igen? Då spärrar jag.") is Outcome.COMPLIANT
    assert outcome("Säljare: Tack och hej.") is Outcome.VIOLATION
    broken = dict(OVERLAY_WITH_PATTERN, rules=[dict(OVERLAY_WITH_PATTERN["rules"][0])])  # type: ignore[call-overload]
    broken["rules"][0]["check"] = {"kind": "script-content", "required": ["undeclared"]}
    broken.update(version=overlay.version, last_reviewed=overlay.last_reviewed)
    with pytest.raises(LoadError) as info:
        overlay_from_data(broken, "overlay.toml")
    assert info.value.problems[0].path == "$.rules[0].check.required[0]"


def test_the_overlay_example_in_the_pattern_docs_works(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "patterns.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in doc.split("```toml\n")[1:]]
    (overlay_text,) = [b for b in blocks if 'kind = "overlay"' in b]
    path = tmp_path / "scripts.toml"
    path.write_text(overlay_text, encoding="utf-8")
    overlay = load_overlay(path)  # its examples are checked as it loads
    evaluator = TextEvaluator(SubjectKind.SCRIPT, overlay=overlay, on=DAY)
    for text, want in [
        (
            "Säljare: Ska jag spärra ditt nummer så att vi inte ringer fler gånger?",
            Outcome.COMPLIANT,
        ),
        ("Säljare: Tack för pratstunden, hej då.", Outcome.VIOLATION),
    ]:
        (f,) = [
            f
            for f in evaluator.check(Script.parse(text, "t", "sv")).findings
            if f.rule_id == "exempelbolaget-offer-block-list"
        ]
        assert f.outcome is want, text
