"""Reports of findings: human text (sv/en), JSON with a versioned schema, CSV, and the
conformance report of a customer-service process (HTML: :mod:`kontakta_rules.report_html`).

An audit report is written as the audit goes: a :class:`ReportWriter` is given each judged
subject's findings and each rejected line in turn, keeps counters, sets aside (in a temporary
file once it grows) only what its format lists, and writes the whole report when closed. So
memory does not grow with the number of findings. By default an audit lists the violations
and undetermined findings and counts the others; ``listing="all"`` lists every finding.

A report shows what the evaluation found; it never decides anything itself.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Literal, TextIO

from ._version import __version__
from .canonical import to_data
from .i18n import N_, Plural, format_duration, format_number
from .model import Finding, RejectedInput, Report, RuleRef, rule_order
from .render import HEADING_LABELS, KPI_LABELS, LAYER_LABELS, SEVERITY_LABELS, _citation, _t, _wrap
from .text import Lang
from .vocabulary import CHANNEL_LABELS, Outcome

if TYPE_CHECKING:
    from .conformance import ProcessReport
    from .kpis import KpiValue


REPORT_SCHEMA_VERSION = 2
OUTCOME_LABELS = {
    Outcome.COMPLIANT: N_("compliant"),
    Outcome.VIOLATION: N_("violation"),
    Outcome.NOT_APPLICABLE: N_("not applicable"),
    Outcome.UNDETERMINED: N_("undetermined"),
}
PROBLEMS = (Outcome.VIOLATION, Outcome.UNDETERMINED)
"""The outcomes every report lists: a rule not met, or one nobody can say is met."""
Listing = Literal["problems", "all"]
LISTINGS: tuple[Listing, ...] = ("problems", "all")
REPORT_CSV_COLUMNS = (
    "subject_id",
    "outcome",
    "ruleset_id",
    "ruleset_version",
    "rule_id",
    "layer",
    "severity",
    "message",
    "citation_url",
    "missing_parameters",
    "fingerprint",
)
"""One row per finding listed; a rejected input line is a row with ``outcome`` ``rejected``,
its ``source:line`` as ``subject_id`` and the reason as ``message``."""
REJECTED = "rejected"
SPOOL_CHARS = 1 << 20
"""What a writer keeps in memory of the findings it lists before moving them to a file."""


def listed_outcomes(listing: Listing) -> tuple[Outcome, ...]:
    return tuple(Outcome) if listing == "all" else PROBLEMS


# --------------------------------------------------------------------------- counting


class Tally:
    """What every report says of a whole audit: subjects judged, lines rejected, outcomes
    counted overall and per rule, and the ruleset versions (with their sources) used."""

    def __init__(self) -> None:
        self.subjects = 0
        self.rejected = 0
        self._pairs: dict[tuple[RuleRef, Outcome], int] = {}

    def add(self, findings: Iterable[Finding]) -> None:
        """One subject's findings."""
        self.add_outcomes([(f.rule, f.outcome) for f in findings])

    def add_outcomes(self, outcomes: Iterable[tuple[RuleRef, Outcome]]) -> None:
        """One subject: the outcome of each rule."""
        self.subjects += 1
        pairs = self._pairs
        for pair in outcomes:
            pairs[pair] = pairs.get(pair, 0) + 1

    def add_count(self, rule: RuleRef, outcome: Outcome, n: int) -> None:
        """``n`` findings of one rule with one outcome, counted elsewhere (an engine's
        findings table); subjects are set by the caller."""
        self._pairs[(rule, outcome)] = self._pairs.get((rule, outcome), 0) + n

    @property
    def counts(self) -> Counter[Outcome]:
        """Findings per outcome."""
        counts: Counter[Outcome] = Counter()
        for (_, outcome), n in self._pairs.items():
            counts[outcome] += n
        return counts

    @property
    def _by_rule(self) -> dict[RuleRef, Counter[Outcome]]:
        by_rule: dict[RuleRef, Counter[Outcome]] = {}
        for (ref, outcome), n in self._pairs.items():
            by_rule.setdefault(ref, Counter())[outcome] += n
        return by_rule

    def by_rule(self) -> dict[RuleRef, Counter[Outcome]]:
        """Outcome counts per rule, law first (see :func:`~kontakta_rules.model.rule_order`)."""
        by_rule = self._by_rule
        return {r: by_rule[r] for r in sorted(by_rule, key=rule_order)}

    def rulesets(self) -> list[RuleRef]:
        """One rule of each ruleset version used, in the rules' order (for its id, version,
        fingerprint, layer and source)."""
        seen: dict[tuple[str, str], RuleRef] = {}
        for ref in self.by_rule():
            seen.setdefault((ref.ruleset_ref, ref.fingerprint), ref)
        return list(seen.values())

    @classmethod
    def of(cls, report: Report) -> Tally:
        tally = cls()
        by_subject: dict[str, list[Finding]] = {}
        for f in report.findings:
            by_subject.setdefault(f.subject_id, []).append(f)
        for findings in by_subject.values():
            tally.add(findings)
        tally.subjects = report.subject_count
        tally.rejected = len(report.rejected)
        return tally


# --------------------------------------------------------------------------- data


def _rule_data(ref: RuleRef, lang: Lang) -> dict[str, Any]:
    return {
        "ref": ref.ref,
        "ruleset": _ruleset_data(ref),
        "rule_id": ref.rule_id,
        "title": ref.title.get(lang) if ref.title else None,
        "text": ref.text.get(lang) if ref.text else None,
        "severity": ref.severity.value,
        "check_kind": ref.check_kind,
        "citation": to_data(ref.citation),
    }


def _ruleset_data(ref: RuleRef) -> dict[str, Any]:
    return {
        "id": ref.ruleset_id,
        "version": ref.ruleset_version.isoformat(),
        "fingerprint": ref.fingerprint,
        "layer": ref.layer.value,
    }


def finding_data(f: Finding, lang: Lang) -> dict[str, Any]:
    """One finding as JSON-able data."""
    return {
        "subject_id": f.subject_id,
        "outcome": f.outcome.value,
        **_rule_part(f.rule),
        **_finding_part(f, lang),
    }


def _rule_part(ref: RuleRef) -> dict[str, Any]:
    """What every finding of a rule says of the rule."""
    return {
        "ruleset": _ruleset_data(ref),
        "rule_id": ref.rule_id,
        "severity": ref.severity.value,
        "citation": to_data(ref.citation),
    }


def _finding_part(f: Finding, lang: Lang) -> dict[str, Any]:
    return {
        "message": f.message.get(lang),
        "evidence": to_data(dict(f.evidence)),
        "missing_parameters": list(f.missing_parameters),
    }


def rejected_data(r: RejectedInput, lang: Lang) -> dict[str, Any]:
    return {"source": r.source, "line": r.line, "reason": r.reason.get(lang)}


def summary_data(tally: Tally, lang: Lang, listing: Listing) -> dict[str, Any]:
    """Everything a JSON report says before its lists of rejected lines and findings."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "generator": {"name": "kontakta-rules", "version": __version__},
        "language": lang,
        "subjects": tally.subjects,
        "counts": {o.value: tally.counts[o] for o in Outcome},
        "listed": [o.value for o in listed_outcomes(listing)],
        "rulesets": [
            {
                "ref": ref.ruleset_ref,
                "fingerprint": ref.fingerprint,
                "layer": ref.layer.value,
                "source": ref.source,
            }
            for ref in tally.rulesets()
        ],
        "rules": [
            {**_rule_data(ref, lang), "counts": {o.value: counts[o] for o in Outcome}}
            for ref, counts in tally.by_rule().items()
        ],
    }


def report_data(report: Report, lang: Lang, listing: Listing = "all") -> dict[str, Any]:
    """A report as JSON-able data; ``kontakta-rules schema report`` prints its JSON Schema and
    ``schema_version`` says which layout (a new version only for incompatible changes)."""
    shown = listed_outcomes(listing)
    return {
        **summary_data(Tally.of(report), lang, listing),
        "rejected": [rejected_data(r, lang) for r in report.rejected],
        "findings": [finding_data(f, lang) for f in report.findings if f.outcome in shown],
    }


# --------------------------------------------------------------------------- writers


class Spool:
    """Text set aside while a report is written: held in memory up to ``limit`` characters,
    then in a temporary file (so a report of any size needs little memory)."""

    def __init__(self, limit: int = SPOOL_CHARS) -> None:
        self._limit = limit
        self._parts: list[str] = []
        self._size = 0
        self._file: IO[str] | None = None

    def write(self, text: str) -> None:
        if self._file is not None:
            self._file.write(text)
            return
        self._parts.append(text)
        self._size += len(text)
        if self._size > self._limit:
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (kept open until copied)
            self._file.writelines(self._parts)
            self._parts = []

    def copy_to(self, out: TextIO) -> None:
        """Write everything set aside to ``out``, and let it go."""
        if self._file is None:
            out.writelines(self._parts)
            self._parts = []
            return
        self._file.seek(0)
        while chunk := self._file.read(1 << 16):
            out.write(chunk)
        self._file.close()
        self._file = None


class ReportWriter:
    """Writes one report as subjects are judged: call :meth:`subject` with each subject's
    findings, :meth:`rejected` with each rejected line, then :meth:`close`.

    A finding the report lists is first rendered (:meth:`render`, which depends on nothing
    but the finding, so worker processes can do it) and then added in its place
    (:meth:`add`)."""

    def __init__(self, out: TextIO, lang: Lang, listing: Listing = "problems") -> None:
        self.out = out
        self.lang = lang
        self.listing = listing
        self.tally = Tally()
        self.shown = frozenset(listed_outcomes(listing))

    def subject(self, findings: Sequence[Finding]) -> None:
        self.tally.add(findings)
        shown = self.shown
        for f in findings:
            if f.outcome in shown:
                self.add(f.rule, f.outcome, self.render(f))

    def rendered(
        self,
        outcomes: Sequence[tuple[RuleRef, Outcome]],
        listed: Sequence[tuple[RuleRef, Outcome, str]],
    ) -> None:
        """A subject judged elsewhere: the outcome of every rule, and the findings listed,
        already rendered."""
        self.tally.add_outcomes(outcomes)
        for rule, outcome, text in listed:
            self.add(rule, outcome, text)

    def rejected(self, r: RejectedInput) -> None:
        self.tally.rejected += 1
        self.reject(r)

    def render(self, f: Finding) -> str:
        """A finding as this report lists it."""
        raise NotImplementedError

    def add(self, rule: RuleRef, outcome: Outcome, text: str) -> None:
        """A rendered finding, in its place."""
        raise NotImplementedError

    def reject(self, r: RejectedInput) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def feed(self, report: Report) -> None:
        """Everything in an in-memory report, subject by subject, then its rejected lines."""
        by_subject: dict[str, list[Finding]] = {}
        for f in report.findings:
            by_subject.setdefault(f.subject_id, []).append(f)
        for findings in by_subject.values():
            self.subject(findings)
        for r in report.rejected:
            self.rejected(r)
        if report.subjects is not None:
            self.tally.subjects = report.subjects


class TextReport(ReportWriter):
    """Counts, the rejected input lines, the rules that were not met or could not be judged,
    the ruleset versions used, then every violation and undetermined finding with its
    evidence and source (whatever the listing: text is for reading)."""

    def __init__(self, out: TextIO, lang: Lang, listing: Listing = "problems") -> None:
        super().__init__(out, lang, "problems")
        self._findings = Spool()
        self._rejected = Spool()
        self._labels = {o: _t(OUTCOME_LABELS[o], lang).upper() for o in Outcome}
        self._citations: dict[RuleRef, str] = {}

    def render(self, f: Finding) -> str:
        lang = self.lang
        citation = self._citations.get(f.rule)
        if citation is None:
            citation = self._citations[f.rule] = f"    {_citation(f.citation)}\n"
        head = f"{f.subject_id}: {self._labels[f.outcome]} {f.rule.ref}: {f.message.get(lang)}\n"
        found = quotes(f, lang)
        return head + "".join(f"    {q}\n" for q in found) + citation

    def add(self, rule: RuleRef, outcome: Outcome, text: str) -> None:
        self._findings.write(text)

    def reject(self, r: RejectedInput) -> None:
        self._rejected.write(_rejected_line(r, self.lang) + "\n")

    def close(self) -> None:
        lang, tally, out = self.lang, self.tally, self.out
        counts = ", ".join(f"{_t(OUTCOME_LABELS[o], lang)}: {tally.counts[o]}" for o in Outcome)
        out.write(_evaluated(tally, lang) + "\n" + counts + "\n\n")
        if not tally.counts:
            out.write(_t("No findings.", lang) + "\n")
        self._rejected.copy_to(out)
        by_rule = tally.by_rule()
        open_rules = [
            (ref, c)
            for ref, c in by_rule.items()
            if c[Outcome.VIOLATION] or c[Outcome.UNDETERMINED]
        ]
        if open_rules:
            out.write("\n" + _t("Rules not met or not determined", lang) + "\n")
            out.writelines(f"  {ref.ref}: {outcome_cells(c, lang)}\n" for ref, c in open_rules)
        if by_rule:
            out.write("\n" + _t("Rulesets used", lang) + "\n")
            out.writelines(
                f"  {ref.ruleset_ref} {ref.fingerprint} ({ref.source})\n"
                for ref in tally.rulesets()
            )
            out.write("\n")
        self._findings.copy_to(out)


def _evaluated(tally: Tally, lang: Lang) -> str:
    return Plural(
        "{subjects} record evaluated, {rejected} rejected",
        "{subjects} records evaluated, {rejected} rejected",
        "subjects",
        {"subjects": tally.subjects, "rejected": tally.rejected},
    ).render(lang)


class JsonReport(ReportWriter):
    """The JSON layout of :func:`report_data`, written piece by piece: one line per
    finding and per rejected line, so even a large report is written as it goes."""

    def __init__(self, out: TextIO, lang: Lang, listing: Listing = "problems") -> None:
        super().__init__(out, lang, listing)
        self._findings = Spool()
        self._rejected = Spool()
        self._counts = {"findings": 0, "rejected": 0}
        self._rule_json: dict[RuleRef, str] = {}

    def render(self, f: Finding) -> str:
        # What a finding repeats of its rule is encoded once per rule: the same data as
        # finding_data (a test holds the two together).
        rule = self._rule_json.get(f.rule)
        if rule is None:
            rule = self._rule_json[f.rule] = _dumps(_rule_part(f.rule))[1:-1]
        head = _dumps({"subject_id": f.subject_id, "outcome": f.outcome.value})[:-1]
        tail = _dumps(_finding_part(f, self.lang))[1:]
        return f"{head}, {rule}, {tail}"

    def add(self, rule: RuleRef, outcome: Outcome, text: str) -> None:
        self._item("findings", self._findings, text)

    def reject(self, r: RejectedInput) -> None:
        self._item("rejected", self._rejected, _dumps(rejected_data(r, self.lang)))

    def _item(self, key: str, buffer: Spool, text: str) -> None:
        buffer.write((",\n    " if self._counts[key] else "    ") + text)
        self._counts[key] += 1

    def close(self) -> None:
        head = _dumps(summary_data(self.tally, self.lang, self.listing), indent=2)
        assert head.endswith("\n}")
        out = self.out
        out.write(head[:-2])
        for key, buffer in (("rejected", self._rejected), ("findings", self._findings)):
            empty = not self._counts[key]
            out.write(f',\n  "{key}": [' + ("" if empty else "\n"))
            buffer.copy_to(out)
            out.write("]" if empty else "\n  ]")
        out.write("\n}\n")


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(data: Any, indent: int | None = None) -> str:
    if indent is None:
        return _ENCODER.encode(data)
    return json.dumps(data, ensure_ascii=False, indent=indent)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def safe_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: a cell starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return (which Excel and LibreOffice would run as a formula)
    gets a leading apostrophe, unless it is a plain number such as ``-5``."""
    if text[:1] in _FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class CsvReport(ReportWriter):
    """One row per finding listed and per rejected line, written at once; cells that a
    spreadsheet would run as formulas are neutralised (:func:`safe_cell`)."""

    def __init__(self, out: TextIO, lang: Lang, listing: Listing = "problems") -> None:
        super().__init__(out, lang, listing)
        self._writer = csv.writer(out, lineterminator="\n")
        self._writer.writerow(REPORT_CSV_COLUMNS)
        self._line = io.StringIO()
        self._line_writer = csv.writer(self._line, lineterminator="\n")
        self._rules: dict[RuleRef, list[str]] = {}

    def render(self, f: Finding) -> str:
        rule = self._rules.get(f.rule)
        if rule is None:  # the cells a rule repeats in every row, made safe once
            rule = self._rules[f.rule] = [safe_cell(c) for c in _rule_cells(f.rule)]
        ruleset_id, version, rule_id, layer, severity, url, fingerprint = rule
        line = self._line
        line.seek(0)
        line.truncate()
        self._line_writer.writerow(
            (
                safe_cell(f.subject_id),
                f.outcome.value,
                ruleset_id,
                version,
                rule_id,
                layer,
                severity,
                safe_cell(f.message.get(self.lang)),
                url,
                safe_cell(";".join(f.missing_parameters)),
                fingerprint,
            )
        )
        return line.getvalue()

    def add(self, rule: RuleRef, outcome: Outcome, text: str) -> None:
        self.out.write(text)

    def reject(self, r: RejectedInput) -> None:
        row = dict.fromkeys(REPORT_CSV_COLUMNS, "")
        row.update(
            subject_id=f"{r.source}:{r.line}", outcome=REJECTED, message=r.reason.get(self.lang)
        )
        self._writer.writerow([safe_cell(c) for c in row.values()])

    def close(self) -> None:
        pass


def _rule_cells(ref: RuleRef) -> tuple[str, ...]:
    return (
        ref.ruleset_id,
        ref.ruleset_version.isoformat(),
        ref.rule_id,
        ref.layer.value,
        ref.severity.value,
        ref.citation.url,
        ref.fingerprint,
    )


def report_csv_rows(report: Report, lang: Lang, listing: Listing = "all") -> list[list[str]]:
    """The header and one row per finding, then one per rejected input line."""
    buffer = io.StringIO()
    writer = CsvReport(buffer, lang, listing)
    writer.feed(report)
    writer.close()
    return list(csv.reader(io.StringIO(buffer.getvalue())))


def outcome_cells(counts: Mapping[Outcome, int], lang: Lang) -> str:
    """``överträdelse 3 · kan inte avgöras 1``: the outcomes that occur, in the order of
    :class:`Outcome`."""
    return " · ".join(
        f"{_t(OUTCOME_LABELS[o], lang)} {counts[o]}" for o in Outcome if counts.get(o)
    )


def report_text(report: Report, lang: Lang) -> str:
    """Counts, the rejected input lines, the rules that were not met or could not be judged,
    and every violation and undetermined finding with its evidence and source."""
    buffer = io.StringIO()
    writer = TextReport(buffer, lang)
    writer.feed(report)
    writer.close()
    return buffer.getvalue()


def _rejected_line(r: RejectedInput, lang: Lang) -> str:
    return _t(
        "rejected: {source} line {line}: {reason}",
        lang,
        source=r.source,
        line=r.line,
        reason=r.reason.get(lang),
    )


def _rejected_lines(report: Report, lang: Lang) -> list[str]:
    return [_rejected_line(r, lang) for r in report.rejected]


def quotes(f: Finding, lang: Lang) -> list[str]:
    """Where a text check found what it quotes: line, character span and the words."""
    found = f.evidence.get("found")
    if not isinstance(found, Mapping):
        return []
    return [
        _t(
            "{name}: line {line}, characters {start}–{end}: “{quote}”",
            lang,
            name=name,
            line=hit["line"],
            start=hit["start"] + 1,
            end=hit["end"],
            quote=hit["quote"],
        )
        for name, hit in found.items()
        if isinstance(hit, Mapping)
    ]


def kpi_line(k: KpiValue, lang: Lang) -> str:
    where = _t(CHANNEL_LABELS[k.channel] if k.channel else "complaints", lang)
    label = _t(KPI_LABELS[(k.kpi.value, k.statistic)], lang)
    if k.value is None:
        value = _t("no contacts", lang)
    elif k.is_share:
        value = f"{format_number(k.value, lang, decimals=1)} %"
    else:
        value = format_duration(k.value, lang)
    line = f"  {where:<12} {label}: {value} (n={k.count})"
    if k.target is not None:
        share = k.target.share if k.target.share is not None else 100
        verdict = {True: N_("met"), False: N_("missed"), None: N_("not measured")}[k.met]
        line += " · " + _t(
            "target {share} % within {within}: {verdict}",
            lang,
            share=share,
            within=k.target.within.message(),
            verdict=_t(verdict, lang),
        )
        if k.pending:
            line += " · " + _t("{n} still within their time", lang, n=k.pending)
    return line


def process_report_text(result: ProcessReport, lang: Lang) -> str:
    """A conformance report for reading: counts, a summary per heading, the gaps ordered by
    layer, and the KPIs measured in the contact log."""
    report, review = result.report, result.review
    lines = [
        _t("Conformance of {name}", lang, name=review.name),
        ", ".join(f"{_t(OUTCOME_LABELS[o], lang)}: {report.count(o)}" for o in Outcome),
        "",
        _t("By heading", lang),
    ]
    for heading, counts in result.by_heading().items():
        cells = " · ".join(f"{_t(OUTCOME_LABELS[o], lang)} {counts[o]}" for o in Outcome)
        lines.append(f"  {_t(HEADING_LABELS[heading], lang):<26} {cells}")
    gaps = result.gaps()
    lines += ["", _t("Gaps, law first ({count})", lang, count=len(gaps))]
    for n, f in enumerate(gaps, start=1):
        title = f.rule.title.get(lang) if f.rule.title else f.rule_id
        lines.append(
            f"{n:>3}. {_t(OUTCOME_LABELS[f.outcome], lang).upper()} "
            f"[{_t(LAYER_LABELS[f.layer], lang)} · {_t(SEVERITY_LABELS[f.severity], lang)}] "
            f"{title}"
        )
        lines.append(f"     {f.ruleset_id}@{f.ruleset_version.isoformat()}/{f.rule_id}")
        lines.extend(_wrap(f.message.get(lang), "     "))
        lines.append(f"     {_citation(f.citation)}")
    if review.contacts is not None:
        lines += [
            "",
            _t(
                "KPIs from the contact log: {count} contacts, {rejected} rows rejected",
                lang,
                count=len(review.contacts),
                rejected=len(report.rejected),
            ),
        ]
        lines += [kpi_line(k, lang) for k in review.kpis] or [
            "  " + _t("the process declares no KPIs or targets to compute", lang)
        ]
    lines += _rejected_lines(report, lang)
    return "\n".join(lines) + "\n"


def process_report_data(result: ProcessReport, lang: Lang) -> dict[str, Any]:
    """:func:`report_data` with the summary per heading, the gaps in order and the KPIs."""
    data = report_data(result.report, lang)
    data["headings"] = {
        h.value: {o.value: counts[o] for o in Outcome} for h, counts in result.by_heading().items()
    }
    data["gaps"] = [
        {
            "ruleset": f.ruleset_id,
            "version": f.ruleset_version.isoformat(),
            "rule_id": f.rule_id,
            "layer": f.layer.value,
            "severity": f.severity.value,
            "outcome": f.outcome.value,
        }
        for f in result.gaps()
    ]
    contacts = result.review.contacts
    data["contacts"] = None if contacts is None else len(contacts)
    data["kpis"] = [k.as_evidence() for k in result.review.kpis]
    return data
