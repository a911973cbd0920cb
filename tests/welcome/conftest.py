"""Welcome end to end: the bridge harness with the cogs a welcome talks about."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bridge.conftest import Harness, translator  # noqa: F401  (fixture re-exported)
from tests.bridge.conftest import harness as bridge_harness  # noqa: F401

EXTENSIONS = ("cogs.admin", "cogs.bridge", "cogs.people", "cogs.flags", "cogs.welcome")


@pytest.fixture
async def harness(bridge_harness: Harness) -> AsyncIterator[Harness]:  # noqa: F811
    yield bridge_harness
