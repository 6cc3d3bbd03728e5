"""The command-line examples in the documentation run, and show only what they really print.

Every ```` ```console ```` block in ``docs/**/*.md`` is read with these conventions:

- A line ``$ kontakta-rules ARGS`` is a command. It is run in-process with
  :func:`kontakta_rules.cli.main` from the repository root: the arguments are split as a
  shell would (:func:`shlex.split`) and the program name is dropped. Other ``$`` lines are
  not run. A command containing ``...`` (a placeholder) or ``|`` (a pipe) is not run either.
- The lines after a command, up to the next ``$`` line or the end of the block, are its
  output. Shown output must be the real output (standard output, then standard error),
  compared line by line without trailing spaces. A line ``...`` stands for lines left out;
  without one at the start (or end), the shown lines must be the first (or last) lines of the
  real output. A command shown without output lines is only run.
- A line ``# exit status N`` among a command's output lines is not output: it states the exit
  status the command must end with. Without it, any status except 2 (unusable input or
  arguments) passes.

```` ```sh ```` blocks are not run: they show commands that need the reader's own files, and
never show output.

The language comes from ``--lang`` only: the environment's language settings are removed, so
a command shown with English output fails here unless it says ``--lang en``.
"""

from __future__ import annotations

import io
import re
import shlex
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

from kontakta_rules.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PROGRAM = "kontakta-rules"
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^\s`]*)")
_STATUS = re.compile(r"^# exit status (\d+)$")
_OMITTED = "..."
_SHOWN_ON_FAILURE = 60


@attrs.frozen
class Example:
    page: str
    line: int
    """1-based line number of the ``$`` line in the page."""
    command: str
    shown: tuple[str, ...]
    status: int | None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def console_blocks(text: str) -> list[tuple[int, list[str]]]:
    """``(line number of the first content line, lines)`` of every console block."""
    blocks: list[tuple[int, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent, info = m["fence"], len(m["indent"]), m["info"]
        start = i + 1
        i = start
        while i < len(lines) and not (
            lines[i].strip().startswith(fence[0] * len(fence))
            and set(lines[i].strip()) == {fence[0]}
        ):
            i += 1
        if info == "console":
            blocks.append((start + 1, [line[indent:] for line in lines[start:i]]))
        i += 1
    return blocks


def parse_examples(text: str, page: str) -> list[Example]:
    """The commands of every console block of a page, with their shown output and status."""
    found: list[Example] = []
    for first, block in console_blocks(text):
        commands: list[tuple[int, str, list[str]]] = []
        for offset, raw in enumerate(block):
            if raw.startswith("$"):
                commands.append((first + offset, raw[1:].strip(), []))
            elif commands:
                commands[-1][2].append(raw.rstrip())
        for line, command, lines in commands:
            if not command.startswith(PROGRAM + " "):
                continue
            statuses = [int(m[1]) for m in map(_STATUS.match, lines) if m]
            shown = [text for text in lines if not _STATUS.match(text)]
            while shown and not shown[-1]:
                shown.pop()
            status = statuses[-1] if statuses else None
            found.append(Example(page, line, command, tuple(shown), status))
    return found


def examples_in(path: Path) -> list[Example]:
    return parse_examples(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())


def all_examples() -> list[Example]:
    return [ex for path in sorted(DOCS.rglob("*.md")) for ex in examples_in(path)]


def runnable(example: Example) -> bool:
    return _OMITTED not in example.command and "|" not in example.command


EXAMPLES = [ex for ex in all_examples() if runnable(ex)]


def matches(shown: Sequence[str], real: Sequence[str]) -> bool:
    """Whether ``shown`` (where a line ``...`` stands for any number of lines) is ``real``."""

    def from_(i: int, j: int) -> bool:  # shown[i:] against real[j:]
        while i < len(shown) and shown[i].strip() != _OMITTED:
            if j == len(real) or real[j] != shown[i]:
                return False
            i, j = i + 1, j + 1
        if i == len(shown):
            return j == len(real)
        return any(from_(i + 1, k) for k in range(j, len(real) + 1))

    return from_(0, 0)


def test_the_pages_have_console_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda ex: ex.id)
def test_console_example(example: Example, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KONTAKTA_RULES_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)
    argv = shlex.split(example.command)[1:]
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err)
    real = [line.rstrip() for line in (out.getvalue() + err.getvalue()).splitlines()]
    where = f"{example.id}: $ {example.command}"
    if example.status is None:
        assert status != 2, f"{where}\nexit status 2:\n{err.getvalue()}"
    else:
        assert status == example.status, f"{where}\nexit status {status}:\n{err.getvalue()}"
    if example.shown:
        assert matches(example.shown, real), (
            f"{where}\nshown:\n"
            + "\n".join(example.shown)
            + f"\n\nreal (first {_SHOWN_ON_FAILURE} lines):\n"
            + "\n".join(real[:_SHOWN_ON_FAILURE])
        )


@pytest.mark.parametrize(
    ("shown", "real", "expected"),
    [
        (("a", "b"), ["a", "b"], True),
        (("a",), ["a", "b"], False),
        (("a", "..."), ["a", "b"], True),
        (("...", "b"), ["a", "b"], True),
        (("...", "a"), ["a", "b"], False),
        (("a", "...", "c"), ["a", "b", "c"], True),
        (("a", "...", "c", "..."), ["a", "b", "c", "d"], True),
        (("...", "c", "b", "..."), ["a", "b", "c", "d"], False),
        (("...", "b", "d", "..."), ["a", "b", "c", "d"], False),
    ],
)
def test_shown_output_matching(shown: tuple[str, ...], real: list[str], expected: bool) -> None:
    assert matches(shown, real) is expected


def test_examples_are_read_with_their_output_and_status() -> None:
    page = (
        "# Page\n\n```console\n$ kontakta-rules list --lang en\nID\n...\n# exit status 0\n\n"
        "$ kontakta-rules show nix-telefon --lang en\n```\n\n"
        "```sh\n$ kontakta-rules check calls mine.jsonl\n```\n"
    )
    assert parse_examples(page, "page.md") == [
        Example("page.md", 4, "kontakta-rules list --lang en", ("ID", "..."), 0),
        Example("page.md", 9, "kontakta-rules show nix-telefon --lang en", (), None),
    ]
