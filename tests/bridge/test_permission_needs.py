"""What a bridged channel needs and what a missing permission stops (pure)."""

from __future__ import annotations

from bot.bridge.permission_needs import check, needed

EVERYTHING = {"view_channel", "send_messages", "manage_webhooks", "create_public_threads",
              "send_messages_in_threads", "manage_threads"}


def test_text_channels_need_thread_permissions_too_and_forums_no_send_messages() -> None:
    assert needed("text") == ("view_channel", "send_messages", "manage_webhooks", "create_public_threads",
                              "send_messages_in_threads", "manage_threads")
    assert needed("forum") == ("view_channel", "manage_webhooks", "send_messages_in_threads", "manage_threads")


def test_everything_granted_is_complete_and_blocks_nothing() -> None:
    result = check("text", EVERYTHING)
    assert result.complete and not result.blocks_channel and not result.blocks_threads


def test_missing_manage_webhooks_blocks_the_channel_and_its_threads() -> None:
    result = check("forum", EVERYTHING - {"manage_webhooks"})
    assert result.missing == ("manage_webhooks",)
    assert result.blocks(in_thread=False) and result.blocks(in_thread=True)


def test_missing_send_in_threads_blocks_only_threads() -> None:
    result = check("text", lambda name: name != "send_messages_in_threads")
    assert result.missing == ("send_messages_in_threads",)
    assert not result.blocks_channel and result.blocks_threads


def test_missing_manage_threads_or_create_threads_is_reported_but_blocks_no_copy() -> None:
    result = check("text", EVERYTHING - {"manage_threads", "create_public_threads"})
    assert result.missing == ("create_public_threads", "manage_threads")
    assert not result.complete and not result.blocks_channel and not result.blocks_threads


def test_a_forum_does_not_need_send_messages() -> None:
    assert check("forum", EVERYTHING - {"send_messages"}).complete
    assert check("text", EVERYTHING - {"send_messages"}).blocks_channel
