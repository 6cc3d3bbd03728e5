"""Read call records from JSON Lines or CSV. Every input line is accounted for: it becomes a
:class:`CallRecord` or a :class:`RejectedInput` with its line number and the reason.

JSON is read strictly: ``NaN`` and ``Infinity`` are not JSON numbers, a line nested deeper
than any record could be or a number with thousands of digits is a rejected line, and so is a
line that is not UTF-8.

CSV columns are the JSON keys, with nested evidence flattened (see :data:`CSV_COLUMNS`);
an empty cell means *not known*. Lists are separated by ``;``, and ``[]`` says *known to be
none*; a disclosure is written ``item@seconds`` (``company-or-principal@4;commercial-purpose@9``,
a decimal comma allowed: ``agent-name@4,5``). The file may be separated by ``,`` or by ``;``
(as Excel saves it in a Swedish locale; a list cell is then quoted), and may start with a
UTF-8 byte-order mark. A column named twice is refused: one of its cells would be lost.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError, LoadError, Problem
from ..i18n import Message
from ..loading import structure
from ..model import RejectedInput
from ..phone import PhoneNumberError, to_e164
from ..text import LANGUAGES, Text
from ..textinput import csv_rows, source_name, text_lines
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
    "confirmation_received_at",
    "do_not_call_requests",
]
CSV_COLUMNS: tuple[str, ...] = (*_FLAT, *_NESTED_NAMES)
"""Every column a call-record CSV may have."""

_TRUE = {"true", "yes", "ja", "1"}
_FALSE = {"false", "no", "nej", "0"}
NONE_CELL = "[]"
"""How a CSV list cell says *known to be none* (an empty cell means *not known*)."""


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


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def parse_json_line(text: str) -> object | Message:
    """One line of JSON Lines as data, or the reason it cannot be read. ``NaN`` and
    ``Infinity`` are refused (they are not JSON), and so are a line nested deeper than the
    interpreter can follow and a number too long to convert."""
    try:
        data: object = json.loads(text, parse_constant=_no_constant)
        return data
    except json.JSONDecodeError as exc:
        return Message("not valid JSON: {detail}", {"detail": exc.msg})
    except RecursionError:
        return Message("not valid JSON: nested too deeply")
    except ValueError as exc:
        if str(exc) in ("NaN", "Infinity", "-Infinity"):
            return Message("not valid JSON: {value} is not a JSON number", {"value": str(exc)})
        return Message("not valid JSON: a number with too many digits")


Raw = tuple[int, "str | Mapping[str, str] | Message"]
"""A line as read, before it becomes a record: its number and its text (JSON Lines), its
cells by column (CSV), or why it could not even be read."""


def jsonl_item(source: str, line: int, text: str | Message) -> CallRecord | RejectedInput:
    """One line of JSON Lines as a record or a rejection."""
    if isinstance(text, Message):
        return _reject(source, line, "$", text)
    raw = parse_json_line(text)
    if isinstance(raw, Message):
        return _reject(source, line, "$", raw)
    return record_from_data(raw, source, line)


def csv_item(
    source: str, line: int, row: Mapping[str, str] | Message
) -> CallRecord | RejectedInput:
    """One CSV row as a record or a rejection."""
    if isinstance(row, Message):
        return _reject(source, line, "$", row)
    try:
        data = row_to_data(row)
    except _CellProblem as exc:
        return _reject(source, line, f"$.{exc.column}", exc.message)
    return record_from_data(data, source, line)


def raw_jsonl(path: Path | str, source: str) -> Iterator[Raw]:
    for line, text in text_lines(path, source):
        if isinstance(text, Message) or text.strip():
            yield line, text


def read_jsonl(path: Path | str, source: str | None = None) -> Iterator[Item]:
    src = source or source_name(path)
    for line, text in raw_jsonl(path, src):
        yield line, jsonl_item(src, line, text)  # type: ignore[arg-type]


def _list_cell(cell: str) -> list[str] | None:
    """The items of a list cell; ``[]`` is the empty list; None for a cell that holds only
    separators (ambiguous: write ``[]`` for none)."""
    if cell.strip() == NONE_CELL:
        return []
    parts = [part.strip() for part in cell.split(";")]
    items = [p for p in parts if p]
    return items or None


def _seconds_cell(text: str) -> float | str:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return text


def _csv_value(column: str, cell: str) -> Any:
    if column in _BOOLEAN_COLUMNS:
        low = cell.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        return cell  # the structuring step reports it
    if column in _LIST_COLUMNS or column == "disclosures":
        items = _list_cell(cell)
        if items is None:
            raise _CellProblem(
                column,
                Message(
                    "{cell} lists nothing: leave the cell empty when not known, write {none} "
                    "when known to be none",
                    {"cell": repr(cell), "none": NONE_CELL},
                ),
            )
        if column in _LIST_COLUMNS:
            return items
        out = []
        for part in items:
            item, _, seconds = part.partition("@")
            out.append({"item": item.strip(), "at_seconds": _seconds_cell(seconds)})
        return out
    return cell


class _CellProblem(Exception):
    """A cell that cannot be read, whatever the rest of the record says."""

    def __init__(self, column: str, message: Message) -> None:
        super().__init__(column)
        self.column = column
        self.message = message


def row_to_data(row: Mapping[str, str | None]) -> dict[str, Any]:
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


def raw_csv(path: Path | str, source: str) -> Iterator[Raw]:
    with csv_rows(path, source) as rows:
        unknown = [c for c in rows.columns if c not in CSV_COLUMNS]
        if unknown:
            raise LoadError(
                [
                    Problem(
                        source,
                        "line 1",
                        Message(
                            "unknown column {column}; known columns: {known}",
                            {"column": c, "known": ", ".join(CSV_COLUMNS)},
                        ),
                    )
                    for c in unknown
                ]
            )
        yield from rows


def read_csv(path: Path | str, source: str | None = None) -> Iterator[Item]:
    src = source or source_name(path)
    for line, row in raw_csv(path, src):
        yield line, csv_item(src, line, row)  # type: ignore[arg-type]


def not_parquet(source: str, error: Exception) -> InputError:
    """The error for a file DuckDB cannot read as Parquet (its first line of explanation)."""
    return InputError(
        Message(
            "{source}: not a Parquet file ({error})",
            {"source": source, "error": str(error).splitlines()[0][:200]},
        )
    )


def read_parquet(path: Path | str, source: str | None = None) -> Iterator[Item]:
    """``(row, record or rejection)`` for every row of a Parquet file with the JSON Lines
    fields (nested ones as structs), rows numbered from 1. DuckDB (``kontakta-rules[duckdb]``)
    writes each row as a JSON object (instants in UTC with their offset, an instant without a
    zone without one, so that it is refused as in JSON), which is then read as a JSON line
    is: one validation for every format."""
    from ..columnar import require

    require("duckdb")
    import duckdb

    src = source or source_name(path)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    try:
        cursor = con.execute("SELECT to_json(row_) FROM read_parquet(?) AS row_", [str(path)])
    except duckdb.Error as exc:
        raise not_parquet(src, exc) from None
    line = 0
    while rows := cursor.fetchmany(10_000):
        for (text,) in rows:
            line += 1
            yield line, jsonl_item(src, line, text)


def input_format(path: Path | str, given: str | None = None, source: str | None = None) -> str:
    """``jsonl``, ``csv`` or ``parquet``: as said, else by the file's name (``.csv``,
    ``.parquet``; anything else and standard input: JSON Lines)."""
    if given is not None:
        return given
    name = str(source or path).lower()
    return "csv" if name.endswith(".csv") else "parquet" if name.endswith(".parquet") else "jsonl"


def read_call_records(
    path: Path | str,
    *,
    csv: bool | None = None,
    source: str | None = None,
    fmt: str | None = None,
) -> Iterator[Item]:
    """``(line, record or rejection)`` for every record in a ``.jsonl``, ``.csv`` or
    ``.parquet`` file (``-``: standard input, JSON Lines unless ``csv``); ``source`` names
    the file in messages (default: its path)."""
    if fmt is None and csv is not None:
        fmt = "csv" if csv else "jsonl"
    kind = input_format(path, fmt, source)
    if kind == "parquet":
        return read_parquet(path, source)
    return read_csv(path, source) if kind == "csv" else read_jsonl(path, source)


def is_csv_input(path: Path | str, csv: bool | None = None, source: str | None = None) -> bool:
    """Whether call records are CSV: as said, else by the file's name (``.csv``)."""
    return csv if csv is not None else str(source or path).lower().endswith(".csv")
