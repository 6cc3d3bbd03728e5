"""The check kind for rules no machine can judge: a person follows ``procedure``."""

from __future__ import annotations

from typing import ClassVar

from attrs import frozen

from ..text import Text
from ..vocabulary import SubjectKind
from .base import Check


@frozen
class Manual(Check):
    """A person must judge the rule; evaluation reports it as ``undetermined`` with the
    procedure, never as ``compliant``."""

    kind: ClassVar[str] = "manual"
    subjects: ClassVar[frozenset[SubjectKind]] = frozenset(SubjectKind)
    automatic: ClassVar[bool] = False
    procedure: Text
