"""Reports in every format and both languages: JSON valid against its published schema,
CSV that loses no rejected line, a self-contained HTML page, text with a summary by rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

from kontakta_rules.cli import main
from kontakta_rules.i18n import Message
from kontakta_rules.model import Citation, Finding, RejectedInput, Report, RuleRef
from kontakta_rules.report import report_csv_rows, report_data, report_text
from kontakta_rules.report_html import report_html
from kontakta_rules.schema import report_schema
from kontakta_rules.text import Text
from kontakta_rules.vocabulary import Layer, Outcome, Severity

ROOT = Path(__file__).resolve().parents[1]
CALLS = [
    "check",
    "calls",
    str(ROOT / "examples/calls.jsonl"),
    "--policy",
    str(ROOT / "examples/policy.toml"),
    "--nix",
    str(ROOT / "examples/nix-register.txt"),
]
PROCESS = [
    "check",
    "process",
    str(ROOT / "examples/service-process-good.toml"),
    "--contacts",
    str(ROOT / "examples/contacts.csv"),
    "--at",
    "2026-11-23",
]
SCRIPT = ["check", "script", str(ROOT / "examples/scripts/en-01-energy-compliant.txt")]
COMMANDS = {"calls": CALLS, "process": PROCESS, "script": SCRIPT}


def run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("what", sorted(COMMANDS))
def test_json_reports_follow_the_published_schema(
    what: str, lang: str, validator: jsonschema.Draft202012Validator
) -> None:
    _, out = run(*COMMANDS[what], "--format", "json", "--lang", lang)
    data = json.loads(out)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    assert data["language"] == lang
    # the summary by rule adds up to the findings listed, outcome by outcome
    for outcome in data["listed"]:
        listed = sum(1 for f in data["findings"] if f["outcome"] == outcome)
        assert sum(r["counts"][outcome] for r in data["rules"]) == listed
    all_listed = json.loads(run(*COMMANDS[what], "--format", "json", "--findings", "all")[1])
    assert sum(sum(r["counts"].values()) for r in data["rules"]) == len(all_listed["findings"])
    assert {o: sum(r["counts"][o] for r in data["rules"]) for o in data["counts"]} == data["counts"]


def test_the_schema_is_what_the_cli_prints() -> None:
    assert json.loads(run("schema", "report")[1]) == report_schema()


def test_the_schema_rejects_a_finding_with_an_unknown_outcome(
    validator: jsonschema.Draft202012Validator,
) -> None:
    data = json.loads(run(*CALLS, "--format", "json")[1])
    data["findings"][0]["outcome"] = "probably-fine"
    assert not validator.is_valid(data)


def test_json_rules_carry_their_text_in_the_report_language() -> None:
    sv = json.loads(run(*CALLS, "--format", "json", "--lang", "sv")[1])
    en = json.loads(run(*CALLS, "--format", "json", "--lang", "en")[1])
    first_sv, first_en = sv["rules"][0], en["rules"][0]
    assert first_sv["ref"] == first_en["ref"]
    assert first_sv["text"] != first_en["text"] and first_sv["text"] and first_en["text"]
    layers = [r["ruleset"]["layer"] for r in sv["rules"]]
    order = ["law", "register", "industry", "practice", "organisation"]
    assert layers == sorted(layers, key=order.index), "law first"


def test_csv_accounts_for_every_rejected_line() -> None:
    code, out = run(*CALLS, "--format", "csv", "--lang", "en")
    assert code == 2
    rows = list(csv.DictReader(io.StringIO(out)))
    rejected = [r for r in rows if r["outcome"] == "rejected"]
    assert [r["subject_id"].rsplit(":", 1)[1] for r in rejected] == ["31", "40"]
    assert all(r["message"] for r in rejected)
    findings = json.loads(run(*CALLS, "--format", "json")[1])["findings"]
    assert len(rows) - len(rejected) == len(findings)


class _Page(HTMLParser):
    """Collects what a self-contained page must not have, and its structure."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang") or ""
        if tag in ("script", "img", "iframe", "object"):
            self.external.append(tag)
        if tag == "link" or a.get("src"):
            self.external.append(f"{tag} {a}")
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "a":
            self.links.append(a.get("href") or "")
        if tag not in ("meta", "br", "link", "img"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1:]}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.open == [], "every element is closed"
    return page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_html_report_is_one_self_contained_page(lang: str) -> None:
    code, html = run(*CALLS, "--format", "html", "--lang", lang)
    assert code == 2
    page = _page(html)
    assert page.external == []
    assert page.html_lang == lang
    data = json.loads(run(*CALLS, "--format", "json", "--lang", lang)[1])
    text = "".join(page.text)
    # the summary links to a section per rule, and each section quotes the rule and cites it
    for rule in data["rules"]:
        anchor = "rule-{}-{}-{}".format(
            rule["ruleset"]["id"], rule["ruleset"]["version"], rule["rule_id"]
        )
        assert anchor in page.ids and f"#{anchor}" in page.links
        assert rule["text"] in text
        assert rule["citation"]["url"] in page.links
    # every finding is there, with its message; rejected lines with their reason
    for finding in data["findings"]:
        assert finding["message"] in text
    for rejected in data["rejected"]:
        assert rejected["reason"] in text
    assert ("Sammanfattning per regel och utfall" in text) == (lang == "sv")


def test_html_escapes_what_the_input_says() -> None:
    bad = RejectedInput("<script>x</script>.jsonl", 1, Text(sv="<b>", en="<b>"))
    html = report_html(Report((), (bad,)), "en")
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert _page(html).external == []


def test_process_html_report_has_headings_and_kpis() -> None:
    _, html = run(*PROCESS, "--format", "html", "--lang", "en")
    text = "".join(_page(html).text)
    assert "By heading" in text and "Case handling" in text
    assert "KPIs from the contact log: 220 contacts" in text
    assert "answered within target" in text


def test_text_report_summarises_the_rules_not_met() -> None:
    _, out = run(*CALLS, "--lang", "en")
    data = json.loads(run(*CALLS, "--format", "json", "--lang", "en")[1])
    open_rules = [
        r["ref"] for r in data["rules"] if r["counts"]["violation"] or r["counts"]["undetermined"]
    ]
    summary = out.split("Rules not met or not determined\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split(":")[0].strip() for line in summary.splitlines()] == open_rules


def _hostile_report() -> Report:
    """Every field a report shows, holding markup (a call_id, a message, evidence, a rule's
    own words and source), plus a rejected line."""
    evil = "<script>alert(1)</script>"
    ref = RuleRef(
        ruleset_id="acme",
        ruleset_version=dt.date(2026, 1, 1),
        fingerprint="sha256:" + "0" * 64,
        layer=Layer.ORGANISATION,
        rule_id="no-<b>",
        severity=Severity.MUST,
        citation=Citation(document=evil, url="javascript:alert(1)", section=evil),
        check_kind="do-not-call-request",
        title=Text(sv=evil, en=evil),
        text=Text(sv=evil, en=evil),
    )
    finding = Finding(
        subject_id=evil,
        rule=ref,
        outcome=Outcome.VIOLATION,
        message=Message("not said: {items}", {"items": (evil,)}),
        evidence={evil: evil, "found": {evil: {"line": 1, "start": 0, "end": 3, "quote": evil}}},
    )
    rejected = RejectedInput(evil, 3, Text(sv=evil, en=evil))
    return Report((finding,), (rejected,))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_html_escapes_everything_the_data_says(lang: str) -> None:
    html = report_html(_hostile_report(), lang)
    page = _page(html)
    assert page.external == [] and "<script>alert" not in html and "<b>" not in html
    assert not any(link.startswith("javascript:") for link in page.links)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    "report",
    [
        Report(()),
        Report((), (RejectedInput("calls.jsonl", 7, Text(sv="trasig", en="broken")),)),
    ],
    ids=["empty", "only-rejected"],
)
def test_edge_reports_in_every_format(
    report: Report, lang: str, validator: jsonschema.Draft202012Validator
) -> None:
    data = report_data(report, lang)
    assert list(validator.iter_errors(data)) == []
    rows = report_csv_rows(report, lang)
    assert len(rows) == 1 + len(report.rejected)
    text = report_text(report, lang)
    html = report_html(report, lang)
    _page(html)
    no_findings = {"sv": "Inga resultat.", "en": "No findings."}[lang]
    assert no_findings in html and no_findings in text
    for r in report.rejected:
        assert r.reason.get(lang) in text and r.reason.get(lang) in html


def test_html_counts_say_one_and_many() -> None:
    one = Report((), (RejectedInput("calls.jsonl", 7, Text(sv="trasig", en="broken")),))
    assert "0 subjects evaluated; 1 input line rejected" in report_html(one, "en")
    assert "0 granskade objekt; 1 indatarad avvisad" in report_html(one, "sv")
