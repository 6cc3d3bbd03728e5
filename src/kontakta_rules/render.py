"""Render catalog listings, rulesets and diffs as text (sv/en) or JSON-able data, and the
labels every rendering shares (reports: :mod:`kontakta_rules.report`).

Rendering never decides: it shows what the model and the catalog hold.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from typing import Any

from .canonical import fingerprint, to_data
from .catalog import Catalog
from .diff import RulesetDiff
from .i18n import (
    N_,
    Message,
    format_time,
    format_weekday,
)
from .model import Parameter, Revision, Rule, Ruleset
from .schedule import TimeRange, WeeklySchedule
from .text import Lang
from .vocabulary import UNIT_LABELS, Basis, Heading, Layer, Severity

LAYER_LABELS = {
    Layer.LAW: N_("law"),
    Layer.REGISTER: N_("register"),
    Layer.INDUSTRY: N_("industry"),
    Layer.PRACTICE: N_("voluntary practice"),
    Layer.ORGANISATION: N_("organisation"),
}
HEADING_LABELS = {
    Heading.ACCESSIBILITY: N_("Accessibility"),
    Heading.CASE_HANDLING: N_("Case handling"),
    Heading.COMPLAINTS: N_("Complaints and claims"),
    Heading.SATISFACTION: N_("Customer satisfaction"),
    Heading.SALES: N_("Sales"),
    Heading.STAFF: N_("Staff"),
    Heading.MANAGEMENT: N_("Management"),
    Heading.AI: N_("AI and chatbots"),
    Heading.ACCESSIBILITY_LAW: N_("Accessibility law"),
}
KPI_LABELS = {
    ("answered-within-target", "share-within-target"): N_("answered within target"),
    ("response-time-median", "median"): N_("response time, median"),
    ("response-time-p90", "p90"): N_("response time, 90th percentile"),
    ("complaint-handling-time", "share-within-target"): N_("complaints resolved within target"),
    ("complaint-handling-time", "median"): N_("complaint handling time, median"),
    ("complaint-handling-time", "p90"): N_("complaint handling time, 90th percentile"),
}
SEVERITY_LABELS = {Severity.MUST: N_("must"), Severity.SHOULD: N_("should")}
BASIS_LABELS = {
    Basis.TEXT: N_("official rule text"),
    Basis.OFFICIAL_SUMMARY: N_("issuer's own summary"),
    Basis.SECONDARY: N_("secondary source"),
    Basis.LAW: N_("statute"),
    Basis.ORGANISATION: N_("set by the organisation"),
}


def _t(msgid: str, lang: Lang, **args: object) -> str:
    return Message(msgid, args).render(lang)


def rule_counts(rulesets: Sequence[Ruleset]) -> tuple[int, int, int]:
    """(rules, automatic, manual) over ``rulesets``."""
    rules = [r for rs in rulesets for r in rs.rules]
    automatic = sum(1 for r in rules if r.automatic)
    return len(rules), automatic, len(rules) - automatic


# --------------------------------------------------------------------------- list


def list_data(catalog: Catalog, rulesets: Sequence[Ruleset]) -> dict[str, Any]:
    total, automatic, manual = rule_counts(rulesets)
    return {
        "rulesets": [
            {
                "id": rs.id,
                "version": rs.version.isoformat(),
                "valid_until": _iso(catalog.valid_until(rs)),
                "layer": rs.layer.value,
                "title": to_data(rs.title),
                "fingerprint": fingerprint(rs),
                **dict(zip(("rules", "automatic", "manual"), rule_counts([rs]), strict=True)),
            }
            for rs in rulesets
        ],
        "totals": {
            "families": len({rs.id for rs in rulesets}),
            "versions": len(rulesets),
            "rules": total,
            "distinct_rules": len({(rs.id, r.id) for rs in rulesets for r in rs.rules}),
            "automatic": automatic,
            "manual": manual,
        },
    }


def list_text(catalog: Catalog, rulesets: Sequence[Ruleset], lang: Lang) -> str:
    data = list_data(catalog, rulesets)
    head = [
        _t(h, lang)
        for h in (
            N_("ID"),
            N_("VERSION"),
            N_("LAYER"),
            N_("RULES"),
            N_("AUTOMATIC"),
            N_("MANUAL"),
            N_("TITLE"),
        )
    ]
    rows = [
        [
            r["id"],
            r["version"],
            _t(LAYER_LABELS[Layer(r["layer"])], lang),
            str(r["rules"]),
            str(r["automatic"]),
            str(r["manual"]),
            r["title"][lang],
        ]
        for r in data["rulesets"]
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head) - 1)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in [head, *rows]
    ]
    t = data["totals"]
    lines.append("")
    lines.append(
        _t(
            "{families} rulesets, {versions} versions, {rules} rules across versions "
            "({distinct} distinct): {automatic} automatic, {manual} manual",
            lang,
            families=t["families"],
            versions=t["versions"],
            rules=t["rules"],
            distinct=t["distinct_rules"],
            automatic=t["automatic"],
            manual=t["manual"],
        )
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


# --------------------------------------------------------------------------- show


def ruleset_data(rs: Ruleset, valid_until: dt.date | None) -> dict[str, Any]:
    """Everything about one version, for ``show --format json``."""
    data = to_data(rs)
    data["rules"] = [{**to_data(rule), "automatic": rule.automatic} for rule in rs.rules]
    total, automatic, manual = rule_counts([rs])
    return {
        "ref": rs.ref,
        "fingerprint": fingerprint(rs),
        "revision": rs.revision,
        "valid_until": _iso(valid_until),
        "counts": {"rules": total, "automatic": automatic, "manual": manual},
        **data,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=96, initial_indent=indent, subsequent_indent=indent) or [
        indent
    ]


def format_schedule(schedule: WeeklySchedule, lang: Lang) -> str:
    """``måndag–fredag 09:00–20:00; lördag 10:00–16:00`` / ``Monday–Friday 9:00 AM–8:00 PM; ...``:
    runs of days with the same hours together, closed days left out."""
    parts: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and schedule.days[last + 1] == schedule.days[day]:
            last += 1
        if schedule.days[day]:
            days = format_weekday(day, lang)
            if last > day:
                days += "–" + format_weekday(last, lang)
            parts.append(f"{days} {_ranges(schedule.days[day], lang)}")
        day = last + 1
    if schedule.holiday:
        parts.append(_t("holidays {hours}", lang, hours=_ranges(schedule.holiday, lang)))
    return "; ".join(parts) or _t("closed", lang)


def _ranges(ranges: tuple[TimeRange, ...], lang: Lang) -> str:
    return ", ".join(
        f"{format_time(r.start, lang)}–"
        + (_t("midnight", lang) if r.end is None else format_time(r.end, lang))
        for r in ranges
    )


def format_value(param: Parameter, lang: Lang) -> str:
    if param.value is None:
        return _t("no value: the organisation sets it in its policy overlay", lang)
    if isinstance(param.value, WeeklySchedule):
        return format_schedule(param.value, lang)
    if isinstance(param.value, bool):
        return _t("yes", lang) if param.value else _t("no", lang)
    unit = f" {_t(UNIT_LABELS[param.unit], lang)}" if param.unit else ""
    return f"{param.value}{unit}"


def _rule_lines(rule: Rule, rs: Ruleset, lang: Lang) -> list[str]:
    mode = _t("automatic", lang) if rule.automatic else _t("manual", lang)
    lines = [f"  [{rule.id}] {rule.title.get(lang)}"]
    lines += _wrap(rule.text.get(lang), "      ")
    lines.append(
        "      "
        + _t(
            "Check: {kind} ({mode}); severity: {severity}; basis: {basis}; applies to: {subjects}",
            lang,
            kind=rule.check.kind,
            mode=mode,
            severity=Message(SEVERITY_LABELS[rule.severity]),
            basis=Message(BASIS_LABELS[rule.basis]),
            subjects=", ".join(s.value for s in rule.applies_to),
        )
    )
    refs = [
        f"{name} = {format_value(rs.parameters[name], lang)}"
        for _, name, _ in rule.check.parameter_refs()
        if name in rs.parameters
    ]
    if refs:
        lines.append("      " + _t("Parameters: {list}", lang, list="; ".join(refs)))
    start = rule.effective_from or rs.version
    if rule.effective_until:
        lines.append(
            "      " + _t("In force: {start} – {end}", lang, start=start, end=rule.effective_until)
        )
    elif rule.effective_from:
        lines.append("      " + _t("In force from {start}", lang, start=start))
    lines.append("      " + _t("Source: {citation}", lang, citation=_citation(rule.citation)))
    for note in rule.source_notes:
        lines += _wrap(_t("Note: {text}", lang, text=note.get(lang)), "      ")
    for rev, change in rs.corrections_of(rule.id):
        lines += _wrap(
            _t(
                "Corrected in revision {revision} ({date}): {what}",
                lang,
                revision=rev.revision,
                date=rev.date,
                what=change.what,
            ),
            "      ",
        )
    return lines


def revisions_text(revisions: Sequence[Revision], lang: Lang, indent: str = "  ") -> list[str]:
    """The change log of encoding revisions: per revision its summary, then each change with
    what it names, what changed, why, the review finding and the source."""
    lines: list[str] = []
    for rev in revisions:
        lines += _wrap(
            _t(
                "Revision {revision} ({date}, replaces {replaces}): {summary}",
                lang,
                revision=rev.revision,
                date=rev.date,
                replaces=rev.replaces,
                summary=rev.summary,
            ),
            indent,
        )
        for change in rev.changes:
            if change.rule is not None:
                subject = _t("rule {id}", lang, id=change.rule)
            elif change.parameter is not None:
                subject = _t("parameter {name}", lang, name=change.parameter)
            elif change.pattern is not None:
                subject = _t("pattern {name}", lang, name=change.pattern)
            else:
                subject = _t("the ruleset", lang)
            review = f" [{change.review}]" if change.review else ""
            lines += _wrap(f"- {subject}{review}: {change.what.get(lang)}", indent + "  ")
            lines += _wrap(_t("Why: {text}", lang, text=change.why), indent + "    ")
            if change.source is not None:
                lines += _wrap(
                    _t("Source: {citation}", lang, citation=_citation(change.source)),
                    indent + "    ",
                )
    return lines


def _citation(c: Any) -> str:
    section = f", {c.section}" if c.section else ""
    return f"{c.document}{section} <{c.url}>"


def ruleset_text(rs: Ruleset, valid_until: dt.date | None, lang: Lang) -> str:
    lines = [
        f"{rs.title.get(lang)} ({rs.ref})",
        "=" * min(96, len(rs.title.get(lang)) + len(rs.ref) + 3),
    ]
    lines.append(
        _t(
            "Issuer: {issuer}; layer: {layer}; in force: {start} – {end}; last reviewed: {reviewed}",
            lang,
            issuer=rs.issuer,
            layer=Message(LAYER_LABELS[rs.layer]),
            start=rs.version,
            end=valid_until or Message(N_("until further notice")),
            reviewed=rs.last_reviewed,
        )
    )
    if rs.version_precision != "day":
        lines.append(
            _t(
                "The sources date this version only to the {precision}.",
                lang,
                precision=Message(rs.version_precision),
            )
        )
    lines.append(
        _t(
            "Fingerprint: {fingerprint} (encoding revision {revision})",
            lang,
            fingerprint=fingerprint(rs),
            revision=rs.revision,
        )
    )
    if rs.description:
        lines += ["", *_wrap(rs.description.get(lang), "")]
    for note in rs.notes:
        lines += _wrap(_t("Note: {text}", lang, text=note.get(lang)), "")
    if rs.scope:
        lines += ["", _t("Scope", lang), *_wrap(rs.scope.description.get(lang), "  ")]
    if rs.parameters:
        lines += ["", _t("Parameters", lang)]
        for name, p in rs.parameters.items():
            lines.append(f"  {name} = {format_value(p, lang)}")
            lines += _wrap(p.description.get(lang), "      ")
            basis = _t("basis: {basis}", lang, basis=Message(BASIS_LABELS[p.basis]))
            source = (
                "; " + _t("source: {citation}", lang, citation=_citation(p.citation))
                if p.citation
                else ""
            )
            lines.append(f"      {basis}{source}")
            for note in p.notes:
                lines += _wrap(_t("Note: {text}", lang, text=note.get(lang)), "      ")
    total, automatic, manual = rule_counts([rs])
    lines += [
        "",
        _t(
            "Rules ({total}; automatic: {automatic}, manual: {manual})",
            lang,
            total=total,
            automatic=automatic,
            manual=manual,
        ),
    ]
    for rule in rs.rules:
        lines += [*_rule_lines(rule, rs, lang), ""]
    lines.append(_t("Sources", lang))
    lines += [f"  - {_citation(c)}" for c in rs.sources]
    if rs.revisions:
        lines += ["", _t("Encoding revisions (corrections of this version's encoding)", lang)]
        lines += revisions_text(rs.revisions, lang)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- diff


def diff_text(d: RulesetDiff, old: Ruleset, new: Ruleset, lang: Lang) -> str:
    """The changes from ``old`` to ``new`` (``d = diff_rulesets(old, new)``), values with units."""
    lines = [
        _t(
            "Changes from {old} (revision {old_revision}) to {new} (revision {new_revision})",
            lang,
            old=d.old,
            new=d.new,
            old_revision=old.revision,
            new_revision=new.revision,
        )
    ]
    if d.empty:
        lines.append("  " + _t("no changes", lang))
    for rule_id in d.rules_added:
        lines.append("  + " + _t("rule added: {id}", lang, id=rule_id))
    for rule_id in d.rules_removed:
        lines.append("  - " + _t("rule removed: {id}", lang, id=rule_id))
    for change in d.rules_changed:
        lines.append(
            "  ~ "
            + _t(
                "rule changed: {id} ({fields})",
                lang,
                id=change.rule_id,
                fields=", ".join(change.fields),
            )
        )
    for p in d.parameters:
        if p.before is None:
            lines.append(
                "  + "
                + _t(
                    "parameter added: {name} = {value}",
                    lang,
                    name=p.name,
                    value=format_value(new.parameters[p.name], lang),
                )
            )
        elif p.after is None:
            lines.append("  - " + _t("parameter removed: {name}", lang, name=p.name))
        elif p.value_changed:
            lines.append(
                "  ~ "
                + _t(
                    "parameter changed: {name}: {before} -> {after}",
                    lang,
                    name=p.name,
                    before=format_value(old.parameters[p.name], lang),
                    after=format_value(new.parameters[p.name], lang),
                )
            )
        else:
            lines.append(
                "  ~ "
                + _t(
                    "parameter details changed: {name} ({fields})",
                    lang,
                    name=p.name,
                    fields=", ".join(p.fields),
                )
            )
    if d.metadata_changed:
        lines.append(
            "  ~ "
            + _t("ruleset details changed: {fields}", lang, fields=", ".join(d.metadata_changed))
        )
    return "\n".join(lines) + "\n"


def revision_diff_text(rs: Ruleset, since: int, lang: Lang) -> str:
    """What changed in the encoding of one version after revision ``since``."""
    later = rs.revisions_since(since)
    lines = [
        _t(
            "Changes to the encoding of {ref} from revision {old} to revision {new}",
            lang,
            ref=rs.ref,
            old=since,
            new=rs.revision,
        )
    ]
    if not later:
        lines.append("  " + _t("no changes", lang))
    lines += revisions_text(later, lang)
    return "\n".join(lines) + "\n"
