"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import OfferRepo


@pytest.fixture
def repo(tmp_path: Path) -> OfferRepo:
    """An offers repository with the standard test config and legal/msa.pdf."""
    return OfferRepo.create(tmp_path)
