"""The base of the check vocabulary: what a rule file may name as ``check.kind``.

Each kind is a small frozen attrs class holding its typed settings. Fields that name a
ruleset parameter are declared with :func:`parameter_ref`, so the loader's lint pass can
prove every reference points at a declared parameter of the right type and unit.
Numbers never appear in a check directly: they live in parameters, each with its source.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import attrs
from attrs import field, frozen

from ..i18n import Message
from ..vocabulary import Outcome, ParameterType, SubjectKind, Unit
from .columns import Branch, NoColumnarForm
from .verdict import Context, MissingParameter, Verdict, undetermined_missing

_PARAMETER_META = "kontakta_rules.parameter"
_PATTERN_META = "kontakta_rules.pattern"

CHECK_KINDS: dict[str, type[Check]] = {}
"""Every check kind by its ``kind`` tag, filled as check classes are defined."""


@frozen
class ParameterSpec:
    """What a parameter-reference field accepts."""

    type: ParameterType
    unit: Unit | None = None


def parameter_ref(type: ParameterType, unit: Unit | None = None, *, optional: bool = False) -> Any:
    """A check field holding the *name* of a ruleset parameter of ``type`` and ``unit``."""
    spec = ParameterSpec(type, unit)
    if optional:
        return field(default=None, metadata={_PARAMETER_META: spec})
    return field(metadata={_PARAMETER_META: spec})


def pattern_ref(**kwargs: Any) -> Any:
    """A check field naming detection patterns of the ruleset (a name, an enum whose values
    are pattern names, or a tuple of either)."""
    return field(metadata={_PATTERN_META: True}, **kwargs)


def parameter_spec(cls: type, field_name: str) -> ParameterSpec | None:
    """The spec of ``cls.field_name`` when it is a parameter reference, else None."""
    if not attrs.has(cls):
        return None
    for a in attrs.fields(cls):
        if a.name == field_name:
            spec = a.metadata.get(_PARAMETER_META)
            return spec if isinstance(spec, ParameterSpec) else None
    return None


@frozen
class Check:
    """Base of all check kinds. Subclasses set ``kind`` and ``subjects``."""

    kind: ClassVar[str] = ""
    subjects: ClassVar[frozenset[SubjectKind]] = frozenset()
    automatic: ClassVar[bool] = True
    """False for checks a person must make; ``list`` counts both."""

    @classmethod
    def __attrs_init_subclass__(cls) -> None:
        if not cls.kind:
            raise TypeError(f"{cls.__name__} must set a kind")
        if cls.kind in CHECK_KINDS:
            raise TypeError(f"check kind {cls.kind!r} is defined twice")
        CHECK_KINDS[cls.kind] = cls

    def lint(self) -> Iterator[tuple[str, Message]]:
        """Problems the loader reports for this check: ``(path suffix, message)``; the suffix
        is relative to the check (``.fields[1]``)."""
        return iter(())

    def evaluate(self, subject: Any, context: Context) -> Verdict:
        """The verdict on ``subject``. Kinds without an evaluator yet raise NotImplementedError,
        which :func:`judge` turns into ``undetermined`` (never ``compliant``)."""
        raise NotImplementedError(self.kind)

    def columnar(self, c: Any) -> Sequence[Branch]:
        """The same decision as :meth:`evaluate`, as branches over a table of subjects (see
        :mod:`kontakta_rules.checks.columns`); ``c`` builds the expressions. Kinds without
        one raise :class:`NoColumnarForm`, and a columnar engine refuses their rules."""
        raise NoColumnarForm(self.kind)

    def judge(self, subject: Any, context: Context) -> Verdict:
        """:meth:`evaluate`, with a missing parameter or a missing evaluator as undetermined."""
        try:
            return self.evaluate(subject, context)
        except MissingParameter as exc:
            return undetermined_missing(exc.name)
        except NotImplementedError:
            return Verdict(
                Outcome.UNDETERMINED,
                Message("check kind {kind} has no evaluator yet", {"kind": self.kind}),
            )

    def pattern_refs(self) -> Iterator[tuple[str, str]]:
        """``(path, pattern name)`` for every detection pattern this check uses; the path is
        the field's name, with ``[i]`` for an item of a list (``required[1]``)."""
        for a in attrs.fields(type(self)):
            if not a.metadata.get(_PATTERN_META):
                continue
            value = getattr(self, a.name)
            if isinstance(value, tuple):
                for i, item in enumerate(value):
                    yield f"{a.name}[{i}]", str(getattr(item, "value", item))
            elif value is not None:
                yield a.name, str(getattr(value, "value", value))

    def parameter_refs(self) -> Iterator[tuple[str, str, ParameterSpec]]:
        """``(field name, parameter name, spec)`` for every parameter this check uses."""
        for a in attrs.fields(type(self)):
            spec = a.metadata.get(_PARAMETER_META)
            value = getattr(self, a.name)
            if spec is not None and value is not None:
                yield a.name, value, spec
