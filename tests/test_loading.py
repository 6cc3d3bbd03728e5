"""Every loader error message, proven on bad files kept under tests/data/bad/."""

from __future__ import annotations

from pathlib import Path

import pytest

from kontakta_rules.checks import CallingWindow, NixCheck
from kontakta_rules.loading import LoadError, load_file, load_ruleset
from kontakta_rules.schedule import WeeklySchedule
from kontakta_rules.vocabulary import Layer

DATA = Path(__file__).parent / "data"

# file -> the one problem it must produce (path, message), as the English rendering shows it
EXPECTED = {
    "unknown-key": ("$.colour", "unknown key; allowed keys here: description, id, issuer"),
    "unknown-key-in-check": (
        "$.rules[0].check.months",
        "unknown key; allowed keys here: covered_purposes, mobiles_registrable_from, validity",
    ),
    "wrong-type": (
        "$.rules[0].check.validity",
        "expected the name of a parameter declared under [parameters] (of type integer (months)), not a value",
    ),
    "parameter-value-type": ("$.parameters.check_validity.value", "expected an integer, got 'two'"),
    "missing-field": ("$.issuer", "required field missing"),
    "missing-english": ("$.rules[1].title.en", "required field missing"),
    "empty-swedish": ("$.rules[2].text.sv", "the text is empty"),
    "unsafe-url": (
        "$.parameters.check_validity.citation.url",
        "a source's address must start with https://, http:// or mailto:, not 'javascript:alert(1)'",
    ),
    "unknown-check-kind": (
        "$.rules[1].check.kind",
        "unknown check kind 'calling-hours'; known kinds: business-subscription",
    ),
    "bad-enum": ("$.rules[1].severity", "expected one of must, should, got 'optional'"),
    "bad-schedule": (
        "$.parameters.calling_windows.value.tue[0]",
        "the range '20:00-09:00' ends before it starts",
    ),
    "not-a-list": ("$.rules[2].applies_to", "expected a list, got 'organisation'"),
    "duplicate-rule-id": ("$.rules[2].id", "duplicate rule id check-first (first at $.rules[0])"),
    "undeclared-parameter": (
        "$.rules[1].check.window",
        "refers to parameter calling_hours, which is not declared",
    ),
    "parameter-type-mismatch": (
        "$.rules[1].check.window",
        "parameter check_validity is integer (months); this check needs weekly-schedule",
    ),
    "uncited-number": (
        "$.parameters.check_validity.citation",
        "a numeric value needs a citation of its source",
    ),
    "rule-window-before-version": (
        "$.rules[1].effective_from",
        "the rule starts before its ruleset version (2020-01-01)",
    ),
    "rule-window-ends-before-start": (
        "$.rules[1].effective_until",
        "the rule ends before it starts",
    ),
    "subject-not-supported": (
        "$.rules[1].applies_to",
        "check kind calling-window cannot judge offer",
    ),
    "bad-regex": (
        "$.patterns.sales-call.sv[0]",
        "not a valid regular expression: missing )",
    ),
    "undeclared-pattern": (
        "$.rules[3].check.required[1]",
        "refers to pattern purpose, which is not declared under [patterns]",
    ),
    "pattern-example-not-found": (
        "$.patterns.sales-call.examples_sv[1]",
        "the pattern does not find its own example: Jag ringer för att sälja el.",
    ),
    "pattern-counterexample-found": (
        "$.patterns.sales-call.counterexamples_sv[0]",
        "the pattern finds “säljsamtal” in its counterexample: Det här är inget säljsamtal.",
    ),
    "precision": ("$.version", "a version known only to the year must be dated to its first day"),
}


def test_minimal_file_loads_into_the_model() -> None:
    rs = load_ruleset(DATA / "minimal.toml")
    assert rs.ref == "test-rules@2020-01-01"
    assert rs.layer is Layer.INDUSTRY
    assert isinstance(rs.rules[0].check, NixCheck)
    assert rs.rules[0].check.validity == "check_validity"
    assert isinstance(rs.rules[1].check, CallingWindow)
    assert rs.parameters["check_validity"].value == 2
    assert rs.parameters["calling_windows"].value is None
    assert [r.automatic for r in rs.rules] == [True, True, False]


def test_every_bad_file_has_an_expectation() -> None:
    files = {p.stem for p in (DATA / "bad").glob("*.toml")}
    assert files == set(EXPECTED) | {"many-errors", "toml-syntax"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_names_file_and_field(name: str) -> None:
    path = DATA / "bad" / f"{name}.toml"
    with pytest.raises(LoadError) as info:
        load_ruleset(path, source=f"tests/data/bad/{name}.toml")
    want_path, want_message = EXPECTED[name]
    problems = info.value.problems
    assert len(problems) == 1, [p.render() for p in problems]
    rendered = problems[0].render("en")
    assert rendered.startswith(f"tests/data/bad/{name}.toml: {want_path}: "), rendered
    assert want_message in rendered


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    with pytest.raises(LoadError) as info:
        load_ruleset(DATA / "bad" / "many-errors.toml", source="many-errors.toml")
    paths = {p.path for p in info.value.problems}
    assert paths == {
        "$.layer",
        "$.colour",
        "$.parameters.check_validity.value",
        "$.rules[0].check.validity",
        "$.rules[1].check.kind",
    }


def test_toml_syntax_error_names_line() -> None:
    with pytest.raises(LoadError) as info:
        load_ruleset(DATA / "bad" / "toml-syntax.toml", source="x.toml")
    assert "x.toml: not valid TOML" in str(info.value)
    assert "line 53" in str(info.value)


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="cannot read the file"):
        load_ruleset(tmp_path / "nope.toml")


def test_problems_render_in_swedish() -> None:
    with pytest.raises(LoadError) as info:
        load_ruleset(DATA / "bad" / "unknown-key.toml", source="f.toml")
    sv = info.value.render("sv")
    assert sv.startswith("f.toml: $.colour: okänd nyckel")


def test_weekly_schedule_values_become_schedules(tmp_path: Path) -> None:
    text = (
        (DATA / "minimal.toml")
        .read_text(encoding="utf-8")
        .replace(
            'basis = "organisation"\ndescription = { sv = "Ringtider."',
            'basis = "organisation"\nvalue = { mon = ["09:00-12:00", "13:00-20:00"], holiday = [] }\n'
            'description = { sv = "Ringtider."',
        )
    )
    path = tmp_path / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    value = load_ruleset(path).parameters["calling_windows"].value
    assert isinstance(value, WeeklySchedule)
    assert [str(r) for r in value.days[0]] == ["09:00-12:00", "13:00-20:00"]
    assert value.days[1] == ()


def test_integer_field_does_not_accept_a_float_or_bool(tmp_path: Path) -> None:
    base = (DATA / "minimal.toml").read_text(encoding="utf-8")
    for bad in ("2.5", "true"):
        path = tmp_path / "p.toml"
        path.write_text(base.replace("value = 2\n", f"value = {bad}\n"), encoding="utf-8")
        with pytest.raises(LoadError, match="expected an integer"):
            load_ruleset(path)


def test_load_file_tells_overlays_from_rulesets() -> None:
    assert load_file(DATA / "minimal.toml").ref == "test-rules@2020-01-01"
    assert load_file(DATA / "overlays" / "good.toml").ref == "acme-policy@2026-01-01"
