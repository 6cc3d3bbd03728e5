"""Check kinds judged on written offers and confirmations sent after a call."""

from __future__ import annotations

from typing import ClassVar

from attrs import frozen

from ..vocabulary import DocumentElement, SubjectKind
from .base import Check


@frozen
class DocumentContent(Check):
    """The document contains every element in ``required``."""

    kind: ClassVar[str] = "document-content"
    subjects: ClassVar[frozenset[SubjectKind]] = frozenset(
        {SubjectKind.OFFER, SubjectKind.CONFIRMATION}
    )
    required: tuple[DocumentElement, ...]
    excluded_offer_categories: tuple[str, ...] = ()
    """Offer categories the requirement does not cover (e.g. lotteries)."""
