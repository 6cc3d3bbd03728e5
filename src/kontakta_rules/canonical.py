"""The canonical data form of model objects: plain JSON-able values.

Used for fingerprints, diffs and JSON output, so all three agree on what a ruleset *is*.
Fields equal to their default are left out, so writing a default explicitly in a file or
leaving it out gives the same form (and the same fingerprint).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import attrs

from .checks import Check
from .model import Ruleset
from .schedule import WeeklySchedule


def to_data(obj: object) -> Any:
    """``obj`` as JSON-able data: attrs classes as tables keyed by their file names."""
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, WeeklySchedule):
        return _schedule_data(obj)
    if isinstance(obj, bool | int | float | str) or obj is None:
        return obj
    if isinstance(obj, tuple | list):
        return [to_data(item) for item in obj]
    if isinstance(obj, Mapping):
        return {str(k): to_data(v) for k, v in obj.items()}
    cls: Any = type(obj)
    if attrs.has(cls):
        out: dict[str, Any] = {"kind": obj.kind} if isinstance(obj, Check) else {}
        for a in attrs.fields(cls):
            value = getattr(obj, a.name)
            if a.default is not attrs.NOTHING:
                factory = getattr(a.default, "factory", None)
                default = factory() if callable(factory) else a.default
                if value == default:
                    continue
            out[a.alias or a.name] = to_data(value)
        return out
    raise TypeError(f"no canonical form for {type(obj).__name__}")


@functools.lru_cache(maxsize=256)
def _schedule_data(schedule: WeeklySchedule) -> Any:
    """A schedule's data, made once: a calling window is part of the evidence of every call
    judged by it (callers only read what they get)."""
    return schedule.to_data()


def canonical_json(obj: object) -> str:
    """One fixed JSON spelling of ``obj``: sorted keys, no whitespace, UTF-8 text."""
    return json.dumps(to_data(obj), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(obj: object) -> str:
    """``sha256:<hex>`` of the canonical JSON; stable across machines and file formatting.

    A ruleset's change log (``revisions``) is left out: it describes the content, it is not
    the content, so recording a correction or fixing a typo in its reason changes nothing a
    pin holds on to, and each revision's ``replaces`` names exactly what users pinned."""
    data = to_data(obj)
    if isinstance(obj, Ruleset):
        data.pop("revisions", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"sha256:{digest}"
