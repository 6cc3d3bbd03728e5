"""Check kinds judged on a customer-service process description."""

from __future__ import annotations

from typing import ClassVar

from attrs import field, frozen, validators

from ..vocabulary import SubjectKind
from .base import Check

_FIELD_PATH = r"^[a-z_]+(\.[a-z_]+)*$"


@frozen
class ProcessDeclares(Check):
    """The process description declares each of ``fields`` (dotted paths) as in place."""

    kind: ClassVar[str] = "process-declares"
    subjects: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.SERVICE_PROCESS})
    fields: tuple[str, ...] = field(
        validator=validators.deep_iterable(validators.matches_re(_FIELD_PATH))
    )
