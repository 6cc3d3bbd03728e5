"""A self-contained HTML report for compliance teams: one file, no scripts, no external
styles or fonts, readable offline.

It holds the counts per outcome, the rejected input lines, a summary by rule and outcome,
and a section per rule with the rule's text, its citation and every finding with its
evidence: violations and undetermined findings open, the others folded away.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from ._version import __version__
from .canonical import to_data
from .i18n import Plural
from .model import Citation, Finding, Report, RuleRef, is_web_url
from .render import HEADING_LABELS, LAYER_LABELS, SEVERITY_LABELS, _t
from .report import OUTCOME_LABELS, kpi_line, quotes
from .text import Lang
from .vocabulary import Outcome

if TYPE_CHECKING:
    from .conformance import ProcessReport

OPEN_OUTCOMES = (Outcome.VIOLATION, Outcome.UNDETERMINED)

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-bottom: .2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f4f4f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ref { font-family: ui-monospace, monospace; font-size: .85em; color: #555; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .7rem; font-size: .85em;
         white-space: nowrap; }
.violation { background: #fde2e1; color: #8a1c14; }
.undetermined { background: #fff1cc; color: #6b4e00; }
.compliant { background: #dff3e4; color: #1f5f2e; }
.not_applicable, .rejected { background: #ececf0; color: #444; }
blockquote { margin: .4rem 0; padding: .3rem .8rem; border-left: 4px solid #c8c8d0;
             background: #fafafa; }
dl { margin: 0; } dt { font-weight: 600; display: inline; } dd { display: inline; margin: 0; }
dd::after { content: ""; display: block; }
details { margin: .4rem 0; } summary { cursor: pointer; }
.muted { color: #666; }
"""


def report_html(report: Report, lang: Lang, *, title: str | None = None) -> str:
    """The report as one HTML document in ``lang``."""
    return _document(report, lang, title or _t("Compliance report", lang), ())


def process_report_html(result: ProcessReport, lang: Lang) -> str:
    """A customer-service conformance report: the summary per heading and the KPIs come
    before the rules."""
    review = result.review
    parts = [_h(2, _t("By heading", lang))]
    rows = [
        [escape(_t(HEADING_LABELS[h], lang)), *(_count(counts[o]) for o in Outcome)]
        for h, counts in result.by_heading().items()
    ]
    parts.append(_table([_t("Heading", lang), *_outcome_heads(lang)], rows))
    if review.contacts is not None:
        parts.append(
            _h(
                2,
                _t(
                    "KPIs from the contact log: {count} contacts, {rejected} rows rejected",
                    lang,
                    count=len(review.contacts),
                    rejected=len(result.report.rejected),
                ),
            )
        )
        kpis = [escape(kpi_line(k, lang).strip()) for k in review.kpis]
        parts.append(
            "<ul>" + "".join(f"<li>{k}</li>" for k in kpis) + "</ul>"
            if kpis
            else "<p>"
            + escape(_t("the process declares no KPIs or targets to compute", lang))
            + "</p>"
        )
    title = _t("Conformance of {name}", lang, name=review.name)
    return _document(result.report, lang, title, parts)


def _document(report: Report, lang: Lang, title: str, extra: Sequence[str]) -> str:
    by_rule = report.by_rule()
    subjects = len({f.subject_id for f in report.findings})
    body = [
        _h(1, title),
        '<p class="muted">'
        + escape(
            "; ".join(
                (
                    Plural(
                        "{count} subject evaluated",
                        "{count} subjects evaluated",
                        "count",
                        {"count": subjects},
                    ).render(lang),
                    Plural(
                        "{count} input line rejected",
                        "{count} input lines rejected",
                        "count",
                        {"count": len(report.rejected)},
                    ).render(lang),
                    f"kontakta-rules {__version__}",
                )
            )
        )
        + "</p>",
        "<p>"
        + " ".join(_badge(o, lang, f" {report.count(o)}") for o in Outcome)
        + (_badge_rejected(lang, f" {len(report.rejected)}") if report.rejected else "")
        + "</p>",
    ]
    if report.rejected:
        body.append(_h(2, _t("Rejected input", lang)))
        body.append(
            _table(
                [_t("Source", lang), _t("Line", lang), _t("Reason", lang)],
                [
                    [escape(r.source), _count(r.line), escape(r.reason.get(lang))]
                    for r in report.rejected
                ],
            )
        )
    body.extend(extra)
    if not by_rule:
        body.append("<p>" + escape(_t("No findings.", lang)) + "</p>")
        return _page(lang, title, body)
    body.append(_h(2, _t("Summary by rule and outcome", lang)))
    body.append(
        _table(
            [_t("Rule", lang), _t("Layer", lang), _t("Requirement", lang), *_outcome_heads(lang)],
            [
                [
                    f'<a href="#{_anchor(ref)}">{escape(_title(ref, lang))}</a><br>'
                    f'<span class="ref">{escape(ref.ref)}</span>',
                    escape(_t(LAYER_LABELS[ref.layer], lang)),
                    escape(_t(SEVERITY_LABELS[ref.severity], lang)),
                    *(_count(counts[o]) for o in Outcome),
                ]
                for ref, counts in by_rule.items()
            ],
        )
    )
    body.append(_h(2, _t("Findings by rule", lang)))
    findings: dict[RuleRef, list[Finding]] = {}
    for f in report.findings:
        findings.setdefault(f.rule, []).append(f)
    for ref in by_rule:
        body.append(_rule_section(ref, findings[ref], lang))
    return _page(lang, title, body)


def _page(lang: Lang, title: str, body: Sequence[str]) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kontakta-rules {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _rule_section(ref: RuleRef, findings: list[Finding], lang: Lang) -> str:
    parts = [
        f'<section id="{_anchor(ref)}">',
        _h(3, _title(ref, lang)),
        f'<div class="ref">{escape(ref.ref)} · {escape(ref.fingerprint)}</div>',
    ]
    if ref.text is not None:
        parts.append(f"<blockquote>{escape(ref.text.get(lang))}</blockquote>")
    source = _t("Source", lang)
    parts.append(f"<p>{escape(source)}: {_citation_html(ref.citation)}</p>")
    shown = [f for f in findings if f.outcome in OPEN_OUTCOMES]
    folded = [f for f in findings if f.outcome not in OPEN_OUTCOMES]
    if shown:
        parts.append(_findings_table(shown, lang))
    if folded:
        label = Plural(
            "{count} finding compliant or not applicable",
            "{count} findings compliant or not applicable",
            "count",
            {"count": len(folded)},
        ).render(lang)
        parts.append(
            f"<details><summary>{escape(label)}</summary>{_findings_table(folded, lang)}</details>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _findings_table(findings: Iterable[Finding], lang: Lang) -> str:
    heads = [_t("Subject", lang), _t("Outcome", lang), _t("Why", lang), _t("Evidence", lang)]
    rows = [
        [
            escape(f.subject_id),
            _badge(f.outcome, lang),
            escape(f.message.get(lang))
            + "".join(f'<br><span class="muted">{escape(q)}</span>' for q in quotes(f, lang)),
            _evidence(f),
        ]
        for f in findings
    ]
    return _table(heads, rows)


def _evidence(f: Finding) -> str:
    data = to_data(dict(f.evidence))
    if f.missing_parameters:
        data = {**data, "missing_parameters": list(f.missing_parameters)}
    if not data:
        return ""
    items = "".join(
        f"<dt>{escape(str(k))}:</dt> <dd>{escape(_value(v))}</dd>" for k, v in data.items()
    )
    return f"<dl>{items}</dl>"


def _value(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _citation_html(c: Citation) -> str:
    section = f", {escape(c.section)}" if c.section else ""
    if not is_web_url(c.url):  # never a live javascript: or data: link from a data file
        return f"{escape(c.document)}{section} ({escape(c.url)})"
    return f'<a href="{escape(c.url)}">{escape(c.document)}{section}</a>'


def _title(ref: RuleRef, lang: Lang) -> str:
    return ref.title.get(lang) if ref.title else ref.rule_id


def _anchor(ref: RuleRef) -> str:
    return escape(f"rule-{ref.ruleset_id}-{ref.ruleset_version.isoformat()}-{ref.rule_id}")


def _badge(outcome: Outcome, lang: Lang, suffix: str = "") -> str:
    label = escape(_t(OUTCOME_LABELS[outcome], lang) + suffix)
    return f'<span class="badge {outcome.value}">{label}</span>'


def _badge_rejected(lang: Lang, suffix: str) -> str:
    label = _t("rejected", lang) + suffix
    return f' <span class="badge rejected">{escape(label)}</span>'


def _outcome_heads(lang: Lang) -> list[str]:
    return [_t(OUTCOME_LABELS[o], lang) for o in Outcome]


def _count(n: int) -> str:
    return f'<td class="n">{n}</td>'


def _h(level: int, text: str) -> str:
    return f"<h{level}>{escape(text)}</h{level}>"


def _table(heads: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """``rows`` hold HTML already escaped; a cell that is already a ``<td>`` is kept."""
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    body = "".join(
        "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
