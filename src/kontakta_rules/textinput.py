"""Reading users' text files: UTF-8 with or without the byte-order mark Excel writes,
standard input as ``-``, CSV separated by ``,`` or by ``;`` (Excel in a Swedish locale).

Every problem names the file and the line; nothing is decoded by guessing, nothing dropped:
a line or row that is not UTF-8 is reported on its own, and the rest of the file is read.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import itertools
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from .errors import InputError, LoadError, Problem
from .i18n import Message

STDIN = "-"
"""The file argument that means standard input."""
BOM = "\ufeff"
_BOM_BYTES = BOM.encode()
CSV_DELIMITERS = (",", ";")


def is_stdin(path: Path | str) -> bool:
    return str(path) == STDIN


def expand_patterns(paths: Sequence[Path]) -> list[Path]:
    """The files named, a name with ``*``, ``?`` or ``[`` that is not a file itself
    expanded (sorted) to the files it matches; a pattern that matches nothing is an error
    naming it (never an empty audit)."""
    out: list[Path] = []
    for path in paths:
        text = str(path)
        if text == STDIN or path.exists() or not any(ch in text for ch in "*?["):
            out.append(path)
            continue
        matches = sorted(p for p in Path(path.anchor or ".").glob(_relative(path)) if p.is_file())
        if not matches:
            raise InputError(Message("{pattern}: no file matches", {"pattern": text}))
        out.extend(matches)
    return out


def _relative(path: Path) -> str:
    return str(path.relative_to(path.anchor)) if path.anchor else str(path)


def source_name(path: Path | str) -> str:
    """How messages name a file: its path as given, ``-`` for standard input."""
    return str(path)


def _os_reason(exc: OSError) -> Message | str:
    if exc.errno == errno.ENOENT:
        return Message("there is no such file or folder")
    if exc.errno == errno.EISDIR:
        return Message("it is a folder, not a file")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Message("permission denied")
    return exc.strerror or str(exc)  # rare: the system's own words


def cannot_read(source: str, exc: OSError) -> LoadError:
    return LoadError(
        [
            Problem(
                source, "", Message("cannot read the file: {detail}", {"detail": _os_reason(exc)})
            )
        ]
    )


def cannot_write(target: str, exc: OSError) -> LoadError:
    message = Message("cannot write the file: {detail}", {"detail": _os_reason(exc)})
    return LoadError([Problem(target, "", message)])


@contextlib.contextmanager
def open_binary(path: Path | str, source: str | None = None) -> Iterator[BinaryIO]:
    """The file's bytes (standard input for ``-``); a file that cannot be opened is a
    :class:`LoadError` naming it."""
    src = source or source_name(path)
    if is_stdin(path):
        yield sys.stdin.buffer
        return
    try:
        fh = Path(path).open("rb")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise cannot_read(src, exc) from None
    with fh:
        yield fh


def read_bytes(path: Path | str, source: str | None = None) -> bytes:
    src = source or source_name(path)
    with open_binary(path, src) as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise cannot_read(src, exc) from None


def not_utf8(byte: int, column: int) -> Message:
    """Why a line is refused: the byte that is not UTF-8, and its column (1-based)."""
    return Message(
        "not UTF-8 text: byte 0x{byte} at column {column} (save the file as UTF-8)",
        {"byte": f"{byte:02x}", "column": column},
    )


def decode_text(data: bytes, source: str) -> str:
    """A whole file as text; a byte that is not UTF-8 is a :class:`LoadError` with its line."""
    if data.startswith(_BOM_BYTES):
        data = data[len(_BOM_BYTES) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        problem = Problem(source, f"line {line}", not_utf8(data[exc.start], column))
        raise LoadError([problem]) from None


def read_text(path: Path | str, source: str | None = None) -> str:
    """A UTF-8 text file (or standard input) as text, without a byte-order mark."""
    src = source or source_name(path)
    return decode_text(read_bytes(path, src), src)


def text_lines(path: Path | str, source: str | None = None) -> Iterator[tuple[int, str | Message]]:
    """``(line number, text)`` for every line, or ``(line number, reason)`` for a line that is
    not UTF-8 (the other lines are still read). The byte-order mark is dropped."""
    src = source or source_name(path)
    with open_binary(path, src) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="\n")
        try:
            lines = enumerate(text, start=1)
            for number, line in lines:
                if line.startswith(BOM):
                    line = line[1:]
                yield number, _line_or_reason(line)
                break
            for number, line in lines:
                yield number, _line_or_reason(line)
        finally:
            text.detach()


def _escaped_byte(text: str) -> int | None:
    """Where text read with ``surrogateescape`` holds a byte that was not UTF-8 (its index),
    or None. ASCII text, nearly every line, is answered at once."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _line_or_reason(line: str) -> str | Message:
    at = _escaped_byte(line)
    return line if at is None else not_utf8(ord(line[at]) - 0xDC00, at + 1)


def spooled(path: Path | str) -> contextlib.AbstractContextManager[Path]:
    """A path that can be read twice: the file itself, or standard input copied to a
    temporary file (removed afterwards)."""
    if not is_stdin(path):
        return contextlib.nullcontext(Path(path))
    return _stdin_copy()


@contextlib.contextmanager
def _stdin_copy() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kontakta-rules-") as folder:
        target = Path(folder) / "stdin"
        with target.open("wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh)
        yield target


# --------------------------------------------------------------------------- CSV


def _delimiter(header: str) -> str:
    """``;`` when the header line is separated by semicolons and has no comma, else ``,``."""
    outside_quotes = header.split('"')[::2]
    commas = sum(part.count(",") for part in outside_quotes)
    semicolons = sum(part.count(";") for part in outside_quotes)
    return ";" if semicolons and not commas else ","


class CsvRows:
    """The rows of a CSV file as ``(line, {column: cell})`` or ``(line, reason)``; the header
    is read (and checked for duplicated columns) when the object is made."""

    def __init__(self, fh: io.TextIOBase, source: str) -> None:
        self.source = source
        first = fh.readline()
        if first.startswith(BOM):
            first = first[1:]
        self.delimiter = _delimiter(first)
        self._reader = csv.reader(itertools.chain([first], fh), delimiter=self.delimiter)
        try:
            header = next(self._reader)
        except StopIteration:
            header = []
        self.columns: tuple[str, ...] = tuple(cell.strip() for cell in header)
        if any(_escaped_byte(c) is not None for c in self.columns):
            raise LoadError(
                [Problem(source, "line 1", Message("not UTF-8 text (save the file as UTF-8)"))]
            )
        duplicated = _duplicates(self.columns)
        if duplicated:
            raise LoadError(
                [
                    Problem(
                        source,
                        "line 1",
                        Message(
                            "the column {column} appears more than once (columns {positions}); "
                            "a cell would be lost",
                            {"column": name, "positions": ", ".join(map(str, places))},
                        ),
                    )
                    for name, places in duplicated.items()
                ]
            )

    def __iter__(self) -> Iterator[tuple[int, dict[str, str] | Message]]:
        width = len(self.columns)
        for cells in self._reader:
            line = self._reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if any(_escaped_byte(c) is not None for c in cells):
                yield line, Message("not UTF-8 text (save the file as UTF-8)")
            elif len(cells) > width:
                yield line, Message("more cells than columns")
            else:
                yield line, dict(zip(self.columns, cells, strict=False))


def _duplicates(columns: Sequence[str]) -> dict[str, list[int]]:
    places: dict[str, list[int]] = {}
    for position, name in enumerate(columns, start=1):
        places.setdefault(name, []).append(position)
    return {name: p for name, p in places.items() if len(p) > 1}


@contextlib.contextmanager
def csv_rows(path: Path | str, source: str | None = None) -> Iterator[CsvRows]:
    """The rows of a CSV file (see :class:`CsvRows`); cells are text exactly as written."""
    src = source or source_name(path)
    with open_binary(path, src) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
        try:
            yield CsvRows(text, src)
        finally:
            text.detach()
