"""Shared fixtures: paths to the repository's data and the seeds beside it."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not beside the repository")
    return path


@pytest.fixture(scope="session")
def seeds_gold() -> Path:
    return SHARED / "gold" / "seeds.jsonl"
