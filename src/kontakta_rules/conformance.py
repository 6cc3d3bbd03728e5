"""A customer-service conformance report: the findings for a process, summarised by heading,
and the gaps ordered by layer (law before industry rules before voluntary practice before
the organisation's own policy), then by severity."""

from __future__ import annotations

from collections import Counter

from attrs import frozen

from .model import Finding, Report
from .subjects.service_process import ServiceReview
from .vocabulary import Heading, Outcome, Severity

GAP_OUTCOMES = (Outcome.VIOLATION, Outcome.UNDETERMINED)
"""What counts as a gap: a rule not met, or one nobody can say is met."""


@frozen
class ProcessReport:
    """The findings for one process description, with what they were judged on."""

    report: Report
    review: ServiceReview

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings

    @property
    def has_violation(self) -> bool:
        return self.report.has_violation

    def by_heading(self) -> dict[Heading, Counter[Outcome]]:
        """Outcome counts per heading, in the order of :class:`Heading`."""
        counts: dict[Heading, Counter[Outcome]] = {}
        for f in self.findings:
            heading = f.rule.heading
            if heading is not None:
                counts.setdefault(heading, Counter())[f.outcome] += 1
        return {h: counts[h] for h in Heading if h in counts}

    def gaps(self) -> list[Finding]:
        """Violations and undetermined rules: law first, then register, industry, voluntary
        practice and the organisation; within a layer, must before should and violations
        before undetermined."""
        return sorted(
            (f for f in self.findings if f.outcome in GAP_OUTCOMES),
            key=lambda f: (
                f.layer.rank,
                f.severity is not Severity.MUST,
                f.outcome is not Outcome.VIOLATION,
                f.ruleset_id,
                f.rule_id,
            ),
        )
