"""The columnar form of a call check: what it decides, as branches over a table of calls.

A check kind's ``columnar(c)`` sits beside its row-wise ``evaluate`` and says the same thing
as an ordered list of :class:`Branch` es: the first branch whose condition holds for a row
gives that row's outcome and message. Conditions and message values are expressions built
with ``c`` (a :class:`kontakta_rules.columnar.build.Columns`), so this module and the checks
need no SQL library; the columnar engine (``kontakta_rules[duckdb]``) compiles them into one
query. The differential tests hold the two forms to the same outcomes and messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from ..vocabulary import Outcome


@frozen
class Branch:
    """``when`` (an expression; None: every remaining row) decides ``outcome`` with the
    message ``msgid`` and its arguments (expressions, by name)."""

    when: Any
    outcome: Outcome | None
    """None: the outcome is the value of the expression ``outcome_of``."""
    msgid: str
    args: Mapping[str, Any] = field(factory=dict)
    outcome_of: Any = None

    def outcome_and_message(self) -> tuple[Outcome | None, str, Mapping[str, Any]]:
        """This branch's decision, for a branch with another condition."""
        return self.outcome, self.msgid, self.args


class NoColumnarForm(NotImplementedError):
    """The check kind has no columnar form (yet): an engine refuses the stack, it never
    skips the rule."""
