from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kontakta_rules.catalog import Catalog

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

DATA = Path(__file__).parent / "data"


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging: the test must end within 30 s (the behaviour it guards once
    ran for minutes). A wall-clock bound, far above the time a passing run takes."""

    def ring(*_: object) -> None:
        raise TimeoutError("took longer than 30 s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.default()


@pytest.fixture
def data_dir() -> Path:
    return DATA
