"""What a check says about one subject: an outcome, the reason as a message, and the
evidence it used. The context gives a check the values it may use; checks never read files."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from attrs import field, frozen

from ..i18n import Message
from ..text import Lang
from ..textmatch import Matcher
from ..vocabulary import Outcome

if TYPE_CHECKING:
    from ..history import CallHistory
    from ..model import Parameter, ParameterValue, Pattern
    from ..nix import NixRegister

NO_EVIDENCE: Mapping[str, Any] = MappingProxyType({})
"""The evidence of a verdict that needs none (one shared, read-only empty mapping)."""


class Verdict(NamedTuple):
    """A named tuple: a check makes one per rule and record, and a tuple is cheap to make."""

    outcome: Outcome
    message: Message
    evidence: Mapping[str, Any] = NO_EVIDENCE
    missing_parameters: tuple[str, ...] = ()


class MissingParameter(LookupError):
    """A parameter the check needs has no value: the outcome is undetermined."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@frozen
class Context:
    """What a check may use besides the subject: the ruleset's parameters (with the
    organisation's overlay applied), the NIX register snapshot if one was given, and what an
    audited batch says about earlier calls and silent calls."""

    parameters: Mapping[str, Parameter]
    nix: NixRegister | None = None
    history: CallHistory | None = None
    """Start times of the calls in an audited batch, by calling organisation and destination
    (for frequency caps)."""
    silent_share: Mapping[str, float] | None = None
    """Per calling organisation, the percentage of silent calls in an audited batch."""
    patterns: Mapping[str, Pattern] = field(factory=dict)
    """The ruleset's detection patterns for scripts and documents, by name."""

    def matcher(self, name: str, lang: Lang) -> Matcher | None:
        """The compiled pattern ``name`` in ``lang``; None when the ruleset has none."""
        pattern = self.patterns.get(name)
        if pattern is None:
            return None
        expressions, unless = pattern.expressions(lang)
        return Matcher.of(expressions, unless, name=name) if expressions else None

    def value(self, name: str) -> ParameterValue:
        param = self.parameters.get(name)
        if param is None or param.value is None:
            raise MissingParameter(name)
        return param.value


@functools.cache
def fixed(outcome: Outcome, msgid: str) -> Verdict:
    """A verdict whose message has no values, made once and shared: an audit gives the same
    few of them millions of times."""
    return Verdict(outcome, Message(msgid))


@functools.cache
def undetermined_missing(name: str) -> Verdict:
    return Verdict(
        Outcome.UNDETERMINED,
        Message("parameter {name} has no value: set it in your policy overlay", {"name": name}),
        missing_parameters=(name,),
    )


@functools.cache
def unknown(field_name: str) -> Verdict:
    """The record lacks evidence the check needs: never compliant (shared per field)."""
    return Verdict(
        Outcome.UNDETERMINED,
        Message("the record does not say {field}", {"field": field_name}),
        evidence=MappingProxyType({field_name: None}),
    )
