"""Invites, opt-out, glossary, stats and delivery end to end: the bridge harness (tests/bridge/conftest.py) plus a second server."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from tests.bridge.conftest import Harness, translator  # noqa: F401  (fixture re-exported)
from tests.bridge.conftest import harness as bridge_harness  # noqa: F401


@dataclasses.dataclass
class Partner:
    guild: object
    channel: object
    log: object
    moderator: object
    member: object


@pytest.fixture
async def harness(bridge_harness: Harness) -> AsyncIterator[Harness]:  # noqa: F811
    yield bridge_harness


@pytest.fixture
def partner(harness: Harness) -> Partner:
    double = harness.double
    guild = double.create_guild("Taipei Friends", owner="owner2", locale="zh-TW")
    channel = double.create_channel(guild, "中文聊天")
    log = double.create_channel(guild, "mod-log")
    moderator = double.add_member(guild, "lin", display_name="林")
    role = double.create_role(guild, "管理", permissions=["manage_guild"])
    double.give_role(moderator, role)
    member = double.add_member(guild, "mei", display_name="美")
    return Partner(guild, channel, log, moderator, member)


async def slash(harness: Harness, member, command: str, where, locale: str = "en-US", **options):
    """Run `/command` as `member` from the channel `where`; options by name."""
    handle = await harness.double.invoke_slash(member, command, channel=where, options=options, locale=locale)
    await handle.wait_response()
    return handle


def copies_in(harness: Harness, channel) -> list:
    return [view for view in harness.double.view(channel) if view.by_webhook]
