"""The language of a text and the language of a report are two different things; scripts
keep every line; patterns from users' files cannot hang the program."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from kontakta_rules.cli import main
from kontakta_rules.errors import InputError
from kontakta_rules.evaluate import TextEvaluator
from kontakta_rules.language import guess_language
from kontakta_rules.subjects.script import Script
from kontakta_rules.textmatch import Matcher, PatternTimeout
from kontakta_rules.vocabulary import Outcome, SubjectKind

ROOT = Path(__file__).resolve().parents[1]
SV_03 = ROOT / "examples" / "scripts" / "sv-03-el-undersokning-sms.txt"
EN_02 = ROOT / "examples" / "scripts" / "en-02-broadband-survey.txt"
DAY = dt.date(2026, 11, 23)
FORBIDDEN = {
    "script-no-survey-pretext",
    "script-no-household-questions-first",
    "script-no-sms-yes-acceptance",
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def outcomes(*argv: str) -> dict[str, str]:
    code, out, err = run(*argv, "--format", "json", "--at", DAY.isoformat())
    assert code in (0, 1), err
    return {f["rule_id"]: f["outcome"] for f in json.loads(out)["findings"]}


@pytest.fixture
def no_language_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KONTAKTA_RULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)


# --------------------------------------------------------------------------- 6. language split


def test_the_report_language_does_not_change_what_is_found(no_language_env: None) -> None:
    swedish = outcomes("check", "script", str(SV_03), "--lang", "sv")
    english = outcomes("check", "script", str(SV_03), "--lang", "en")
    assert swedish == english
    assert {k for k, v in english.items() if v == "violation"} >= FORBIDDEN


def test_the_environment_language_does_not_change_what_is_found(
    no_language_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    swedish = outcomes("check", "script", str(SV_03))
    monkeypatch.setenv("KONTAKTA_RULES_LANG", "en")
    english = outcomes("check", "script", str(SV_03))
    monkeypatch.delenv("KONTAKTA_RULES_LANG")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    locale = outcomes("check", "script", str(SV_03))
    assert swedish == english == locale


def test_a_text_evidently_in_another_language_is_refused_on_the_command_line() -> None:
    code, _, err = run("check", "script", str(SV_03), "--text-lang", "en", "--lang", "en")
    assert code == 2 and "Swedish" in err and "--text-lang" in err
    code, _, err = run("check", "script", str(EN_02), "--text-lang", "sv", "--lang", "sv")
    assert code == 2 and "engelska" in err


def test_a_text_judged_in_the_wrong_language_in_python_is_never_compliant() -> None:
    script = Script.read(SV_03, "en")
    findings = TextEvaluator(SubjectKind.SCRIPT, on=DAY).check(script).findings
    assert findings
    assert all(f.outcome in (Outcome.UNDETERMINED, Outcome.NOT_APPLICABLE) for f in findings)
    assert any("Swedish" in f.message.get("en") for f in findings)


def test_language_guess() -> None:
    assert guess_language(SV_03.read_text(encoding="utf-8")) == "sv"
    assert guess_language(EN_02.read_text(encoding="utf-8")) == "en"
    assert guess_language("OK.") is None


# --------------------------------------------------------------------------- 10. odd scripts


def test_a_script_language_other_than_swedish_or_english_is_an_error() -> None:
    with pytest.raises(InputError, match="sv or en"):
        Script.parse("Guten Tag, hier ist Robin von Solbacka.", "x", "de")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "\n\n   \n", "Kund: Hallå?\nKund: Hallå??\n"])
def test_a_script_without_words_by_the_caller_is_never_compliant(text: str) -> None:
    script = Script.parse(text, "empty.txt", "sv")
    findings = TextEvaluator(SubjectKind.SCRIPT, on=DAY).check(script).findings
    assert findings and not any(f.outcome is Outcome.COMPLIANT for f in findings)


# --------------------------------------------------------------------------- 12. unlabelled opening


def test_unlabelled_lines_before_the_first_label_are_kept_as_the_callers() -> None:
    text = (
        "Hej, jag heter Robin och ringer från Solbacka Energi AB.\n"
        "Det här är ett säljsamtal om elavtal.\n"
        "Kund: Jaha?\n"
        "Säljare: Jag är anställd på Solbacka.\n"
    )
    script = Script.parse(text, "t.txt", "sv")
    assert [u.line for u in script.utterances] == [1, 2, 3, 4]
    assert [u.by_caller for u in script.utterances] == [True, True, False, True]
    findings = TextEvaluator(SubjectKind.SCRIPT, on=DAY).check(script).findings
    opening = [f for f in findings if f.check_kind == "script-opening"]
    assert opening
    for f in opening:
        assert "agent-name" not in json.dumps(f.evidence.get("missing", [])), f.message.en


# --------------------------------------------------------------------------- 13. patterns


@pytest.mark.parametrize(
    "phrase", ["You owe nothing unless you accept it.", "You pay nothing until you sign it."]
)
def test_no_payment_without_acceptance_finds_the_verb_before_the_negation(phrase: str) -> None:
    from kontakta_rules.catalog import Catalog

    pattern = Catalog.default().get("swedish-law").patterns["no-payment-without-acceptance"]
    assert Matcher.of(*pattern.expressions("en")).search(phrase) is not None


# --------------------------------------------------------------------------- hangs


CATASTROPHIC_OVERLAY = """\
kind = "overlay"
id = "slow-policy"
version = 2026-01-01
title = { sv = "Långsam", en = "Slow" }
issuer = "Acme AB"
last_reviewed = 2026-11-23

[patterns.greeting]
description = { sv = "hälsning", en = "greeting" }
sv = ['{expression}']
en = ['{expression}']

[[rules]]
id = "acme-greeting"
title = { sv = "Hälsa", en = "Greet" }
text = { sv = "Säljaren hälsar.", en = "The seller greets." }
applies_to = ["script"]
severity = "must"
basis = "organisation"
citation = { document = "Acme policy", url = "https://acme.example/policy" }
check = { kind = "script-content", required = ["greeting"] }
"""


def test_the_issues_pattern_no_longer_hangs(tmp_path: Path, alarm: None) -> None:
    """``^(\\w+\\s?)+$`` ran for minutes on ``aaaa…a!``; the bounded engine answers at once."""
    policy = tmp_path / "slow.toml"
    policy.write_text(
        CATASTROPHIC_OVERLAY.replace("{expression}", r"^(\w+\s?)+$"), encoding="utf-8"
    )
    script = tmp_path / "s.txt"
    script.write_text("Säljare: " + "a" * 40 + "!\n", encoding="utf-8")
    assert run("validate", str(policy), "--lang", "en")[0] == 0
    code, _, err = run(
        "check", "script", str(script), "--policy", str(policy), "--text-lang", "sv", "--lang", "en"
    )
    assert code == 1 and "Traceback" not in err  # the greeting is not found: a violation


def test_a_catastrophic_pattern_is_a_clear_error_not_a_hang(tmp_path: Path, alarm: None) -> None:
    policy = tmp_path / "slow.toml"
    policy.write_text(
        CATASTROPHIC_OVERLAY.replace("{expression}", r"^(\w|\w\w)+$"), encoding="utf-8"
    )
    code, _, err = run("validate", str(policy), "--lang", "en")
    assert code == 1 and "greeting" in err
    script = tmp_path / "s.txt"
    script.write_text("Säljare: " + "a" * 40 + "!\n", encoding="utf-8")
    code, _, err = run(
        "check", "script", str(script), "--policy", str(policy), "--text-lang", "sv", "--lang", "en"
    )
    assert code == 2 and "greeting" in err and "Traceback" not in err


def test_matching_is_bounded(alarm: None) -> None:
    matcher = Matcher.of([r"^(\w|\w\w)+$"], name="greeting")
    with pytest.raises(PatternTimeout) as info:
        matcher.search("a" * 60 + "!")
    assert "greeting" in info.value.message.get("en")
