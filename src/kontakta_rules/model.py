"""The rules as data: frozen attrs classes for rulesets, rules, parameters and findings.

Loading (``loading.py``) builds these from files; nothing here reads files or evaluates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from typing import Literal, NamedTuple

from attrs import field, frozen

from .checks.base import Check
from .checks.verdict import NO_EVIDENCE
from .i18n import Message
from .schedule import WeeklySchedule
from .text import Lang, Text
from .vocabulary import (
    Basis,
    Heading,
    Layer,
    Outcome,
    ParameterType,
    Purpose,
    Severity,
    SubjectKind,
    Target,
    Unit,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Ruleset and rule ids: lower-case words joined by hyphens (``nix-telefon``)."""

ParameterValue = int | float | bool | str | WeeklySchedule


WEB_URL_SCHEMES = ("https://", "http://", "mailto:")


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an address a report may link to (never ``javascript:`` or ``data:``)."""
    return url.strip().lower().startswith(WEB_URL_SCHEMES)


@frozen
class Citation:
    """Where a rule or value comes from."""

    document: str
    url: str
    section: str | None = None


@frozen
class Parameter:
    """A named value a rule's check uses.

    ``value`` is ``None`` when no source gives it: the organisation's overlay must set it,
    and until it does, rules using it evaluate to ``undetermined``.
    """

    type: ParameterType
    description: Text
    basis: Basis
    unit: Unit | None = None
    value: ParameterValue | None = None
    citation: Citation | None = None
    stricter: Literal["lower", "higher"] | None = None
    """Which direction makes the rule stricter; an overlay may move a sourced value that way."""
    notes: tuple[Text, ...] = ()

    @property
    def has_value(self) -> bool:
        return self.value is not None


@frozen
class Pattern:
    """How to find one thing in a script or document, per language: regular expressions
    (any may match; case and å/ä/ö are folded, see :mod:`kontakta_rules.textmatch`), and
    ``unless`` expressions that cancel a match in the same utterance (negations)."""

    description: Text
    sv: tuple[str, ...]
    en: tuple[str, ...]
    unless_sv: tuple[str, ...] = ()
    unless_en: tuple[str, ...] = ()
    examples_sv: tuple[str, ...] = ()
    """Phrasings the pattern must find; the loader refuses the file when one is not found."""
    examples_en: tuple[str, ...] = ()
    counterexamples_sv: tuple[str, ...] = ()
    """Near misses the pattern must not find; the loader refuses the file when one is found."""
    counterexamples_en: tuple[str, ...] = ()
    notes: tuple[Text, ...] = ()

    def expressions(self, lang: Lang) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(expressions, unless)`` for ``lang``."""
        if lang == "sv":
            return self.sv, self.unless_sv
        return self.en, self.unless_en

    def examples(self, lang: Lang) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``(examples, counterexamples)`` for ``lang``."""
        if lang == "sv":
            return self.examples_sv, self.counterexamples_sv
        return self.examples_en, self.counterexamples_en


@frozen
class Scope:
    """Whom and what a ruleset covers; calls outside it are ``not_applicable``."""

    description: Text
    targets: tuple[Target, ...] = ()
    purposes: tuple[Purpose, ...] = ()


@frozen
class Rule:
    id: str
    title: Text
    text: Text
    applies_to: tuple[SubjectKind, ...]
    severity: Severity
    basis: Basis
    citation: Citation
    check: Check
    effective_from: dt.date | None = None
    """First day the rule applies, when later than the ruleset version's date."""
    effective_until: dt.date | None = None
    """First day the rule no longer applies (exclusive)."""
    source_notes: tuple[Text, ...] = ()
    """Conflicts or gaps in the sources, stated plainly."""
    heading: Heading | None = None
    """Where a customer-service report summarises the rule (required for service-process
    rules)."""
    layer: Layer | None = None
    """Whose rule this is when it is not the ruleset's: a hook for the organisation's own
    value (calling hours, a call cap) sits beside the rules that need it, but a violation of
    it breaks the organisation's rule, not the industry's. Only ``organisation``."""
    inference: bool = False
    """What the check tests is the library's own reading of a heading whose text was not
    read; every finding says so."""

    @property
    def automatic(self) -> bool:
        return self.check.automatic

    def in_force_on(self, day: dt.date, ruleset_version: dt.date) -> bool:
        start = self.effective_from or ruleset_version
        return start <= day and (self.effective_until is None or day < self.effective_until)


@frozen
class ListItem:
    """One value of a shared list, with what it means and where the source says so."""

    value: str
    description: Text
    point: str | None = None
    """Where in the cited provision (``6`` for the sixth point)."""


@frozen
class ValueList:
    """A list of values several rules use, kept once (``rulesets/_lists/<id>.toml``): the
    contracts outside the Distance Contracts Act, say. A check field written
    ``{ list = "<id>" }`` is given the list's values when the ruleset loads, so the values
    are part of every fingerprint that uses them."""

    id: str
    title: Text
    basis: Basis
    citation: Citation
    items: tuple[ListItem, ...]
    notes: tuple[Text, ...] = ()

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(item.value for item in self.items)


@frozen
class Change:
    """One correction in an encoding revision: what changed in our encoding, why, and the
    source that shows it. ``rule``, ``parameter`` or ``pattern`` names what changed (none:
    the ruleset as a whole, e.g. its scope or notes)."""

    what: Text
    why: Text
    rule: str | None = None
    parameter: str | None = None
    pattern: str | None = None
    review: str | None = None
    """The finding of a content review that asked for the change (``D1``)."""
    source: Citation | None = None


@frozen
class Revision:
    """A correction of how one ruleset version is encoded, not a new version of the rules.

    The same Kontakta or legal version keeps its date; its encoding gets a new revision
    number, and ``replaces`` records the fingerprint of the revision before, so that a pin on
    an older fingerprint can be told what changed since."""

    revision: int
    date: dt.date
    replaces: str
    """The fingerprint of the revision before this one (``sha256:...``)."""
    summary: Text
    changes: tuple[Change, ...] = ()


@frozen
class Ruleset:
    """One version of one ruleset; ``version`` is the date it takes effect."""

    id: str
    version: dt.date
    title: Text
    issuer: str
    layer: Layer
    last_reviewed: dt.date
    sources: tuple[Citation, ...]
    rules: tuple[Rule, ...]
    description: Text | None = None
    version_precision: Literal["day", "month", "year"] = "day"
    """How exactly the sources date this version; ``year`` means only the year is known."""
    scope: Scope | None = None
    parameters: Mapping[str, Parameter] = field(factory=dict)
    patterns: Mapping[str, Pattern] = field(factory=dict)
    """Detection patterns for scripts and documents, by name; checks refer to them by name."""
    notes: tuple[Text, ...] = ()
    revisions: tuple[Revision, ...] = ()
    """Corrections of this version's encoding, oldest first (revision 2, 3, ...); revision 1,
    the first encoding, has no entry."""

    @property
    def ref(self) -> str:
        """``id@version``, the form the catalog and CLI use."""
        return f"{self.id}@{self.version.isoformat()}"

    @property
    def revision(self) -> int:
        """The encoding revision of this version: 1 plus the corrections recorded since."""
        return self.revisions[-1].revision if self.revisions else 1

    def revisions_since(self, revision: int) -> tuple[Revision, ...]:
        """The corrections made after encoding revision ``revision``."""
        return tuple(r for r in self.revisions if r.revision > revision)

    def corrections_of(self, rule_id: str) -> tuple[tuple[Revision, Change], ...]:
        """The recorded changes to one rule, with the revision each was made in."""
        return tuple(
            (rev, change)
            for rev in self.revisions
            for change in rev.changes
            if change.rule == rule_id
        )

    def revision_of(self, fingerprint: str) -> int | None:
        """Which earlier revision had ``fingerprint``, as recorded; None when none did."""
        for r in self.revisions:
            if r.replaces == fingerprint:
                return r.revision - 1
        return None

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"{self.ref} has no rule {rule_id!r}")


@frozen
class Overlay:
    """An organisation's policy: values for parameters the sources leave open, and own rules.

    It cannot remove, replace or weaken a rule from a higher layer.
    """

    id: str
    version: dt.date
    title: Text
    issuer: str
    last_reviewed: dt.date
    settings: Mapping[str, object] = field(factory=dict, alias="set")
    """Values for parameters declared by the rulesets it is stacked on, by parameter name."""
    parameters: Mapping[str, Parameter] = field(factory=dict)
    rules: tuple[Rule, ...] = ()
    description: Text | None = None
    patterns: Mapping[str, Pattern] = field(factory=dict)
    """Detection patterns the organisation's own text rules refer to, by name."""

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version.isoformat()}"


@frozen(cache_hash=True)  # a key of every per-rule count; hashed once per finding
class RuleRef:
    """Which rule of which ruleset version a finding is about; one per rule, shared by all
    findings of that rule."""

    ruleset_id: str
    ruleset_version: dt.date
    fingerprint: str
    layer: Layer
    rule_id: str
    severity: Severity
    citation: Citation
    check_kind: str = ""
    heading: Heading | None = None
    title: Text | None = None
    text: Text | None = None
    """The rule's wording, so a report can quote the rule behind each finding."""
    source: str = ""
    """Where the ruleset was read from (``bundled: rulesets/...`` or a file's path)."""

    @property
    def ruleset_ref(self) -> str:
        """``ruleset-id@version``."""
        return f"{self.ruleset_id}@{self.ruleset_version.isoformat()}"

    @property
    def ref(self) -> str:
        """``ruleset-id@version/rule-id``: how reports name the rule."""
        return f"{self.ruleset_id}@{self.ruleset_version.isoformat()}/{self.rule_id}"


class Finding(NamedTuple):
    """The outcome of one rule for one subject, with the reason as data.

    A named tuple rather than an attrs class: an audit makes one per rule and record, tens of
    millions of them, and a tuple is made several times faster. Fields and properties read
    the same; :meth:`_replace` gives a copy with some fields changed."""

    subject_id: str
    rule: RuleRef
    outcome: Outcome
    message: Message
    """Why, in both languages (rendered when read: ``message.get("sv")``)."""
    evidence: Mapping[str, object] = NO_EVIDENCE
    missing_parameters: tuple[str, ...] = ()

    @property
    def ruleset_id(self) -> str:
        return self.rule.ruleset_id

    @property
    def ruleset_version(self) -> dt.date:
        return self.rule.ruleset_version

    @property
    def fingerprint(self) -> str:
        return self.rule.fingerprint

    @property
    def layer(self) -> Layer:
        return self.rule.layer

    @property
    def rule_id(self) -> str:
        return self.rule.rule_id

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def citation(self) -> Citation:
        return self.rule.citation

    @property
    def check_kind(self) -> str:
        return self.rule.check_kind


@frozen
class RejectedInput:
    """An input line that could not be evaluated, and why."""

    source: str
    line: int
    reason: Text


def rule_order(ref: RuleRef) -> tuple[int, str, dt.date, str]:
    """How reports order rules: law first (then register, industry, practice and the
    organisation), then by ruleset, version and rule id."""
    return (ref.layer.rank, ref.ruleset_id, ref.ruleset_version, ref.rule_id)


@frozen
class Report:
    findings: tuple[Finding, ...]
    rejected: tuple[RejectedInput, ...] = ()
    subjects: int | None = None
    """How many subjects (records, lines) were judged; None: count the distinct subject ids."""

    @property
    def subject_count(self) -> int:
        if self.subjects is not None:
            return self.subjects
        return len({f.subject_id for f in self.findings})

    def count(self, outcome: Outcome) -> int:
        return sum(1 for f in self.findings if f.outcome is outcome)

    def by_rule(self) -> dict[RuleRef, Counter[Outcome]]:
        """Outcome counts per rule, in :func:`rule_order`."""
        counts: dict[RuleRef, Counter[Outcome]] = {}
        for f in self.findings:
            counts.setdefault(f.rule, Counter())[f.outcome] += 1
        return {r: counts[r] for r in sorted(counts, key=rule_order)}

    @property
    def has_violation(self) -> bool:
        return any(f.outcome is Outcome.VIOLATION for f in self.findings)
