"""The built wheel carries every ruleset file and finds them once installed."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kontakta_rules.catalog import bundled_rulesets_dir
from kontakta_rules.i18n import gettext

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the sdist, as pip builds it from PyPI: the sdist holds no compiled
    catalogs (the working tree may), so a .mo in the wheel proves the build hook ran."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (sdist,) = out.glob("kontakta_rules-*.tar.gz")
    with tarfile.open(sdist) as archive:
        assert not [n for n in archive.getnames() if n.endswith(".mo")]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(sdist),
        ],
        check=True,
    )
    (path,) = out.glob("kontakta_rules-*.whl")
    return path


@pytest.mark.slow
def test_wheel_carries_every_ruleset_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    rulesets = sorted(
        p.relative_to(ROOT / "rulesets").as_posix() for p in (ROOT / "rulesets").rglob("*.toml")
    )
    assert rulesets
    for rel in rulesets:
        assert f"kontakta_rules/rulesets/{rel}" in names
    assert "kontakta_rules/py.typed" in names
    assert "kontakta_rules/locale/sv/LC_MESSAGES/kontakta_rules.po" in names
    assert "kontakta_rules/locale/sv/LC_MESSAGES/kontakta_rules.mo" in names  # compiled by the hook


@pytest.mark.slow
def test_installed_wheel_finds_its_rulesets(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "import kontakta_rules.catalog as c; from kontakta_rules.catalog import Catalog;"
        "print(c.bundled_rulesets_dir()); print(len(list(Catalog.default())));"
        "from kontakta_rules import i18n; print(i18n._catalog_file('sv', '.mo').is_file());"
        "print(repr(i18n.gettext('required field missing', 'sv')))"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{str(site)!r}] + {sys.path[1:]!r}; {code}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    where, count, has_mo, translated = result.stdout.splitlines()
    assert Path(where).is_relative_to(site)
    versions = [p for p in (ROOT / "rulesets").glob("*/*.toml") if p.parent.name != "_lists"]
    assert int(count) == len(versions)  # every version loads, the shared lists with them
    assert has_mo == "True"  # the installed package reads the compiled catalog
    assert translated == repr(gettext("required field missing", "sv"))
    assert translated != repr("required field missing")


def test_source_checkout_reads_the_top_level_folder() -> None:
    # The test run uses an editable install (nox) or the source tree: both read rulesets/.
    here = bundled_rulesets_dir()
    assert here.name == "rulesets" and any(here.glob("*/*.toml"))
