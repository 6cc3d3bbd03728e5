"""The check kind for rules no machine can judge: a person follows ``procedure``."""

from __future__ import annotations

from typing import Any, ClassVar

from attrs import frozen

from ..i18n import Message
from ..text import Text
from ..vocabulary import Outcome, SubjectKind
from .base import Check
from .verdict import Context, Verdict


@frozen
class Manual(Check):
    """A person must judge the rule; evaluation reports it as ``undetermined`` with the
    procedure, never as ``compliant``."""

    kind: ClassVar[str] = "manual"
    subjects: ClassVar[frozenset[SubjectKind]] = frozenset(SubjectKind)
    automatic: ClassVar[bool] = False
    procedure: Text

    def evaluate(self, subject: Any, context: Context) -> Verdict:
        return Verdict(
            Outcome.UNDETERMINED,
            Message("a person must check this: {procedure}", {"procedure": self.procedure}),
        )
