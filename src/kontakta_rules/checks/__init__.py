"""The vocabulary of check kinds a rule file may name (``check.kind``).

Importing this package registers every kind in :data:`CHECK_KINDS`.
"""

from .base import CHECK_KINDS, Check, ParameterSpec, parameter_ref, parameter_spec
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
from .documents import DocumentContent
from .manual import Manual
from .process import ProcessDeclares

__all__ = [
    "CHECK_KINDS",
    "BusinessSubscription",
    "CallFrequency",
    "CallerId",
    "CallingWindow",
    "Check",
    "ConfirmationDeadline",
    "DefersTo",
    "DoNotCallRequest",
    "DocumentContent",
    "Manual",
    "MobileRestriction",
    "NixCheck",
    "NixListed",
    "OpeningDisclosure",
    "ParameterSpec",
    "ProcessDeclares",
    "Recording",
    "SilentCalls",
    "WrittenAcceptance",
    "parameter_ref",
    "parameter_spec",
]
