"""The fast generator of ``columnar_data`` (what ``nox -s equivalence`` judges): the same
records for the same seed, and every edge it counts reached in a few thousand records."""

from __future__ import annotations

from pathlib import Path

import pytest

from columnar_data import SITUATIONS, Boundaries, Generator, shown_record, situations
from kontakta_rules.evaluate import CallEvaluator
from kontakta_rules.loading import load_overlay

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bounds() -> Boundaries:
    policies = [
        load_overlay(ROOT / "examples" / "policy.toml"),
        load_overlay(ROOT / "tests" / "data" / "overlays" / "cases-policy.toml"),
    ]
    return Boundaries.of(CallEvaluator(), policies)


def test_the_edges_come_from_the_rulesets_and_the_policies(bounds: Boundaries) -> None:
    assert bounds.months["nix_check_validity"] == {2, 3}
    assert bounds.period_days == {30} and bounds.opening_seconds == {20}
    assert bounds.silent_limits == {3.0, 25.0}
    assert min(bounds.version_days) == bounds.first_rules_day
    # the clocks change twice a year in Stockholm
    assert len(bounds.change_days["Europe/Stockholm"]) >= 2 * 40


def test_a_seed_gives_the_same_records(bounds: Boundaries) -> None:
    first = [shown_record(r) for r in Generator(bounds).batch("7/0", 200)]
    again = [shown_record(r) for r in Generator(bounds).batch("7/0", 200)]
    other = [shown_record(r) for r in Generator(bounds).batch("7/1", 200)]
    assert first == again != other


def test_every_edge_is_reached(bounds: Boundaries) -> None:
    tried = situations(bounds, Generator(bounds).batch("0/0", 4000))
    assert {k for k in SITUATIONS if not tried[k]} == set()
