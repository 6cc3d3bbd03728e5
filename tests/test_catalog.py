"""Catalog: listing, selection by version and by date, fingerprints and pinning."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.canonical import canonical_json, fingerprint
from kontakta_rules.catalog import Catalog, CatalogError, bundled_rulesets_dir, parse_ref
from kontakta_rules.loading import LoadError, load_ruleset

BUNDLED = bundled_rulesets_dir()
FAMILIES = {
    "accessibility-act",
    "ai-act",
    "consumer-law-customer-service",
    "customer-service",
    "customer-service-practice",
    "nix-telefon",
    "swedish-law",
    "telemarketing-b2b",
    "telemarketing-b2c",
}


def test_all_nine_families_with_enough_versions_and_rules(catalog: Catalog) -> None:
    assert set(catalog.ids()) == FAMILIES
    rulesets = list(catalog)
    assert len(rulesets) >= 8
    assert sum(len(rs.rules) for rs in rulesets) >= 40
    assert len({(rs.id, r.id) for rs in rulesets for r in rs.rules}) >= 40


def test_every_bundled_file_loads_and_lints_clean(catalog: Catalog) -> None:
    assert [p.render() for p in catalog.check_all()] == []


def test_versions_are_sorted_and_match_file_names(catalog: Catalog) -> None:
    for ruleset_id in catalog.ids():
        versions = catalog.versions(ruleset_id)
        assert versions == sorted(versions)
        files = sorted(dt.date.fromisoformat(p.stem) for p in (BUNDLED / ruleset_id).glob("*.toml"))
        assert versions == files


def test_get_and_resolve(catalog: Catalog) -> None:
    rs = catalog.resolve("nix-telefon@2017-07-01")
    assert (rs.id, rs.version) == ("nix-telefon", dt.date(2017, 7, 1))
    assert catalog.resolve("nix-telefon") == catalog.get(
        "nix-telefon", catalog.versions("nix-telefon")[-1]
    )
    with pytest.raises(CatalogError, match="no ruleset nix"):
        catalog.resolve("nix")
    with pytest.raises(CatalogError, match="has no version 2017-07-02"):
        catalog.resolve("nix-telefon@2017-07-02")
    with pytest.raises(CatalogError, match="not a ruleset reference"):
        parse_ref("nix-telefon@July 2017")


_EFFECTIVE = [(rid, v) for rid in sorted(FAMILIES) for v in Catalog.default().versions(rid)]


@given(st.sampled_from(_EFFECTIVE), st.sampled_from([-1, 0, 1]))
def test_in_force_around_each_effective_date(entry: tuple[str, dt.date], offset: int) -> None:
    catalog = Catalog.default()
    ruleset_id, version = entry
    day = version + dt.timedelta(days=offset)
    versions = catalog.versions(ruleset_id)
    if offset >= 0:
        assert catalog.in_force(ruleset_id, day).version == version
    elif version == versions[0]:
        with pytest.raises(CatalogError, match="no version in force on"):
            catalog.in_force(ruleset_id, day)
    else:
        assert catalog.in_force(ruleset_id, day).version == versions[versions.index(version) - 1]


@given(
    st.sampled_from(sorted(FAMILIES)),
    st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2040, 12, 31)),
)
def test_in_force_is_the_newest_version_not_after_the_day(ruleset_id: str, day: dt.date) -> None:
    catalog = Catalog.default()
    eligible = [v for v in catalog.versions(ruleset_id) if v <= day]
    if not eligible:
        with pytest.raises(CatalogError):
            catalog.in_force(ruleset_id, day)
    else:
        rs = catalog.in_force(ruleset_id, day)
        assert rs.version == max(eligible)
        until = catalog.valid_until(rs)
        assert until is None or day < until


def test_error_before_the_first_version_names_it(catalog: Catalog) -> None:
    with pytest.raises(CatalogError) as info:
        catalog.in_force("customer-service", dt.date(2023, 3, 31))
    assert "first takes effect on 2023-04-01" in info.value.render("en")
    assert "första börjar gälla 2023-04-01" in info.value.render("sv")


# --------------------------------------------------------------------------- fingerprints


def _copy_catalog(tmp_path: Path) -> Path:
    root = tmp_path / "rulesets"
    shutil.copytree(BUNDLED, root)
    return root


def test_fingerprint_is_stable_across_formatting(tmp_path: Path) -> None:
    source = BUNDLED / "nix-telefon" / "2017-07-01.toml"
    original = load_ruleset(source)
    text = source.read_text(encoding="utf-8")
    # comments, blank lines, spacing and an explicitly written default change nothing
    reformatted = "# another comment\n\n" + text.replace(" = ", "   =   ").replace(
        'layer = "register"', 'layer = "register"\nversion_precision = "day"\nnotes_unused = 1'
    ).replace("notes_unused = 1\n", "")
    path = tmp_path / "reformatted.toml"
    path.write_text(reformatted, encoding="utf-8")
    assert fingerprint(load_ruleset(path)) == fingerprint(original)


def test_fingerprint_changes_when_one_character_of_a_rule_changes(tmp_path: Path) -> None:
    source = BUNDLED / "nix-telefon" / "2017-07-01.toml"
    text = source.read_text(encoding="utf-8")
    changed = text.replace("får ringas i två månader", "får ringas i två månader.", 1)
    assert changed != text
    path = tmp_path / "changed.toml"
    path.write_text(changed, encoding="utf-8")
    assert fingerprint(load_ruleset(path)) != fingerprint(load_ruleset(source))


def test_fingerprint_is_sha256_of_the_canonical_json(catalog: Catalog) -> None:
    import hashlib

    import attrs

    rs = catalog.resolve("swedish-law@2018-09-01")
    # the change log (revisions) describes the content and is left out of the fingerprint
    content = attrs.evolve(rs, revisions=())
    digest = hashlib.sha256(canonical_json(content).encode()).hexdigest()
    assert fingerprint(rs) == f"sha256:{digest}"
    assert '"id":"swedish-law"' in canonical_json(rs)
    assert rs.revisions and '"revisions"' not in canonical_json(content)


def test_pinned_fingerprint_loads_and_a_changed_file_fails(tmp_path: Path) -> None:
    pinned = fingerprint(Catalog.default().resolve("nix-telefon@2017-07-01"))
    root = _copy_catalog(tmp_path)
    catalog = Catalog([root])
    assert catalog.get_pinned("nix-telefon@2017-07-01", pinned).ref == "nix-telefon@2017-07-01"
    path = root / "nix-telefon" / "2017-07-01.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("value = 2\n", "value = 1\n", 1), encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="its data differ from what was pinned"):
        Catalog([root]).get_pinned("nix-telefon@2017-07-01", pinned)


def test_file_name_and_content_must_agree(tmp_path: Path) -> None:
    root = _copy_catalog(tmp_path)
    (root / "nix-telefon" / "2017-07-01.toml").rename(root / "nix-telefon" / "2017-08-01.toml")
    catalog = Catalog([root])
    with pytest.raises(
        LoadError,
        match=r"\$\.version: the version 2017-07-01 does not match the file name 2017-08-01.toml",
    ):
        catalog.get("nix-telefon", dt.date(2017, 8, 1))


def test_extra_roots_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "own"
    (extra / "test-rules").mkdir(parents=True)
    shutil.copy(
        Path(__file__).parent / "data" / "minimal.toml", extra / "test-rules" / "2020-01-01.toml"
    )
    monkeypatch.setenv("KONTAKTA_RULES_PATH", str(extra))
    catalog = Catalog()
    assert "test-rules" in catalog.ids()
    assert catalog.source("test-rules", dt.date(2020, 1, 1)) == "own/test-rules/2020-01-01.toml"


def test_a_file_that_shadows_a_bundled_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "own"
    (extra / "nix-telefon").mkdir(parents=True)
    weakened = (BUNDLED / "nix-telefon" / "2017-07-01.toml").read_text(encoding="utf-8")
    (extra / "nix-telefon" / "2017-07-01.toml").write_text(
        weakened.replace("value = 2\n", "value = 1\n", 1), encoding="utf-8"
    )
    monkeypatch.setenv("KONTAKTA_RULES_PATH", str(extra))
    with pytest.raises(CatalogError, match="nix-telefon@2017-07-01") as info:
        Catalog()
    assert "KONTAKTA_RULES_SHADOW" in str(info.value)
    monkeypatch.setenv("KONTAKTA_RULES_SHADOW", "nix-telefon@2017-07-01")
    catalog = Catalog()
    assert catalog.origin("nix-telefon", dt.date(2017, 7, 1)).startswith(str(extra.resolve()))


def test_every_report_names_the_source_of_each_ruleset(tmp_path: Path) -> None:
    import io
    import json

    from kontakta_rules.cli import main

    examples = Path(__file__).parents[1] / "examples"
    out = io.StringIO()
    main(
        [
            "check",
            "calls",
            str(examples / "calls.jsonl"),
            "--format",
            "json",
            "--policy",
            str(examples / "policy.toml"),
        ],
        out=out,
        err=io.StringIO(),
    )
    used = json.loads(out.getvalue())["rulesets"]
    refs = {u["ref"]: u for u in used}
    assert (
        refs["nix-telefon@2017-07-01"]["source"] == "bundled: rulesets/nix-telefon/2017-07-01.toml"
    )
    assert refs["exempelbolaget-policy@2026-09-01"]["source"].endswith("policy.toml")
    assert all(u["fingerprint"].startswith("sha256:") for u in used)


def test_the_command_line_pins_with_a_fingerprint() -> None:
    import io

    from kontakta_rules.cli import main

    examples = Path(__file__).parents[1] / "examples"
    good = fingerprint(Catalog.default().resolve("nix-telefon@2017-07-01"))
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "check",
            "calls",
            str(examples / "calls.jsonl"),
            "--pin",
            f"nix-telefon@2017-07-01={good}",
            "--lang",
            "en",
        ],
        out=out,
        err=err,
    )
    assert code == 2 and "41 records evaluated" in out.getvalue(), err.getvalue()
    err = io.StringIO()
    code = main(
        [
            "check",
            "calls",
            str(examples / "calls.jsonl"),
            "--pin",
            "nix-telefon@2017-07-01=sha256:" + "0" * 64,
            "--lang",
            "en",
        ],
        out=io.StringIO(),
        err=err,
    )
    assert code == 2 and "not the pinned" in err.getvalue()
