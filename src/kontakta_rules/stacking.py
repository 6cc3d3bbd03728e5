"""Stack an organisation's overlay on rulesets: set the parameters the sources leave open,
add the organisation's own rules, and refuse anything that would weaken a higher layer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from .i18n import Message
from .loading import FieldProblem, LoadError, Problem, parse_parameter_value, path_part
from .model import Overlay, Parameter, ParameterValue, Ruleset
from .vocabulary import Basis, Layer


def _stricter_or_equal(param: Parameter, value: ParameterValue) -> bool:
    current = param.value
    if value == current:
        return True
    if not isinstance(value, int | float) or not isinstance(current, int | float):
        return False
    if param.stricter == "lower":
        return value < current
    if param.stricter == "higher":
        return value > current
    return False


def overlay_problems(overlay: Overlay, rulesets: Iterable[Ruleset], source: str) -> list[Problem]:
    """Everything that stops ``overlay`` from being stacked on ``rulesets``."""
    rulesets = list(rulesets)
    problems: list[Problem] = []
    for name, raw in overlay.settings.items():
        path = f"$.set{path_part(name)}"
        declared = [(rs, rs.parameters[name]) for rs in rulesets if name in rs.parameters]
        if not declared:
            problems.append(
                Problem(
                    source,
                    path,
                    Message("no ruleset in the stack declares a parameter {name}", {"name": name}),
                )
            )
            continue
        for rs, param in declared:
            try:
                value = parse_parameter_value(param.type, raw, param.unit)
            except FieldProblem as exc:
                problems.append(Problem(source, path + exc.suffix, exc.message))
                break
            if param.value is not None and not _stricter_or_equal(param, value):
                problems.append(
                    Problem(
                        source,
                        path,
                        Message(
                            "{ref} sets {name} to {current} from its sources; an overlay may "
                            "only make it stricter, not change it to {value}",
                            {"ref": rs.ref, "name": name, "current": param.value, "value": raw},
                        ),
                    )
                )
    higher = {rule.id: rs.ref for rs in rulesets for rule in rs.rules}
    known = {rs.id for rs in rulesets}
    for i, rule in enumerate(overlay.rules):
        if rule.id in higher:
            problems.append(
                Problem(
                    source,
                    f"$.rules[{i}].id",
                    Message(
                        "{ref} already has a rule {id}; an overlay cannot replace a rule of a "
                        "higher layer (give the organisation rule its own id)",
                        {"ref": higher[rule.id], "id": rule.id},
                    ),
                )
            )
        target = getattr(rule.check, "ruleset", None)
        if isinstance(target, str) and (target == overlay.id or target not in known):
            problems.append(
                Problem(
                    source,
                    f"$.rules[{i}].check.ruleset",
                    Message(
                        "an organisation rule may defer only to a ruleset in the stack "
                        "({known}), not to {id}",
                        {"known": ", ".join(sorted(known)), "id": target},
                    ),
                )
            )
        if rule.basis is not Basis.ORGANISATION:
            problems.append(
                Problem(
                    source,
                    f"$.rules[{i}].basis",
                    Message("an organisation rule has basis organisation"),
                )
            )
    return problems


def apply_overlay(ruleset: Ruleset, overlay: Overlay) -> Ruleset:
    """``ruleset`` with the overlay's values for the parameters it declares.

    Call :func:`overlay_problems` first; this assumes the overlay is valid for the ruleset.
    """
    updates = {
        name: attrs.evolve(
            param, value=parse_parameter_value(param.type, overlay.settings[name], param.unit)
        )
        for name, param in ruleset.parameters.items()
        if name in overlay.settings
    }
    if not updates:
        return ruleset
    return attrs.evolve(ruleset, parameters={**ruleset.parameters, **updates})


def organisation_ruleset(overlay: Overlay) -> Ruleset:
    """The overlay's own rules as a ruleset of the organisation layer."""
    return Ruleset(
        id=overlay.id,
        version=overlay.version,
        title=overlay.title,
        issuer=overlay.issuer,
        layer=Layer.ORGANISATION,
        last_reviewed=overlay.last_reviewed,
        sources=(),
        rules=overlay.rules,
        description=overlay.description,
        parameters=overlay.parameters,
        patterns=overlay.patterns,
    )


def stack(
    rulesets: Sequence[Ruleset], overlay: Overlay | None = None, source: str = "overlay"
) -> tuple[Ruleset, ...]:
    """Rulesets ordered law -> register -> industry -> organisation, with the overlay applied.

    Raises :class:`~kontakta_rules.loading.LoadError` when the overlay removes, replaces or
    weakens anything from a higher layer, or sets a parameter no ruleset declares.
    """
    ordered = sorted(rulesets, key=lambda rs: (rs.layer.rank, rs.id))
    if overlay is None:
        return tuple(ordered)
    problems = overlay_problems(overlay, ordered, source)
    if problems:
        raise LoadError(problems)
    return (*(apply_overlay(rs, overlay) for rs in ordered), organisation_ruleset(overlay))
