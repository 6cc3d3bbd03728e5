"""Reports of findings: human text (sv/en), JSON with a versioned schema, CSV, and the
conformance report of a customer-service process (HTML: :mod:`kontakta_rules.report_html`).

A report shows what the evaluation found; it never decides anything itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .canonical import to_data
from .i18n import N_, Plural, format_duration, format_number
from .model import Finding, Report, RuleRef
from .render import HEADING_LABELS, KPI_LABELS, LAYER_LABELS, SEVERITY_LABELS, _citation, _t, _wrap
from .text import Lang
from .vocabulary import CHANNEL_LABELS, Outcome

if TYPE_CHECKING:
    from .conformance import ProcessReport
    from .kpis import KpiValue


REPORT_SCHEMA_VERSION = 1
OUTCOME_LABELS = {
    Outcome.COMPLIANT: N_("compliant"),
    Outcome.VIOLATION: N_("violation"),
    Outcome.NOT_APPLICABLE: N_("not applicable"),
    Outcome.UNDETERMINED: N_("undetermined"),
}
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
"""One row per finding; a rejected input line is a row with ``outcome`` ``rejected``, its
``source:line`` as ``subject_id`` and the reason as ``message``."""
REJECTED = "rejected"


def _rule_data(ref: RuleRef, lang: Lang) -> dict[str, Any]:
    return {
        "ref": ref.ref,
        "ruleset": {
            "id": ref.ruleset_id,
            "version": ref.ruleset_version.isoformat(),
            "fingerprint": ref.fingerprint,
            "layer": ref.layer.value,
        },
        "rule_id": ref.rule_id,
        "title": ref.title.get(lang) if ref.title else None,
        "text": ref.text.get(lang) if ref.text else None,
        "severity": ref.severity.value,
        "check_kind": ref.check_kind,
        "citation": to_data(ref.citation),
    }


def report_data(report: Report, lang: Lang) -> dict[str, Any]:
    """A report as JSON-able data; ``kontakta-rules schema report`` prints its JSON Schema and
    ``schema_version`` says which layout (a new version only for incompatible changes)."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "generator": {"name": "kontakta-rules", "version": __version__},
        "language": lang,
        "subjects": len({f.subject_id for f in report.findings}),
        "counts": {o.value: report.count(o) for o in Outcome},
        "rejected": [
            {"source": r.source, "line": r.line, "reason": r.reason.get(lang)}
            for r in report.rejected
        ],
        "rules": [
            {**_rule_data(ref, lang), "counts": {o.value: counts[o] for o in Outcome}}
            for ref, counts in report.by_rule().items()
        ],
        "findings": [
            {
                "subject_id": f.subject_id,
                "outcome": f.outcome.value,
                "ruleset": {
                    "id": f.ruleset_id,
                    "version": f.ruleset_version.isoformat(),
                    "fingerprint": f.fingerprint,
                    "layer": f.layer.value,
                },
                "rule_id": f.rule_id,
                "severity": f.severity.value,
                "message": f.message.get(lang),
                "citation": to_data(f.citation),
                "evidence": to_data(dict(f.evidence)),
                "missing_parameters": list(f.missing_parameters),
            }
            for f in report.findings
        ],
    }


def report_csv_rows(report: Report, lang: Lang) -> list[list[str]]:
    """The header and one row per finding, then one per rejected input line."""
    rows = [list(REPORT_CSV_COLUMNS)]
    for f in report.findings:
        rows.append(
            [
                f.subject_id,
                f.outcome.value,
                f.ruleset_id,
                f.ruleset_version.isoformat(),
                f.rule_id,
                f.layer.value,
                f.severity.value,
                f.message.get(lang),
                f.citation.url,
                ";".join(f.missing_parameters),
                f.fingerprint,
            ]
        )
    for r in report.rejected:
        row = dict.fromkeys(REPORT_CSV_COLUMNS, "")
        row.update(subject_id=f"{r.source}:{r.line}", outcome=REJECTED, message=r.reason.get(lang))
        rows.append(list(row.values()))
    return rows


def outcome_cells(counts: Mapping[Outcome, int], lang: Lang) -> str:
    """``överträdelse 3 · kan inte avgöras 1``: the outcomes that occur, in the order of
    :class:`Outcome`."""
    return " · ".join(
        f"{_t(OUTCOME_LABELS[o], lang)} {counts[o]}" for o in Outcome if counts.get(o)
    )


def report_text(report: Report, lang: Lang) -> str:
    """Counts, the rejected input lines, the rules that were not met or could not be judged,
    and every violation and undetermined finding with its evidence and source."""
    counts = ", ".join(f"{_t(OUTCOME_LABELS[o], lang)}: {report.count(o)}" for o in Outcome)
    subjects = len({f.subject_id for f in report.findings})
    lines = [
        Plural(
            "{subjects} record evaluated, {rejected} rejected",
            "{subjects} records evaluated, {rejected} rejected",
            "subjects",
            {"subjects": subjects, "rejected": len(report.rejected)},
        ).render(lang),
        counts,
        "",
    ]
    if not report.findings:
        lines.append(_t("No findings.", lang))
    lines += _rejected_lines(report, lang)
    open_rules = [
        (ref, c)
        for ref, c in report.by_rule().items()
        if c[Outcome.VIOLATION] or c[Outcome.UNDETERMINED]
    ]
    if open_rules:
        lines += ["", _t("Rules not met or not determined", lang)]
        lines += [f"  {ref.ref}: {outcome_cells(c, lang)}" for ref, c in open_rules]
        lines.append("")
    for f in report.findings:
        if f.outcome in (Outcome.VIOLATION, Outcome.UNDETERMINED):
            lines.append(
                f"{f.subject_id}: {_t(OUTCOME_LABELS[f.outcome], lang).upper()} "
                f"{f.rule.ref}: {f.message.get(lang)}"
            )
            lines.extend(f"    {q}" for q in quotes(f, lang))
            lines.append(f"    {_citation(f.citation)}")
    return "\n".join(lines) + "\n"


def _rejected_lines(report: Report, lang: Lang) -> list[str]:
    return [
        _t(
            "rejected: {source} line {line}: {reason}",
            lang,
            source=r.source,
            line=r.line,
            reason=r.reason.get(lang),
        )
        for r in report.rejected
    ]


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
