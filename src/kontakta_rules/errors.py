"""The errors a user sees: each carries a bilingual :class:`~kontakta_rules.i18n.Message`
and, for files, where the problem is (file and field path or line).

They live in one small module so that every layer (loading, the NIX register, subjects,
checks, the CLI) can raise and catch them without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from .i18n import N_, Message
from .text import Lang

MAX_SHOWN_PROBLEMS = 50
"""A file with more problems than this shows the first ones and counts the rest."""


@frozen
class Problem:
    """One thing wrong with a file: where (file and field path or line) and what."""

    source: str
    path: str
    message: Message

    def render(self, lang: Lang = "en") -> str:
        where = f"{self.source}: {self.path}" if self.path else self.source
        return f"{where}: {self.message.render(lang)}"


class LoadError(Exception):
    """A file that cannot be used; ``problems`` holds the problems found (at most
    :data:`MAX_SHOWN_PROBLEMS` when ``capped``), ``total`` how many there were in all."""

    def __init__(self, problems: Sequence[Problem], *, capped: bool = False) -> None:
        problems = tuple(problems)
        self.total = len(problems)
        if capped and len(problems) > MAX_SHOWN_PROBLEMS:
            hidden = len(problems) - MAX_SHOWN_PROBLEMS
            source = problems[0].source
            problems = (
                *problems[:MAX_SHOWN_PROBLEMS],
                Problem(source, "", Message("and {count} more problems", {"count": hidden})),
            )
        self.problems = problems
        super().__init__("\n".join(p.render("en") for p in self.problems))

    def render(self, lang: Lang) -> str:
        return "\n".join(p.render(lang) for p in self.problems)


# Names of expected types, as msgids so they are translated inside messages.
AN_INTEGER = N_("an integer")
A_NUMBER = N_("a number")
A_STRING = N_("a string")
A_BOOLEAN = N_("true or false")
A_DATE = N_("a date (YYYY-MM-DD)")
A_LIST = N_("a list")
A_TABLE = N_("a table")
A_TIMESTAMP = N_("a timestamp with a timezone (YYYY-MM-DDTHH:MM:SS+01:00)")


def shown(value: object) -> str:
    """A value as an error quotes it: its repr, at most 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def expected(what: str, got: object, suffix: str = "") -> FieldProblem:
    """``expected <what>, got <value>`` about the field at ``suffix``."""
    return FieldProblem(
        Message("expected {what}, got {got}", {"what": Message(what), "got": shown(got)}), suffix
    )


class InputError(ValueError):
    """A value that cannot be used (a bad number, a time that does not exist, a language we
    do not judge in); ``message`` says why in Swedish and English."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message

    def render(self, lang: Lang) -> str:
        return self.message.render(lang)

    def as_message(self) -> Message:
        """The error as a message to put inside another one."""
        return self.message


class FieldProblem(InputError):
    """A problem with one field: ``message`` about the field at ``suffix`` (``.started_at``,
    ``[2].item``) below the place the value was read from."""

    def __init__(self, message: Message, suffix: str = "") -> None:
        super().__init__(message)
        self.suffix = suffix

    def as_message(self) -> Message:
        if not self.suffix:
            return self.message
        return Message(
            "{path}: {message}", {"path": self.suffix.lstrip("."), "message": self.message}
        )

    def render(self, lang: Lang) -> str:
        return self.as_message().render(lang)
