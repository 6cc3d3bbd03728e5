"""Files -> model: TOML ruleset and overlay files into frozen attrs objects.

Structure (types, required and unknown keys, the check kind) is checked by a cattrs
converter built once here; every problem in a file is collected, each naming the file and
the path of the field (``rulesets/x/2017-07-01.toml: $.rules[3].check.validity: ...``).
A lint pass then checks what types cannot: duplicate ids, empty texts, rule windows,
parameter references, uncited numbers. Loading never evaluates a rule.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import re
import tomllib
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_mapping, is_sequence
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)

from .canonical import fingerprint
from .checks import CHECK_KINDS, Check, parameter_spec
from .errors import (
    A_BOOLEAN,
    A_DATE,
    A_LIST,
    A_NUMBER,
    A_STRING,
    A_TABLE,
    A_TIMESTAMP,
    AN_INTEGER,
    FieldProblem,
    LoadError,
    Problem,
    expected,
    shown,
)
from .i18n import N_, Message
from .model import (
    ID_PATTERN,
    Citation,
    Overlay,
    Parameter,
    ParameterValue,
    Pattern,
    Rule,
    Ruleset,
    ValueList,
    is_web_url,
)
from .schedule import ScheduleError, parse_schedule
from .text import LANGUAGES, Lang, Text
from .textinput import decode_text, read_bytes
from .textmatch import Matcher, PatternSyntaxError, PatternTimeout, compile_pattern, explodes
from .vocabulary import UNIT_LABELS, Basis, Layer, ParameterType, SubjectKind, Unit

T = TypeVar("T")


# --------------------------------------------------------------------------- problems

# The errors live in errors.py (every layer raises them); they are importable from here too.
__all__ = ["FieldProblem", "LoadError", "Problem"]


_PRECISION_WORDS = {"day": N_("day"), "month": N_("month"), "year": N_("year")}


# --------------------------------------------------------------------------- converter


def _strict(what: str, ok: Callable[[object], bool]) -> Callable[[object, Any], Any]:
    def hook(value: object, _: Any) -> Any:
        if not ok(value):
            raise expected(what, value)
        return value

    return hook


def _is_number(value: object) -> bool:
    """An int or a float that is a real number (not NaN or infinite), never a boolean."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _structure_date(value: object, _: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise expected(A_DATE, value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise expected(A_DATE, value)


def _structure_datetime(value: object, _: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise expected(A_TIMESTAMP, value) from None
    if not isinstance(value, dt.datetime):
        raise expected(A_TIMESTAMP, value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise FieldProblem(
            Message(
                "the timestamp {value} has no timezone; a naive time is not guessed",
                {"value": value.isoformat()},
            )
        )
    return value


def _one_of(values: Sequence[str], got: object) -> FieldProblem:
    return FieldProblem(
        Message(
            "expected one of {values}, got {got}",
            {"values": ", ".join(values), "got": shown(got)},
        )
    )


@functools.cache
def _members(cls: type[enum.StrEnum]) -> dict[str, enum.StrEnum]:
    return {m.value: m for m in cls}


def _structure_enum(value: object, cls: type[enum.StrEnum]) -> enum.StrEnum:
    members = _members(cls)
    member = members.get(value) if isinstance(value, str) else None
    if member is None:
        raise _one_of(list(members), value)
    return member


def _literal_hook(tp: Any) -> Callable[[object, Any], Any]:
    allowed = typing.get_args(tp)

    def hook(value: object, _: Any) -> Any:
        if value in allowed and type(value) is type(allowed[0]):
            return value
        raise _one_of([str(a) for a in allowed], value)

    return hook


def _is_literal(tp: Any) -> bool:
    return typing.get_origin(tp) is typing.Literal


def _is_homogenous_tuple(tp: Any) -> bool:
    args = typing.get_args(tp)
    return typing.get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _is_optional(tp: Any) -> bool:
    """``X | None`` for one type X (not a union of several, not a Literal's None)."""
    args = typing.get_args(tp)
    return (
        typing.get_origin(tp) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
        and tp is not ParameterValue | None
    )


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def _is_table(value: object) -> bool:
    return isinstance(value, Mapping)


def _guarded(
    inner: Callable[[Any, Any], Any], what: str, ok: Callable[[object], bool]
) -> Callable[[object, Any], Any]:
    """``inner``, after checking the value's shape: cattrs would turn a string into a
    tuple of characters, or report a table's absence as an obscure attribute error."""

    def hook(value: object, t: Any) -> Any:
        if not ok(value):
            raise expected(what, value)
        return inner(value, t)

    return hook


def _make_converter(*, detailed: bool = True) -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, use_alias=True, detailed_validation=detailed)
    scalars: list[tuple[type, str, Callable[[object], bool]]] = [
        (int, AN_INTEGER, lambda v: isinstance(v, int) and not isinstance(v, bool)),
        (float, A_NUMBER, _is_number),
        (str, A_STRING, lambda v: isinstance(v, str)),
        (bool, A_BOOLEAN, lambda v: isinstance(v, bool)),
    ]
    for kind, what, ok in scalars:
        conv.register_structure_hook(kind, _strict(what, ok))
    # A StrEnum is a str: this more specific class hook keeps the str hook off enums.
    conv.register_structure_hook(enum.StrEnum, _structure_enum)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_structure_hook_factory(_is_literal, _literal_hook)
    # Parameter values are typed by the parameter's declared type, in a pass of their own.
    conv.register_structure_hook(ParameterValue | None, lambda v, _: v)
    conv.register_structure_hook(Any, lambda v, _: v)
    conv.register_structure_hook_func(lambda tp: tp is object, lambda v, _: v)

    def optional(tp: Any) -> Callable[[object, Any], Any]:
        # ``X | None``: find X's hook once, not on every value (cattrs' generic path does)
        (inner_type,) = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = conv.get_structure_hook(inner_type)
        return lambda value, _: None if value is None else inner(value, inner_type)

    conv.register_structure_hook_factory(_is_optional, optional)
    conv.register_structure_hook_factory(
        _is_homogenous_tuple,
        lambda tp: _guarded(homogenous_tuple_structure_factory(tp, conv), A_LIST, _is_list),
    )
    conv.register_structure_hook_factory(
        lambda tp: is_mapping(tp) and not is_sequence(tp),
        lambda tp: _guarded(conv.gen_structure_mapping(tp), A_TABLE, _is_table),
    )

    def structure_check(value: object, _: Any) -> Check:
        if not isinstance(value, Mapping):
            raise expected(A_TABLE, value)
        kind = value.get("kind")
        if kind is None:
            raise FieldProblem(Message("required field missing"), ".kind")
        cls = CHECK_KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            raise FieldProblem(
                Message(
                    "unknown check kind {got}; known kinds: {kinds}",
                    {"got": shown(kind), "kinds": ", ".join(sorted(CHECK_KINDS))},
                ),
                ".kind",
            )
        rest = {k: v for k, v in value.items() if k != "kind"}
        return conv.structure(rest, cls)

    conv.register_structure_hook_func(lambda tp: tp is Check, structure_check)

    conv.register_structure_hook_factory(
        lambda tp: attrs.has(tp) and tp is not Check,
        lambda tp: _guarded(conv.gen_structure_attrs_fromdict(tp), A_TABLE, _is_table),
    )
    return conv


CONVERTER = _make_converter()
"""The one converter files are structured with."""
_QUICK = _make_converter(detailed=False)
"""The same hooks without collecting every problem: about twice as fast on good data, and it
refuses exactly what :data:`CONVERTER` refuses, which then says what and where."""


# --------------------------------------------------------------------------- error paths


def path_part(key: object) -> str:
    if isinstance(key, int):
        return f"[{key}]"
    text = str(key)
    return f".{text}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", text) else f"[{text!r}]"


def _alias(cls: type | None, name: str) -> str:
    if cls is not None and attrs.has(cls):
        for a in attrs.fields(cls):
            if a.name == name:
                return a.alias or name
    return name


def _walk(exc: BaseException, path: str) -> Iterator[tuple[str, Message]]:
    if isinstance(exc, BaseValidationError):
        inner_cls = getattr(exc, "cl", None)
        for inner in exc.exceptions:
            sub, spec = path, None
            for note in getattr(inner, "__notes__", []):
                if isinstance(note, AttributeValidationNote):
                    sub = path + path_part(_alias(inner_cls, note.name))
                    spec = parameter_spec(inner_cls, note.name) if inner_cls else None
                elif isinstance(note, IterableValidationNote):
                    sub = path + path_part(note.index)
            if isinstance(inner, KeyError) and sub != path:
                yield sub, Message("required field missing")
            elif spec is not None and isinstance(inner, FieldProblem):
                yield (
                    sub,
                    Message(
                        "expected the name of a parameter declared under [parameters] "
                        "(of type {type}), not a value",
                        {"type": _describe(spec.type, spec.unit)},
                    ),
                )
            else:
                yield from _walk(inner, sub)
    elif isinstance(exc, ForbiddenExtraKeysError):
        allowed = (
            sorted(a.alias or a.name for a in attrs.fields(exc.cl)) if attrs.has(exc.cl) else []
        )
        for key in sorted(exc.extra_fields):
            yield (
                path + path_part(key),
                Message(
                    "unknown key; allowed keys here: {allowed}", {"allowed": ", ".join(allowed)}
                ),
            )
    elif isinstance(exc, FieldProblem):
        yield path + exc.suffix, exc.message
    elif isinstance(exc, KeyError):
        yield path + path_part(exc.args[0]), Message("required field missing")
    else:
        yield path, Message("invalid value: {detail}", {"detail": str(exc)})


def structure(raw: Mapping[str, Any], cls: type[T], source: str) -> tuple[T | None, list[Problem]]:
    """``raw`` structured into ``cls`` with the one converter, or every problem found."""
    try:
        return _QUICK.structure(raw, cls), []
    except Exception:
        pass  # the detailed converter finds every problem and its path
    try:
        return CONVERTER.structure(raw, cls), []
    except Exception as exc:
        return None, [Problem(source, path, msg) for path, msg in _walk(exc, "$")]


# --------------------------------------------------------------------------- parameter values


# The largest value a parameter of a unit can mean: calendar arithmetic beyond a century is
# no rule, and it would run past the years dates can hold. Not rule content: input checking.
_MAXIMA: dict[Unit, int] = {
    Unit.MONTHS: 1200,
    Unit.DAYS: 36_525,
    Unit.WORKING_DAYS: 36_525,
    Unit.PERCENT: 100,
}


def _in_range(value: int | float, unit: Unit | None) -> int | float:
    if value < 0:
        raise FieldProblem(Message("a value here cannot be negative: {value}", {"value": value}))
    maximum = _MAXIMA.get(unit) if unit is not None else None
    if unit is not None and maximum is not None and value > maximum:
        raise FieldProblem(
            Message(
                "at most {maximum} {unit}, not {value}",
                {"maximum": maximum, "unit": Message(UNIT_LABELS[unit]), "value": value},
            )
        )
    return value


def parse_parameter_value(
    ptype: ParameterType, value: object, unit: Unit | None = None
) -> ParameterValue:
    """``value`` checked against ``ptype`` (and, for numbers, what ``unit`` can mean: never
    negative, never infinite or NaN, months at most 1200 ...); raises ``FieldProblem`` with a
    relative path."""
    if ptype is ParameterType.INTEGER:
        if isinstance(value, int) and not isinstance(value, bool):
            return _in_range(value, unit)
        raise expected(AN_INTEGER, value)
    if ptype is ParameterType.NUMBER:
        if _is_number(value):
            assert isinstance(value, int | float)
            return _in_range(value, unit)
        raise expected(A_NUMBER, value)
    if ptype is ParameterType.BOOLEAN:
        if isinstance(value, bool):
            return value
        raise expected(A_BOOLEAN, value)
    if ptype is ParameterType.STRING:
        if isinstance(value, str):
            return value
        raise expected(A_STRING, value)
    try:
        return parse_schedule(value)
    except ScheduleError as exc:
        raise FieldProblem(
            Message("not a weekly schedule: {detail}", {"detail": exc.message}),
            f".{exc.path}" if exc.path else "",
        ) from None


def _raw_parameter_problems(raw: Mapping[str, Any], source: str) -> list[Problem]:
    """Check declared values against declared types on the raw data, so these problems
    are reported together with structural ones."""
    problems: list[Problem] = []
    params = raw.get("parameters")
    if not isinstance(params, Mapping):
        return problems
    for name, p in params.items():
        if not isinstance(p, Mapping) or "value" not in p:
            continue
        try:
            ptype = ParameterType(str(p.get("type")))
            unit = Unit(p["unit"]) if isinstance(p.get("unit"), str) else None
        except ValueError:
            continue  # the structural pass reports the bad type or unit
        try:
            parse_parameter_value(ptype, p["value"], unit)
        except FieldProblem as exc:
            path = f"$.parameters{path_part(name)}.value{exc.suffix}"
            problems.append(Problem(source, path, exc.message))
    return problems


def _typed_parameters(params: Mapping[str, Parameter]) -> dict[str, Parameter]:
    return {
        name: p
        if p.value is None
        else attrs.evolve(p, value=parse_parameter_value(p.type, p.value, p.unit))
        for name, p in params.items()
    }


# --------------------------------------------------------------------------- lint


def _instances(obj: object, path: str, kind: type[T]) -> Iterator[tuple[str, T]]:
    """Every ``kind`` inside a loaded file's model, with its path."""
    if isinstance(obj, kind):
        yield path, obj
    elif attrs.has(cls := cast(Any, type(obj))):
        for a in attrs.fields(cls):
            yield from _instances(getattr(obj, a.name), path + path_part(a.alias or a.name), kind)
    elif isinstance(obj, tuple):
        for i, item in enumerate(obj):
            yield from _instances(item, path + path_part(i), kind)
    elif isinstance(obj, Mapping):
        for key, item in obj.items():
            yield from _instances(item, path + path_part(key), kind)


def _lint_texts(obj: object, source: str) -> Iterator[Problem]:
    for path, text in _instances(obj, "$", Text):
        for lang in LANGUAGES:
            if not text.get(lang).strip():
                yield Problem(source, f"{path}.{lang}", Message("the text is empty"))
    for path, citation in _instances(obj, "$", Citation):
        if not is_web_url(citation.url):
            yield Problem(
                source,
                f"{path}.url",
                Message(
                    "a source's address must start with https://, http:// or mailto:, not {url}",
                    {"url": repr(citation.url)},
                ),
            )


def _lint_parameters(params: Mapping[str, Parameter], source: str) -> Iterator[Problem]:
    for name, p in params.items():
        numeric = isinstance(p.value, int | float) and not isinstance(p.value, bool)
        if numeric and p.citation is None:
            yield Problem(
                source,
                f"$.parameters{path_part(name)}.citation",
                Message("a numeric value needs a citation of its source"),
            )
        if p.basis is Basis.LAW and (p.citation is None or not p.citation.section):
            yield Problem(
                source,
                f"$.parameters{path_part(name)}.citation.section",
                Message(
                    "a value whose basis is law cites the provision read (chapter and section, "
                    "or article); without one, grade it official-summary or secondary"
                ),
            )


def _lint_patterns(patterns: Mapping[str, Pattern], source: str) -> Iterator[Problem]:
    for name, pattern in patterns.items():
        at = f"$.patterns{path_part(name)}"
        if not ID_PATTERN.match(name):
            yield Problem(source, at, Message("ids are lower-case words joined by hyphens"))
        for lang in LANGUAGES:
            expressions, unless = pattern.expressions(lang)
            if not expressions:
                yield Problem(
                    source, f"{at}.{lang}", Message("give at least one expression per language")
                )
            valid = True
            for key, group in ((lang, expressions), (f"unless_{lang}", unless)):
                for i, expression in enumerate(group):
                    try:
                        compile_pattern(expression)
                    except PatternSyntaxError as exc:
                        valid = False
                        yield Problem(
                            source,
                            f"{at}.{key}[{i}]",
                            Message("not a valid regular expression: {error}", {"error": str(exc)}),
                        )
                        continue
                    if explodes(expression):
                        valid = False
                        yield Problem(
                            source,
                            f"{at}.{key}[{i}]",
                            Message(
                                "the expression backtracks without end on a short text (nested "
                                "repetition such as (a|aa)+ or (\\w+\\s?)+); rewrite it"
                            ),
                        )
            if valid and expressions:
                yield from _lint_examples(pattern, lang, f"{at}", source)


def _lint_examples(pattern: Pattern, lang: Lang, at: str, source: str) -> Iterator[Problem]:
    """A pattern's own examples are found and its counterexamples are not."""
    matcher = Matcher.of(*pattern.expressions(lang), name=at.removeprefix("$.patterns."))
    examples, counterexamples = pattern.examples(lang)
    for key, texts, wanted in (
        (f"examples_{lang}", examples, True),
        (f"counterexamples_{lang}", counterexamples, False),
    ):
        for i, text in enumerate(texts):
            try:
                span = matcher.search(text)
            except PatternTimeout as exc:
                yield Problem(source, f"{at}.{key}[{i}]", exc.message)
                continue
            if wanted and span is None:
                yield Problem(
                    source,
                    f"{at}.{key}[{i}]",
                    Message("the pattern does not find its own example: {text}", {"text": text}),
                )
            elif not wanted and span is not None:
                yield Problem(
                    source,
                    f"{at}.{key}[{i}]",
                    Message(
                        "the pattern finds “{quote}” in its counterexample: {text}",
                        {"quote": text[span[0] : span[1]], "text": text},
                    ),
                )


def _lint_rules(
    rules: Sequence[Rule],
    params: Mapping[str, Parameter],
    source: str,
    *,
    window: tuple[dt.date, dt.date | None] | None,
    patterns: Mapping[str, Pattern] | None = None,
) -> Iterator[Problem]:
    first_seen: dict[str, int] = {}
    for i, rule in enumerate(rules):
        at = f"$.rules[{i}]"
        if not ID_PATTERN.match(rule.id):
            yield Problem(source, f"{at}.id", Message("ids are lower-case words joined by hyphens"))
        if rule.id in first_seen:
            yield Problem(
                source,
                f"{at}.id",
                Message(
                    "duplicate rule id {id} (first at $.rules[{first}])",
                    {"id": rule.id, "first": first_seen[rule.id]},
                ),
            )
        else:
            first_seen[rule.id] = i
        if not rule.applies_to:
            yield Problem(source, f"{at}.applies_to", Message("name at least one subject kind"))
        unsupported = [s.value for s in rule.applies_to if s not in rule.check.subjects]
        if unsupported:
            yield Problem(
                source,
                f"{at}.applies_to",
                Message(
                    "check kind {kind} cannot judge {subjects}",
                    {"kind": rule.check.kind, "subjects": ", ".join(unsupported)},
                ),
            )
        if window is not None:
            start, end = window
            if rule.effective_from is not None and rule.effective_from < start:
                yield Problem(
                    source,
                    f"{at}.effective_from",
                    Message(
                        "the rule starts before its ruleset version ({version})",
                        {"version": start.isoformat()},
                    ),
                )
            rule_start = rule.effective_from or start
            if rule.effective_until is not None and rule.effective_until <= rule_start:
                yield Problem(
                    source,
                    f"{at}.effective_until",
                    Message("the rule ends before it starts"),
                )
            if end is not None and rule_start >= end:
                yield Problem(
                    source,
                    f"{at}.effective_from",
                    Message(
                        "the rule starts after its ruleset version ends ({end})",
                        {"end": end.isoformat()},
                    ),
                )
        if SubjectKind.SERVICE_PROCESS in rule.applies_to and rule.heading is None:
            yield Problem(
                source,
                f"{at}.heading",
                Message("a rule for service processes names the heading it is reported under"),
            )
        if rule.layer is not None and (
            rule.layer is not Layer.ORGANISATION or rule.basis is not Basis.ORGANISATION
        ):
            yield Problem(
                source,
                f"{at}.layer",
                Message(
                    "a rule may name a layer of its own only to say it is the organisation's "
                    "(layer organisation, basis organisation)"
                ),
            )
        if rule.basis is Basis.LAW and not rule.citation.section:
            yield Problem(
                source,
                f"{at}.citation.section",
                Message(
                    "a rule whose basis is law cites the provision read (chapter and section, "
                    "or article); without one, grade it official-summary or secondary"
                ),
            )
        for suffix, message in rule.check.lint():
            yield Problem(source, f"{at}.check{suffix}", message)
        for field_path, name in rule.check.pattern_refs():
            if name not in (patterns or {}):
                yield Problem(
                    source,
                    f"{at}.check.{field_path}",
                    Message(
                        "refers to pattern {name}, which is not declared under [patterns]",
                        {"name": name},
                    ),
                )
        for field_name, param, spec in rule.check.parameter_refs():
            path = f"{at}.check.{field_name}"
            declared = params.get(param)
            if declared is None:
                yield Problem(
                    source,
                    path,
                    Message("refers to parameter {name}, which is not declared", {"name": param}),
                )
            elif declared.type is not spec.type or declared.unit != spec.unit:
                yield Problem(
                    source,
                    path,
                    Message(
                        "parameter {name} is {got}; this check needs {want}",
                        {
                            "name": param,
                            "got": _describe(declared.type, declared.unit),
                            "want": _describe(spec.type, spec.unit),
                        },
                    ),
                )


def _describe(ptype: ParameterType, unit: object) -> str:
    return f"{ptype.value} ({unit.value})" if isinstance(unit, enum.Enum) else ptype.value


def lint_ruleset(rs: Ruleset, source: str, *, until: dt.date | None = None) -> list[Problem]:
    """Semantic problems in a structurally valid ruleset (``until``: next version's date)."""
    problems = [*_lint_texts(rs, source), *_lint_parameters(rs.parameters, source)]
    if not ID_PATTERN.match(rs.id):
        problems.append(
            Problem(source, "$.id", Message("ids are lower-case words joined by hyphens"))
        )
    precision_ok = {
        "day": True,
        "month": rs.version.day == 1,
        "year": (rs.version.month, rs.version.day) == (1, 1),
    }[rs.version_precision]
    if not precision_ok:
        problems.append(
            Problem(
                source,
                "$.version",
                Message(
                    "a version known only to the {precision} must be dated to its first day",
                    {"precision": Message(_PRECISION_WORDS[rs.version_precision])},
                ),
            )
        )
    problems += _lint_patterns(rs.patterns, source)
    problems += _lint_rules(
        rs.rules, rs.parameters, source, window=(rs.version, until), patterns=rs.patterns
    )
    problems += _lint_revisions(rs, source)
    return problems


_FINGERPRINT = re.compile(r"^sha256:[0-9a-f]{64}$")


def _lint_revisions(rs: Ruleset, source: str) -> Iterator[Problem]:
    """Revisions count 2, 3, ... in order, are dated on or before the last review, record the
    fingerprint they replace, and name only rules and parameters the version has."""
    previous: dt.date | None = None
    rule_ids = {r.id for r in rs.rules}
    for i, rev in enumerate(rs.revisions):
        at = f"$.revisions[{i}]"
        if rev.revision != i + 2:
            yield Problem(
                source,
                f"{at}.revision",
                Message(
                    "revisions are numbered 2, 3, ... in order (revision 1 is the first "
                    "encoding); expected {n}",
                    {"n": i + 2},
                ),
            )
        if rev.date > rs.last_reviewed or (previous is not None and rev.date < previous):
            yield Problem(
                source,
                f"{at}.date",
                Message(
                    "a revision is dated after the one before it and no later than "
                    "last_reviewed ({reviewed})",
                    {"reviewed": rs.last_reviewed.isoformat()},
                ),
            )
        previous = rev.date
        if not _FINGERPRINT.match(rev.replaces):
            yield Problem(
                source,
                f"{at}.replaces",
                Message("the fingerprint of the revision before, sha256: and 64 hex digits"),
            )
        if not rev.changes:
            yield Problem(source, f"{at}.changes", Message("say what changed, at least once"))
        for j, change in enumerate(rev.changes):
            here = f"{at}.changes[{j}]"
            if change.rule is not None and change.rule not in rule_ids:
                yield Problem(
                    source,
                    f"{here}.rule",
                    Message("this version has no rule {id}", {"id": change.rule}),
                )
            if change.parameter is not None and change.parameter not in rs.parameters:
                yield Problem(
                    source,
                    f"{here}.parameter",
                    Message("this version has no parameter {name}", {"name": change.parameter}),
                )
            if change.pattern is not None and change.pattern not in rs.patterns:
                yield Problem(
                    source,
                    f"{here}.pattern",
                    Message("this version has no pattern {name}", {"name": change.pattern}),
                )
    if rs.revisions and rs.revisions[-1].replaces == fingerprint(rs):
        yield Problem(
            source,
            f"$.revisions[{len(rs.revisions) - 1}].replaces",
            Message(
                "the newest revision replaces the fingerprint the file has now: nothing in the "
                "rules changed, so it is not a revision"
            ),
        )


def lint_overlay(ov: Overlay, source: str) -> list[Problem]:
    """Semantic problems in an overlay that can be seen without the rulesets it stacks on."""
    problems = [*_lint_texts(ov, source), *_lint_parameters(ov.parameters, source)]
    if not ID_PATTERN.match(ov.id):
        problems.append(
            Problem(source, "$.id", Message("ids are lower-case words joined by hyphens"))
        )
    # An organisation rule uses the overlay's own parameters (declared with their values)
    # and the overlay's own patterns.
    problems += _lint_patterns(ov.patterns, source)
    problems += _lint_rules(ov.rules, ov.parameters, source, window=None, patterns=ov.patterns)
    return problems


# --------------------------------------------------------------------------- files


def read_toml(path: Path | str, source: str) -> dict[str, Any]:
    """A TOML file (``-``: standard input) as data; UTF-8, with or without a byte-order mark."""
    text = decode_text(read_bytes(path, source), source)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LoadError(
            [Problem(source, "", Message("not valid TOML: {detail}", {"detail": str(exc)}))]
        ) from None


_OVERLAY_REFUSED_KEYS = ("remove", "remove_rules", "disable", "disable_rules", "override")


def is_overlay_data(raw: Mapping[str, Any]) -> bool:
    return raw.get("kind") == "overlay"


LISTS_DIR = "_lists"
"""The folder beside the ruleset folders that holds shared value lists."""


def load_lists(folder: Path, source_root: str) -> dict[str, ValueList]:
    """The value lists in ``folder`` (``<root>/_lists``), by id; none when it is absent."""
    lists: dict[str, ValueList] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        source = f"{source_root}/{LISTS_DIR}/{path.name}"
        value_list, found = structure(read_toml(path, source), ValueList, source)
        problems += found
        if value_list is None:
            continue
        if value_list.id != path.stem:
            problems.append(
                Problem(
                    source,
                    "$.id",
                    Message("the id must match the file name {name}", {"name": path.stem}),
                )
            )
        if len(set(value_list.values)) != len(value_list.values) or not value_list.values:
            problems.append(
                Problem(source, "$.items", Message("name each value once, at least one"))
            )
        problems += _lint_texts(value_list, source)
        lists[value_list.id] = value_list
    if problems:
        raise LoadError(problems)
    return lists


def _with_lists(
    raw: Mapping[str, Any], lists: Mapping[str, ValueList], source: str
) -> tuple[Mapping[str, Any], list[Problem]]:
    """``raw`` with each check field written ``{ list = "<id>" }`` given that list's values."""
    rules = raw.get("rules")
    if not isinstance(rules, list):
        return raw, []
    problems: list[Problem] = []
    out_rules = []
    for i, rule in enumerate(rules):
        check = rule.get("check") if isinstance(rule, dict) else None
        if isinstance(check, dict):
            check = dict(check)
            for key, value in check.items():
                if isinstance(value, dict) and set(value) == {"list"}:
                    found = lists.get(value["list"]) if isinstance(value["list"], str) else None
                    if found is None:
                        problems.append(
                            Problem(
                                source,
                                f"$.rules[{i}].check{path_part(key)}.list",
                                Message(
                                    "no value list {name} in {folder}",
                                    {"name": str(value["list"]), "folder": LISTS_DIR},
                                ),
                            )
                        )
                    check[key] = [] if found is None else list(found.values)
            rule = {**rule, "check": check}
        out_rules.append(rule)
    return {**raw, "rules": out_rules}, problems


def ruleset_from_data(
    raw: Mapping[str, Any],
    source: str,
    *,
    until: dt.date | None = None,
    lists: Mapping[str, ValueList] | None = None,
) -> Ruleset:
    raw, list_problems = _with_lists(raw, lists or {}, source)
    problems = list_problems + _raw_parameter_problems(raw, source)
    rs, structural = structure(raw, Ruleset, source)
    problems = structural + problems
    if rs is not None and not problems:
        rs = attrs.evolve(rs, parameters=_typed_parameters(rs.parameters))
        problems += lint_ruleset(rs, source, until=until)
    if problems or rs is None:
        raise LoadError(problems)
    return rs


def overlay_from_data(raw: Mapping[str, Any], source: str) -> Overlay:
    problems = [
        Problem(
            source,
            f"${path_part(key)}",
            Message("an overlay cannot remove, disable or override rules of a higher layer"),
        )
        for key in _OVERLAY_REFUSED_KEYS
        if key in raw
    ]
    body = {k: v for k, v in raw.items() if k not in ("kind", *_OVERLAY_REFUSED_KEYS)}
    problems += _raw_parameter_problems(body, source)
    ov, structural = structure(body, Overlay, source)
    problems = structural + problems
    if ov is not None and not problems:
        ov = attrs.evolve(ov, parameters=_typed_parameters(ov.parameters))
        problems += lint_overlay(ov, source)
    if problems or ov is None:
        raise LoadError(problems)
    return ov


def load_ruleset(path: Path | str, source: str | None = None) -> Ruleset:
    """Load and lint one ruleset file; raises :class:`LoadError` with every problem."""
    path = Path(path)
    src = source or str(path)
    lists = load_lists(path.parent.parent / LISTS_DIR, str(path.parent.parent))
    return ruleset_from_data(read_toml(path, src), src, lists=lists)


def load_overlay(path: Path | str, source: str | None = None) -> Overlay:
    """Load and lint one overlay file (``kind = "overlay"``)."""
    path = Path(path)
    src = source or str(path)
    return overlay_from_data(read_toml(path, src), src)


def load_file(path: Path | str, source: str | None = None) -> Ruleset | Overlay:
    """A ruleset or an overlay, whichever the file is."""
    path = Path(path)
    src = source or str(path)
    raw = read_toml(path, src)
    if is_overlay_data(raw):
        return overlay_from_data(raw, src)
    lists = load_lists(path.parent.parent / LISTS_DIR, str(path.parent.parent))
    return ruleset_from_data(raw, src, lists=lists)
