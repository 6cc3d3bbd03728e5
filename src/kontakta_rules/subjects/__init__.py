"""The things rules are checked against: call records (scripts, offers and service
processes follow)."""

from .call_record import CallRecord, Consent, CustomerRelationship, Disclosed, NixEvidence

__all__ = ["CallRecord", "Consent", "CustomerRelationship", "Disclosed", "NixEvidence"]
