"""What changed between two versions of a ruleset: rules added, removed and changed
(with the fields that changed), and parameter changes. Compares canonical data, so a
reformatted file shows no change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from attrs import frozen

from .canonical import to_data
from .model import Ruleset


@frozen
class RuleChange:
    rule_id: str
    fields: tuple[str, ...]
    """Dotted paths of what changed, e.g. ``text.sv`` or ``check.validity``."""


@frozen
class ParameterChange:
    name: str
    before: Any
    after: Any
    """Canonical data of the parameter before and after (None when added or removed)."""
    fields: tuple[str, ...] = ()
    """What changed when the parameter is in both versions, e.g. ``value`` or ``notes``."""

    @property
    def value_changed(self) -> bool:
        def value(p: Any) -> Any:
            return None if p is None else p.get("value")

        return bool(value(self.before) != value(self.after))


@frozen
class RulesetDiff:
    old: str
    new: str
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]
    rules_changed: tuple[RuleChange, ...]
    parameters: tuple[ParameterChange, ...]
    metadata_changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.rules_added
            or self.rules_removed
            or self.rules_changed
            or self.parameters
            or self.metadata_changed
        )


def _changed_paths(a: Any, b: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from _changed_paths(a.get(key), b.get(key), f"{prefix}.{key}" if prefix else key)
    elif a != b:
        yield prefix or "(value)"


def diff_rulesets(old: Ruleset, new: Ruleset) -> RulesetDiff:
    """Changes from ``old`` to ``new`` (normally two versions of one ruleset)."""
    old_rules = {r.id: to_data(r) for r in old.rules}
    new_rules = {r.id: to_data(r) for r in new.rules}
    changed = tuple(
        RuleChange(rule_id, tuple(_changed_paths(old_rules[rule_id], new_rules[rule_id])))
        for rule_id in new_rules
        if rule_id in old_rules and old_rules[rule_id] != new_rules[rule_id]
    )
    old_params = {k: to_data(v) for k, v in old.parameters.items()}
    new_params = {k: to_data(v) for k, v in new.parameters.items()}
    params = tuple(
        ParameterChange(
            name,
            old_params.get(name),
            new_params.get(name),
            tuple(_changed_paths(old_params[name], new_params[name]))
            if name in old_params and name in new_params
            else (),
        )
        for name in sorted(set(old_params) | set(new_params))
        if old_params.get(name) != new_params.get(name)
    )
    # the encoding revisions are each version's own change log, shown beside the diff
    skip = ("rules", "parameters", "version", "revisions")
    old_meta = {k: v for k, v in to_data(old).items() if k not in skip}
    new_meta = {k: v for k, v in to_data(new).items() if k not in skip}
    return RulesetDiff(
        old=old.ref,
        new=new.ref,
        rules_added=tuple(r for r in new_rules if r not in old_rules),
        rules_removed=tuple(r for r in old_rules if r not in new_rules),
        rules_changed=changed,
        parameters=params,
        metadata_changed=tuple(_changed_paths(old_meta, new_meta)),
    )
