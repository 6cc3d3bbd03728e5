"""A self-contained HTML report for compliance teams: one file, no scripts, no external
styles or fonts, readable offline.

It holds the counts per outcome, the rejected input lines, a summary by rule and outcome,
the ruleset versions used with their sources, and a section per rule with the rule's text,
its citation and the findings listed with their evidence: violations and undetermined
findings open; with ``listing="all"`` the others too, folded away. It is written as the
audit goes (:class:`HtmlReport`): each rule's rows wait in a temporary file, not in memory.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, TextIO

from ._version import __version__
from .canonical import to_data
from .i18n import Plural
from .model import Citation, Finding, RejectedInput, Report, RuleRef, is_web_url
from .render import HEADING_LABELS, LAYER_LABELS, SEVERITY_LABELS, _t
from .report import (
    OUTCOME_LABELS,
    Listing,
    ReportWriter,
    Spool,
    kpi_line,
    quotes,
)
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


def report_html(
    report: Report, lang: Lang, *, title: str | None = None, listing: Listing = "all"
) -> str:
    """The report as one HTML document in ``lang``."""
    return _document(report, lang, title or _t("Compliance report", lang), (), listing)


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
    return _document(result.report, lang, title, parts, "all")


def _document(
    report: Report, lang: Lang, title: str, extra: Sequence[str], listing: Listing
) -> str:
    buffer = io.StringIO()
    writer = HtmlReport(buffer, lang, listing, title=title, extra=extra)
    writer.feed(report)
    writer.close()
    return buffer.getvalue()


_RULE_SPOOL_CHARS = 1 << 18


class HtmlReport(ReportWriter):
    """The HTML page, written as the audit goes: the rows of each rule's findings wait in a
    spool of their own until the counts and the summary can be written above them."""

    def __init__(
        self,
        out: TextIO,
        lang: Lang,
        listing: Listing = "problems",
        *,
        title: str | None = None,
        extra: Sequence[str] = (),
    ) -> None:
        super().__init__(out, lang, listing)
        self.title = title or _t("Compliance report", lang)
        self.extra = tuple(extra)
        self._open: dict[RuleRef, Spool] = {}
        self._folded: dict[RuleRef, Spool] = {}
        self._rejected = Spool()

    def render(self, f: Finding) -> str:
        return _finding_row(f, self.lang)

    def add(self, rule: RuleRef, outcome: Outcome, text: str) -> None:
        rows = self._open if outcome in OPEN_OUTCOMES else self._folded
        buffer = rows.get(rule)
        if buffer is None:
            buffer = rows[rule] = Spool(_RULE_SPOOL_CHARS)
        buffer.write(text)

    def reject(self, r: RejectedInput) -> None:
        self._rejected.write(
            "<tr>"
            + "".join(
                c if c.startswith("<td") else f"<td>{c}</td>"
                for c in (escape(r.source), _count(r.line), escape(r.reason.get(self.lang)))
            )
            + "</tr>"
        )

    def close(self) -> None:
        lang, tally, out = self.lang, self.tally, self.out
        out.write(_page_start(lang, self.title))
        out.write(_h(1, self.title) + "\n")
        out.write(
            '<p class="muted">'
            + escape(
                "; ".join(
                    (
                        Plural(
                            "{count} subject evaluated",
                            "{count} subjects evaluated",
                            "count",
                            {"count": tally.subjects},
                        ).render(lang),
                        Plural(
                            "{count} input line rejected",
                            "{count} input lines rejected",
                            "count",
                            {"count": tally.rejected},
                        ).render(lang),
                        f"kontakta-rules {__version__}",
                    )
                )
            )
            + "</p>\n"
        )
        out.write(
            "<p>"
            + " ".join(_badge(o, lang, f" {tally.counts[o]}") for o in Outcome)
            + (_badge_rejected(lang, f" {tally.rejected}") if tally.rejected else "")
            + "</p>\n"
        )
        if tally.rejected:
            out.write(_h(2, _t("Rejected input", lang)) + "\n")
            out.write(_table_start([_t("Source", lang), _t("Line", lang), _t("Reason", lang)]))
            self._rejected.copy_to(out)
            out.write(_TABLE_END + "\n")
        for part in self.extra:
            out.write(part + "\n")
        by_rule = tally.by_rule()
        if not by_rule:
            out.write("<p>" + escape(_t("No findings.", lang)) + "</p>\n")
            out.write(_PAGE_END)
            return
        out.write(_h(2, _t("Summary by rule and outcome", lang)) + "\n")
        out.write(
            _table(
                [
                    _t("Rule", lang),
                    _t("Layer", lang),
                    _t("Requirement", lang),
                    *_outcome_heads(lang),
                ],
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
            + "\n"
        )
        out.write(_h(2, _t("Rulesets used", lang)) + "\n")
        out.write(
            _table(
                [_t("Ruleset", lang), _t("Fingerprint", lang), _t("Source", lang)],
                [
                    [
                        escape(ref.ruleset_ref),
                        f'<span class="ref">{escape(ref.fingerprint)}</span>',
                        escape(ref.source),
                    ]
                    for ref in tally.rulesets()
                ],
            )
            + "\n"
        )
        out.write(_h(2, _t("Findings by rule", lang)) + "\n")
        for ref, counts in by_rule.items():
            self._rule_section(ref, counts)
        out.write(_PAGE_END)

    def _rule_section(self, ref: RuleRef, counts: Counter[Outcome]) -> None:
        lang, out = self.lang, self.out
        out.write(f'<section id="{_anchor(ref)}">\n' + _h(3, _title(ref, lang)) + "\n")
        out.write(f'<div class="ref">{escape(ref.ref)} · {escape(ref.fingerprint)}</div>\n')
        if ref.text is not None:
            out.write(f"<blockquote>{escape(ref.text.get(lang))}</blockquote>\n")
        out.write(f"<p>{escape(_t('Source', lang))}: {_citation_html(ref.citation)}</p>\n")
        shown = self._open.pop(ref, None)
        if shown is not None:
            out.write(_table_start(_finding_heads(lang)))
            shown.copy_to(out)
            out.write(_TABLE_END + "\n")
        others = sum(counts[o] for o in Outcome if o not in OPEN_OUTCOMES)
        folded = self._folded.pop(ref, None)
        if folded is not None:
            label = Plural(
                "{count} finding compliant or not applicable",
                "{count} findings compliant or not applicable",
                "count",
                {"count": others},
            ).render(lang)
            out.write(f"<details><summary>{escape(label)}</summary>")
            out.write(_table_start(_finding_heads(lang)))
            folded.copy_to(out)
            out.write(_TABLE_END + "</details>\n")
        elif others:
            label = Plural(
                "{count} finding compliant or not applicable, counted and not listed",
                "{count} findings compliant or not applicable, counted and not listed",
                "count",
                {"count": others},
            ).render(lang)
            out.write(f'<p class="muted">{escape(label)}</p>\n')
        out.write("</section>\n")


def _page_start(lang: Lang, title: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kontakta-rules {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
    )


_PAGE_END = "</body>\n</html>\n"


def _finding_heads(lang: Lang) -> list[str]:
    return [_t("Subject", lang), _t("Outcome", lang), _t("Why", lang), _t("Evidence", lang)]


def _finding_row(f: Finding, lang: Lang) -> str:
    cells = (
        escape(f.subject_id),
        _badge(f.outcome, lang),
        escape(f.message.get(lang))
        + "".join(f'<br><span class="muted">{escape(q)}</span>' for q in quotes(f, lang)),
        _evidence(f),
    )
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


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
    body = "".join(
        "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return _table_start(heads) + body + _TABLE_END


def _table_start(heads: Sequence[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    return f"<table><thead><tr>{head}</tr></thead><tbody>"


_TABLE_END = "</tbody></table>"
