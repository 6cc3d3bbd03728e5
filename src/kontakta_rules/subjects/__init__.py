"""The things rules are checked against: call records, call scripts and transcripts, written
offers and confirmations (service processes follow)."""

from .call_record import CallRecord, Consent, CustomerRelationship, Disclosed, NixEvidence
from .script import Confirmation, Script, Utterance, WrittenDocument, WrittenOffer

__all__ = [
    "CallRecord",
    "Confirmation",
    "Consent",
    "CustomerRelationship",
    "Disclosed",
    "NixEvidence",
    "Script",
    "Utterance",
    "WrittenDocument",
    "WrittenOffer",
]
