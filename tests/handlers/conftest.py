"""Fixtures the Slack-surface tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import catalogue


@pytest.fixture
def chinese() -> Iterator[None]:
    """Builders speak Chinese for the test, and English again after it."""
    catalogue.use("zh")
    yield
    catalogue.use("en")
