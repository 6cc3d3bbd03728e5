"""NIX register snapshots: numbers as people write them, the update date, bad lines."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kontakta_rules.loading import LoadError
from kontakta_rules.nix import NixRegister

SNAPSHOT = """\
# NIX-Telefon snapshot
# updated: 2026-11-01
070-174 06 05
+46 8 123 456 78   # a comment after a number
0046761234567

0701112233
"""


def test_snapshot_with_header_and_written_forms() -> None:
    reg = NixRegister.from_lines(SNAPSHOT.splitlines(), source="nix.txt")
    assert reg.updated == dt.date(2026, 11, 1)
    assert len(reg) == 4
    for number in ("+46701740605", "0812345678", "076-123 45 67", "+46701112233"):
        assert number in reg
    assert "+46701740606" not in reg
    assert 12345 not in reg  # type: ignore[operator]


def test_update_date_given_explicitly() -> None:
    lines = ["0701740605"]
    assert NixRegister.from_lines(lines, updated=dt.date(2026, 1, 5)).updated == dt.date(2026, 1, 5)
    with pytest.raises(LoadError, match="update date is missing"):
        NixRegister.from_lines(lines)
    with pytest.raises(LoadError, match="says it was updated 2026-11-01, but 2026-01-05 was given"):
        NixRegister.from_lines(SNAPSHOT.splitlines(), updated=dt.date(2026, 1, 5))


def test_bad_lines_are_reported_with_their_line_numbers() -> None:
    lines = ["# updated: 2026-11-01", "0701740605", "+47 22 00 00 00", "hello", "0701"]
    with pytest.raises(LoadError) as info:
        NixRegister.from_lines(lines, source="nix.txt")
    rendered = [p.render("en") for p in info.value.problems]
    assert rendered[0].startswith("nix.txt: line 3: +47 22 00 00 00: not a Swedish number")
    assert rendered[1].startswith("nix.txt: line 4: hello:")
    assert rendered[2].startswith("nix.txt: line 5: 0701: a Swedish number has 7 to 9 digits")
    assert "inte ett svenskt nummer" in info.value.problems[0].render("sv")


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "nix.txt"
    path.write_text(SNAPSHOT, encoding="utf-8")
    assert len(NixRegister.load(path)) == 4
    with pytest.raises(LoadError, match="cannot read the file"):
        NixRegister.load(tmp_path / "missing.txt")


@given(
    st.lists(st.integers(min_value=1_000_000, max_value=999_999_999), max_size=300), st.randoms()
)
def test_membership_matches_a_set_whatever_the_order(
    numbers: list[int], rnd: random.Random
) -> None:
    numbers = [n for n in numbers if not str(n).startswith("71")]  # 071: machines, refused
    rnd.shuffle(numbers)
    reg = NixRegister.from_lines(
        [f"0{n}" for n in numbers], updated=dt.date(2026, 1, 1), allow_empty=True
    )
    listed = set(numbers)
    probes = numbers[:20] + [rnd.randint(1_000_000, 999_999_999) for _ in range(20)]
    for n in probes:
        assert reg.contains_nsn(n) == (n in listed)
