"""``--update-golden``: rewrite the reporters' golden files instead of comparing with them.

    .venv/bin/pytest tests/report --update-golden

(pytest only knows the option when ``tests/report`` is on the command line; from anywhere else,
``OFFEROPS_UPDATE_GOLDEN=1 .venv/bin/pytest`` does the same.)
"""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/report/golden/* from the current reporters",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten rather than compared."""
    option = bool(request.config.getoption("--update-golden", default=False))
    return option or os.environ.get("OFFEROPS_UPDATE_GOLDEN") == "1"
