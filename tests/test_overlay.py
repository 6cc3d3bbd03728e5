"""Organisation overlays: set open parameters, add own rules, never weaken a higher layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from kontakta_rules.catalog import Catalog
from kontakta_rules.loading import LoadError, load_overlay
from kontakta_rules.schedule import WeeklySchedule
from kontakta_rules.stacking import stack
from kontakta_rules.vocabulary import Layer

DATA = Path(__file__).parent / "data" / "overlays"


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = (DATA / "good.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "overlay.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_overlay_sets_open_parameters_and_adds_organisation_rules(catalog: Catalog) -> None:
    overlay = load_overlay(DATA / "good.toml")
    nix = catalog.resolve("nix-telefon@2017-07-01")
    assert nix.parameters["office_hours"].value is None
    stacked = stack([catalog.resolve("telemarketing-b2c@2021-07-01"), nix], overlay)
    assert [rs.layer for rs in stacked] == [Layer.REGISTER, Layer.INDUSTRY, Layer.ORGANISATION]
    office = stacked[0].parameters["office_hours"].value
    assert isinstance(office, WeeklySchedule) and str(office.days[4][0]) == "08:00-16:00"
    assert stacked[0].parameters["nix_check_validity"].value == 1  # stricter than 2: allowed
    assert stacked[-1].rules[0].id == "acme-call-frequency"
    assert nix.parameters["office_hours"].value is None, "the catalog's ruleset is unchanged"


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        (
            "nix_check_validity = 1",
            "nix_check_validity = 3",
            "$.set.nix_check_validity",
            "may only make it stricter",
        ),
        (
            "nix_check_validity = 1",
            "calling_hours = 1",
            "$.set.calling_hours",
            "no ruleset in the stack declares",
        ),
        (
            'fri = ["08:00-16:00"] }',
            'fri = ["16:00-08:00"] }',
            "$.set.office_hours.fri[0]",
            "ends before it starts",
        ),
        (
            'id = "acme-call-frequency"',
            'id = "listed-numbers"',
            "$.rules[0].id",
            "cannot replace a rule of a higher layer",
        ),
        (
            'basis = "organisation"\ncitation = { document = "Acmes interna policy", url = "https://acme.example/policy" }\ncheck',
            'basis = "text"\ncitation = { document = "Acmes interna policy", url = "https://acme.example/policy" }\ncheck',
            "$.rules[0].basis",
            "has basis organisation",
        ),
        (
            "nix_check_validity = 1",
            "nix_check_validity = -5",
            "$.set.nix_check_validity",
            "negative",
        ),
        (
            "nix_check_validity = 1",
            "nix_check_validity = 100000",
            "$.set.nix_check_validity",
            "1,200",
        ),
    ],
)
def test_overlay_that_weakens_or_misnames_is_a_load_error(
    tmp_path: Path, catalog: Catalog, old: str, new: str, path: str, message: str
) -> None:
    overlay = load_overlay(_write(tmp_path, old, new), source="policy.toml")
    with pytest.raises(LoadError) as info:
        stack([catalog.resolve("nix-telefon@2017-07-01")], overlay, source="policy.toml")
    rendered = [p.render() for p in info.value.problems]
    assert any(r.startswith(f"policy.toml: {path}: ") and message in r for r in rendered), rendered


def test_overlay_cannot_remove_rules(tmp_path: Path) -> None:
    path = _write(tmp_path, "[set]", 'remove = ["listed-numbers"]\n\n[set]')
    with pytest.raises(LoadError, match=r"\$\.remove: an overlay cannot remove"):
        load_overlay(path)


def test_overlay_unknown_key_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, 'issuer = "Acme AB"', 'issuer = "Acme AB"\npriority = 1')
    with pytest.raises(LoadError, match=r"\$\.priority: unknown key"):
        load_overlay(path)


@pytest.mark.parametrize("target", ["acme-policy", "no-such-ruleset"])
def test_an_overlay_rule_defers_only_to_a_ruleset_in_the_stack(
    tmp_path: Path, catalog: Catalog, target: str
) -> None:
    text = (DATA / "good.toml").read_text(encoding="utf-8")
    start = text.index("check = {", text.index("[[rules]]"))
    end = text.index("\n", start)
    path = tmp_path / "overlay.toml"
    path.write_text(
        text[:start] + f'check = {{ kind = "defers-to", ruleset = "{target}" }}' + text[end:],
        encoding="utf-8",
    )
    overlay = load_overlay(path, source="policy.toml")
    with pytest.raises(LoadError, match=r"\$\.rules\[0\]\.check\.ruleset"):
        stack([catalog.resolve("nix-telefon@2017-07-01")], overlay, source="policy.toml")
