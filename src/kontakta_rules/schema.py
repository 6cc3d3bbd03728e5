"""JSON Schemas of the file formats, generated from the model so they cannot drift.

The schema describes the data a TOML file holds (TOML dates appear as ``format: date``).
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from .checks import CHECK_KINDS, Check
from .model import Overlay, ParameterValue, Ruleset
from .schedule import SCHEDULE_KEYS
from .text import Text
from .vocabulary import Layer, ParameterType

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_SCHEDULE = {
    "type": "object",
    "description": 'Day keys with lists of "HH:MM-HH:MM" ranges, Europe/Stockholm time.',
    "properties": {
        key: {"type": "array", "items": {"type": "string", "pattern": r"^\d{2}:\d{2}-\d{2}:\d{2}$"}}
        for key in SCHEDULE_KEYS
    },
    "additionalProperties": False,
}
_PARAMETER_VALUE = {
    "description": "Typed by the parameter's type: "
    + ", ".join(t.value for t in ParameterType)
    + ". Leave out when no source gives a value.",
    "anyOf": [{"type": ["integer", "number", "boolean", "string"]}, _SCHEDULE],
}


_LIST_REFERENCE: dict[str, Any] = {
    "type": "object",
    "properties": {"list": {"type": "string", "description": "a list in rulesets/_lists"}},
    "required": ["list"],
    "additionalProperties": False,
}


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder against recursion
            self.defs[name] = self.attrs_schema(cls)
        return {"$ref": f"#/$defs/{name}"}

    def attrs_schema(self, cls: type, *, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        props: dict[str, Any] = dict(extra or {})
        required = list(extra or {})
        for a in attrs.fields(cls):
            key = a.alias or a.name
            props[key] = self.type_schema(hints[a.name])
            if a.default is attrs.NOTHING:
                required.append(key)
        schema: dict[str, Any] = {
            "type": "object",
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            schema["required"] = required
        doc = (cls.__doc__ or "").strip().split("\n\n")[0]
        if doc:
            schema["description"] = " ".join(doc.split())
        return schema

    def type_schema(self, tp: Any) -> dict[str, Any]:
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if tp == ParameterValue | None:
            return dict(_PARAMETER_VALUE)
        if tp is Check:
            return {"$ref": "#/$defs/Check"}
        if tp is Text:
            return self.ref(Text)
        if origin in (typing.Union, types.UnionType):
            options = [a for a in args if a is not type(None)]
            return (
                self.type_schema(options[0])
                if len(options) == 1
                else {"anyOf": [self.type_schema(a) for a in options]}
            )
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin is tuple:
            return {"type": "array", "items": self.type_schema(args[0])}
        if origin in (Mapping, dict) or (isinstance(origin, type) and issubclass(origin, Mapping)):
            value = args[1] if args else Any
            inner = {} if value is Any else self.type_schema(value)
            return {"type": "object", "additionalProperties": inner}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [m.value for m in tp]}
        if tp is dt.datetime:
            return {"type": "string", "format": "date-time", "description": "with a timezone"}
        if tp is dt.date:
            return {"type": "string", "format": "date"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        if tp is Any or tp is object:
            return {}
        if attrs.has(tp):
            return self.ref(tp)
        raise TypeError(f"no schema for {tp!r}")

    def checks(self) -> dict[str, Any]:
        options = []
        for kind, cls in sorted(CHECK_KINDS.items()):
            name = f"Check_{cls.__name__}"
            schema = self.attrs_schema(cls, extra={"kind": {"const": kind}})
            for prop in schema["properties"].values():
                if prop == {"type": "array", "items": {"type": "string"}}:
                    # a list of values may be written once in rulesets/_lists and named here
                    prop["anyOf"] = [dict(prop), _LIST_REFERENCE]
                    del prop["type"], prop["items"]
            self.defs[name] = schema
            options.append({"$ref": f"#/$defs/{name}"})
        return {"oneOf": options, "description": "The check: a table tagged by its kind."}


def _document(root: type, title: str, *, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    b = _Builder()
    b.defs["Check"] = b.checks()
    body = b.attrs_schema(root, extra=extra)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": title,
        **body,
        "$defs": dict(sorted(b.defs.items())),
    }


def ruleset_schema() -> dict[str, Any]:
    """The JSON Schema of a ruleset file (``rulesets/<id>/<version>.toml``)."""
    return _document(Ruleset, "kontakta_rules ruleset file")


def overlay_schema() -> dict[str, Any]:
    """The JSON Schema of an organisation overlay file (``kind = "overlay"``)."""
    return _document(Overlay, "kontakta_rules overlay file", extra={"kind": {"const": "overlay"}})


def call_record_schema() -> dict[str, Any]:
    """The JSON Schema of one call record (one line of a ``.jsonl`` file)."""
    from .subjects import CallRecord

    return _document(CallRecord, "kontakta_rules call record")


def service_process_schema() -> dict[str, Any]:
    """The JSON Schema of a customer-service process description (TOML)."""
    from .subjects.service_process import ServiceProcess

    return _document(ServiceProcess, "kontakta_rules customer-service process description")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of a report (``check ... --format json``), layout ``schema_version`` 2.

    Written out by hand: a report is output, not a file the model loads. A test validates
    every report the CLI writes against it, so the two cannot drift apart.
    """
    from .report import REPORT_SCHEMA_VERSION
    from .vocabulary import Heading, Outcome, Severity

    layers = [layer.value for layer in Layer]
    outcomes = [o.value for o in Outcome]
    counts = {
        "type": "object",
        "description": "How many findings had each outcome.",
        "properties": {o: {"type": "integer", "minimum": 0} for o in outcomes},
        "required": outcomes,
        "additionalProperties": False,
    }
    ruleset = {
        "type": "object",
        "description": "The ruleset version a rule belongs to, with its fingerprint and layer.",
        "properties": {
            "id": {"type": "string"},
            "version": {"type": "string", "format": "date"},
            "fingerprint": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
            "layer": {"enum": layers},
        },
        "required": ["id", "version", "fingerprint", "layer"],
        "additionalProperties": False,
    }
    citation = {
        "type": "object",
        "properties": {
            "document": {"type": "string"},
            "url": {"type": "string"},
            "section": {"type": ["string", "null"]},
        },
        "required": ["document", "url"],
        "additionalProperties": False,
    }
    text = {"type": ["string", "null"]}
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "kontakta_rules report",
        "description": "What `kontakta-rules check ... --format json` writes. Texts are in "
        "`language`; identifiers and evidence are language-neutral. A new `schema_version` "
        "is issued only for changes that break readers; fields may be added within a version.",
        "type": "object",
        "properties": {
            "schema_version": {"const": REPORT_SCHEMA_VERSION},
            "generator": {
                "type": "object",
                "properties": {"name": {"const": "kontakta-rules"}, "version": {"type": "string"}},
                "required": ["name", "version"],
            },
            "language": {"enum": ["sv", "en"]},
            "subjects": {
                "type": "integer",
                "minimum": 0,
                "description": "Subjects judged (records, texts, processes); rejected lines "
                "are not among them.",
            },
            "counts": counts,
            "listed": {
                "type": "array",
                "description": "The outcomes whose findings `findings` lists; the others are "
                "counted only (`--findings all` lists every one).",
                "items": {"enum": outcomes},
            },
            "rulesets": {
                "type": "array",
                "description": "Every ruleset version used, with the fingerprint of what was "
                "evaluated (after the organisation's overlay filled in its parameters) and "
                "where it was read from.",
                "items": {
                    "type": "object",
                    "properties": {
                        "ref": {"type": "string", "description": "id@version"},
                        "fingerprint": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
                        "layer": {"enum": layers},
                        "source": {"type": "string"},
                    },
                    "required": ["ref", "fingerprint", "layer", "source"],
                    "additionalProperties": False,
                },
            },
            "rejected": {
                "type": "array",
                "description": "Input lines that could not be judged, with the reason.",
                "items": {
                    "type": "object",
                    "properties": {
                        "source": {"type": "string"},
                        "line": {"type": "integer", "minimum": 0},
                        "reason": {"type": "string"},
                    },
                    "required": ["source", "line", "reason"],
                    "additionalProperties": False,
                },
            },
            "rules": {
                "type": "array",
                "description": "Every rule with findings, law first, with its text and counts.",
                "items": {
                    "type": "object",
                    "properties": {
                        "ref": {"type": "string", "description": "ruleset@version/rule"},
                        "ruleset": ruleset,
                        "rule_id": {"type": "string"},
                        "title": text,
                        "text": text,
                        "severity": {"enum": [v.value for v in Severity]},
                        "check_kind": {"type": "string"},
                        "citation": citation,
                        "counts": counts,
                    },
                    "required": ["ref", "ruleset", "rule_id", "severity", "citation", "counts"],
                    "additionalProperties": False,
                },
            },
            "findings": {
                "type": "array",
                "description": "One per rule and subject, for the outcomes in `listed`.",
                "items": {
                    "type": "object",
                    "properties": {
                        "subject_id": {"type": "string"},
                        "outcome": {"enum": outcomes},
                        "ruleset": ruleset,
                        "rule_id": {"type": "string"},
                        "severity": {"enum": [v.value for v in Severity]},
                        "message": {"type": "string"},
                        "citation": citation,
                        "evidence": {"type": "object", "description": "The facts judged."},
                        "missing_parameters": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": [
                        "subject_id",
                        "outcome",
                        "ruleset",
                        "rule_id",
                        "severity",
                        "message",
                        "citation",
                        "evidence",
                        "missing_parameters",
                    ],
                    "additionalProperties": False,
                },
            },
            "headings": {
                "type": "object",
                "description": "Process reports only: outcome counts per heading.",
                "propertyNames": {"enum": [h.value for h in Heading]},
                "additionalProperties": counts,
            },
            "gaps": {
                "type": "array",
                "description": "Process reports only: violations and undetermined rules, "
                "law first.",
                "items": {"type": "object"},
            },
            "contacts": {
                "type": ["integer", "null"],
                "description": "Process reports only: contacts in the log (null: no log).",
            },
            "kpis": {
                "type": "array",
                "description": "Process reports only: the KPIs computed from the contact log.",
                "items": {"type": "object"},
            },
        },
        "required": [
            "schema_version",
            "generator",
            "language",
            "subjects",
            "counts",
            "listed",
            "rulesets",
            "rejected",
            "rules",
            "findings",
        ],
        "additionalProperties": False,
    }


SCHEMAS = {
    "ruleset": ruleset_schema,
    "overlay": overlay_schema,
    "call-record": call_record_schema,
    "service-process": service_process_schema,
    "report": report_schema,
}
