"""The vocabulary of check kinds a rule file may name (``check.kind``).

Importing this package registers every kind in :data:`CHECK_KINDS`.
"""

from .base import CHECK_KINDS, Check, ParameterSpec, parameter_ref, parameter_spec, pattern_ref
from .calls import (
    BusinessSubscription,
    CallerId,
    CallFrequency,
    CallingWindow,
    ConfirmationDeadline,
    DefersTo,
    DoNotCallRequest,
    MobileRestriction,
    NixCheck,
    NixListed,
    OpeningDisclosure,
    Recording,
    SilentCalls,
    WrittenAcceptance,
)
from .manual import Manual
from .process import ChannelsDeclare, KpiTargets, ProcessDeclares
from .texts import DocumentContent, ScriptContent, ScriptForbidden, ScriptOpening

__all__ = [
    "CHECK_KINDS",
    "BusinessSubscription",
    "CallFrequency",
    "CallerId",
    "CallingWindow",
    "ChannelsDeclare",
    "Check",
    "ConfirmationDeadline",
    "DefersTo",
    "DoNotCallRequest",
    "DocumentContent",
    "KpiTargets",
    "Manual",
    "MobileRestriction",
    "NixCheck",
    "NixListed",
    "OpeningDisclosure",
    "ParameterSpec",
    "ProcessDeclares",
    "Recording",
    "ScriptContent",
    "ScriptForbidden",
    "ScriptOpening",
    "SilentCalls",
    "WrittenAcceptance",
    "parameter_ref",
    "parameter_spec",
    "pattern_ref",
]
