from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from kontakta_rules.catalog import Catalog

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.default()


@pytest.fixture
def data_dir() -> Path:
    return DATA
