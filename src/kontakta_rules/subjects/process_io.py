"""Read a customer-service process description (TOML) and a contact log (CSV)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import attrs

from ..errors import FieldProblem, LoadError, Problem
from ..i18n import Message
from ..loading import read_toml, structure
from ..model import RejectedInput
from ..schedule import ScheduleError, parse_schedule
from ..textinput import csv_rows, source_name
from ..vocabulary import ChannelKind
from .call_io import _FALSE, _TRUE, _joined
from .call_record import check_moment
from .contact_log import Contact
from .service_process import ServiceProcess


def process_from_data(raw: Mapping[str, object], source: str) -> ServiceProcess:
    """A process description from its TOML data; raises :class:`LoadError` with every problem
    by file and field."""
    process, problems = structure(raw, ServiceProcess, source)
    if process is not None:
        for i, channel in enumerate(process.channels):
            if channel.opening_hours is None:
                continue
            try:
                parse_schedule(channel.opening_hours)
            except ScheduleError as exc:
                suffix = f".{exc.path}" if exc.path else ""
                problems.append(
                    Problem(
                        source,
                        f"$.channels[{i}].opening_hours{suffix}",
                        Message("not a weekly schedule: {detail}", {"detail": exc.message}),
                    )
                )
    if problems or process is None:
        raise LoadError(problems)
    return attrs.evolve(process, name=process.name or source)


def read_service_process(path: Path | str) -> ServiceProcess:
    """Read and check a process description file."""
    source = source_name(path)
    return process_from_data(read_toml(path, source), source)


CONTACT_COLUMNS = ("channel", "received", "answered", "resolved", "complaint")
"""The columns of a contact log; all must be present."""


def _time(cell: str, column: str) -> dt.datetime | Message:
    try:
        value = dt.datetime.fromisoformat(cell.strip())
    except ValueError:
        return Message("{column}: not an ISO 8601 time: {value}", {"column": column, "value": cell})
    if value.tzinfo is None:
        return Message(
            "{column}: the time has no timezone (write +01:00 or Z): {value}",
            {"column": column, "value": cell},
        )
    try:
        return check_moment(column, value)  # within the years a record may hold
    except FieldProblem as exc:
        return exc.as_message()


def contact_from_row(row: Mapping[str, str], source: str, line: int) -> Contact | RejectedInput:
    """One contact from its CSV row, or the reason it cannot be used."""
    problems: list[Message] = []
    try:
        channel: ChannelKind | None = ChannelKind(row["channel"].strip())
    except ValueError:
        channel = None
        problems.append(
            Message(
                "channel: expected one of {known}, got {value}",
                {"known": ", ".join(k.value for k in ChannelKind), "value": row["channel"]},
            )
        )
    times: dict[str, dt.datetime | None] = {}
    for column in ("received", "answered", "resolved"):
        cell = row[column].strip()
        if not cell:
            times[column] = None
            if column == "received":
                problems.append(Message("received: required"))
            continue
        parsed = _time(cell, column)
        if isinstance(parsed, Message):
            problems.append(parsed)
        else:
            times[column] = parsed
    received = times.get("received")
    for column in ("answered", "resolved"):
        at = times.get(column)
        if received is not None and at is not None and at < received:
            problems.append(Message("{column}: earlier than received", {"column": column}))
    flag = row["complaint"].strip().lower()
    if flag not in _TRUE | _FALSE:
        problems.append(
            Message("complaint: write yes or no, got {value}", {"value": row["complaint"]})
        )
    if problems or channel is None or received is None:
        return RejectedInput(source, line, _joined(problems))
    return Contact(
        line, channel, received, times.get("answered"), times.get("resolved"), flag in _TRUE
    )


def read_contacts(path: Path | str) -> tuple[tuple[Contact, ...], tuple[RejectedInput, ...]]:
    """Every row of a contact-log CSV (``,`` or ``;``, UTF-8 with or without a byte-order
    mark; ``-``: standard input): the contacts, and the rows that cannot be used with their
    line and reason. A file without the columns is a :class:`LoadError`."""
    src = source_name(path)
    contacts: list[Contact] = []
    rejected: list[RejectedInput] = []
    with csv_rows(path, src) as rows:
        columns = rows.columns
        wrong = [c for c in CONTACT_COLUMNS if c not in columns]
        wrong += [c for c in columns if c not in CONTACT_COLUMNS]
        if wrong:
            raise LoadError(
                [
                    Problem(
                        src,
                        "line 1",
                        Message(
                            "the columns must be {columns}; found {found}",
                            {"columns": ", ".join(CONTACT_COLUMNS), "found": ", ".join(columns)},
                        ),
                    )
                ]
            )
        for line, row in rows:
            if isinstance(row, Message):
                rejected.append(RejectedInput(src, line, row.text()))
                continue
            if len(row) < len(CONTACT_COLUMNS):
                rejected.append(
                    RejectedInput(src, line, _joined([Message("the row does not have 5 cells")]))
                )
                continue
            item = contact_from_row(row, src, line)
            (rejected if isinstance(item, RejectedInput) else contacts).append(item)  # type: ignore[arg-type]
    return tuple(contacts), tuple(rejected)
