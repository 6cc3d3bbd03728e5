"""Doctests in the documentation pages (``pytest --doctest-glob='*.md' docs/``).

The examples use paths relative to the repository (``examples/calls.jsonl``), as a reader
who cloned it would, so every example runs from the repository root.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _run_from_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
