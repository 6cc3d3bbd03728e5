"""Read call records from JSON Lines or CSV. Every input line is accounted for: it becomes a
:class:`CallRecord` or a :class:`RejectedInput` with its line number and the reason.

CSV columns are the JSON keys, with nested evidence flattened (see :data:`CSV_COLUMNS`);
an empty cell means *not known*. Lists are separated by ``;``; a disclosure is written
``item@seconds`` (``company-or-principal@4;commercial-purpose@9``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..i18n import Message
from ..loading import LoadError, Problem, structure
from ..model import RejectedInput
from ..phone import PhoneNumberError, to_e164
from ..text import LANGUAGES, Text
from .call_record import CallRecord

Item = tuple[int, CallRecord | RejectedInput]

_BOOLEAN_COLUMNS = {"caller_id_shown", "silent", "nix_checked", "nix_listed"}
_LIST_COLUMNS = {"recorded_segments", "do_not_call_requests", "consent_organisations"}
_NESTED = {"nix_": "nix", "customer_": "customer", "consent_": "consent"}
_NESTED_NAMES = {
    "nix_checked": "checked",
    "nix_register_updated": "register_updated",
    "nix_listed": "listed",
    "customer_product_category": "product_category",
    "customer_started": "started",
    "customer_ended": "ended",
    "consent_organisations": "organisations",
    "consent_given_at": "given_at",
}
_FLAT = [
    "call_id",
    "started_at",
    "ended_at",
    "calling_organisation",
    "destination",
    "purpose",
    "principal",
    "agent_name",
    "agent_relationship",
    "caller_id_shown",
    "subscription",
    "target",
    "initiated_by",
    "disclosures",
    "recorded_segments",
    "silent",
    "offer_category",
    "offer_sent_at",
    "accepted_at",
    "acceptance_form",
    "confirmation_sent_at",
    "do_not_call_requests",
]
CSV_COLUMNS: tuple[str, ...] = (*_FLAT, *_NESTED_NAMES)
"""Every column a call-record CSV may have."""

_TRUE = {"true", "yes", "ja", "1"}
_FALSE = {"false", "no", "nej", "0"}


def _reject(source: str, line: int, path: str, message: Message) -> RejectedInput:
    return RejectedInput(
        source, line, Message("{path}: {message}", {"path": path, "message": message}).text()
    )


def record_from_data(raw: object, source: str, line: int) -> CallRecord | RejectedInput:
    """One record from its JSON-shaped data, or the reason it cannot be used."""
    if not isinstance(raw, Mapping):
        return _reject(
            source,
            line,
            "$",
            Message(
                "expected {what}, got {got}",
                {"what": Message("a table"), "got": type(raw).__name__},
            ),
        )
    data = dict(raw)
    destination = data.get("destination")
    if isinstance(destination, str):
        try:
            data["destination"] = to_e164(destination)
        except PhoneNumberError as exc:
            return _reject(source, line, "$.destination", exc.message)
    record, problems = structure(data, CallRecord, source)
    if record is None:
        reasons = [
            Message("{path}: {message}", {"path": p.path, "message": p.message}) for p in problems
        ]
        return RejectedInput(source, line, _joined(reasons))
    return record


def _joined(messages: list[Message]) -> Text:
    return Text(*("; ".join(m.render(lang) for m in messages) for lang in LANGUAGES))


def read_jsonl(path: Path, source: str | None = None) -> Iterator[Item]:
    src = source or str(path)
    with path.open(encoding="utf-8") as fh:
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                yield (
                    line,
                    _reject(
                        src, line, "$", Message("not valid JSON: {detail}", {"detail": exc.msg})
                    ),
                )
                continue
            yield line, record_from_data(raw, src, line)


def _csv_value(column: str, cell: str) -> Any:
    if column in _BOOLEAN_COLUMNS:
        low = cell.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return cell  # the structuring step reports it
    if column in _LIST_COLUMNS:
        return [part.strip() for part in cell.split(";") if part.strip()]
    if column == "disclosures":
        out = []
        for part in filter(None, (p.strip() for p in cell.split(";"))):
            item, _, seconds = part.partition("@")
            try:
                out.append({"item": item, "at_seconds": float(seconds)})
            except ValueError:
                out.append({"item": item, "at_seconds": seconds})
        return out
    return cell


def row_to_data(row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as the JSON-shaped data of a record (empty cells left out)."""
    data: dict[str, Any] = {}
    for column, cell in row.items():
        if cell is None or cell == "":
            continue
        value = _csv_value(column, cell)
        if column in _NESTED_NAMES:
            group = next(g for prefix, g in _NESTED.items() if column.startswith(prefix))
            data.setdefault(group, {})[_NESTED_NAMES[column]] = value
        else:
            data[column] = value
    return data


def read_csv(path: Path, source: str | None = None) -> Iterator[Item]:
    src = source or str(path)
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
        if unknown:
            raise LoadError(
                [
                    Problem(
                        src,
                        "line 1",
                        Message(
                            "unknown column {column}; known columns: {known}",
                            {"column": c, "known": ", ".join(CSV_COLUMNS)},
                        ),
                    )
                    for c in unknown
                ]
            )
        for row in reader:
            line = reader.line_num
            if None in row:
                yield line, _reject(src, line, "$", Message("more cells than columns"))
                continue
            yield line, record_from_data(row_to_data(row), src, line)


def read_call_records(path: Path | str) -> Iterator[Item]:
    """``(line, record or rejection)`` for every record in a ``.jsonl`` or ``.csv`` file."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return read_csv(path)
    return read_jsonl(path)
