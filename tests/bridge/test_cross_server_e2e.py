"""Cross-server bridges: the invite/accept handshake and its refusals."""

from __future__ import annotations

from datetime import timedelta

from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.bridge.conftest import Partner, copies_in, slash


async def invite_code(harness: Harness) -> str:
    handle = await slash(harness, harness.moderator, "bridge invite", harness.general, channel=harness.english, language="en")
    assert handle.ephemeral
    return handle.response_text.split("`")[1]


async def test_handshake_links_two_servers_and_messages_cross_both_ways(harness: Harness, partner: Partner) -> None:
    async with harness.running():
        code = await invite_code(harness)
        accepted = await slash(harness, partner.moderator, "bridge accept", partner.channel, locale="zh-TW",
                               code=code, channel=partner.channel, language="zh")
        assert accepted.ephemeral and "Taipei" not in accepted.response_text and "Bridge Club" in accepted.response_text
        await harness.double.post(harness.alice, harness.english, "Hello from the other server")
        [copy] = await harness.double.wait_for(lambda: copies_in(harness, partner.channel))
        assert copy.content.startswith("〔译〕Hello from the other server")
        await harness.double.post(partner.member, partner.channel, ZH_SAMPLE)
        [back] = await harness.double.wait_for(lambda: copies_in(harness, harness.english))
        assert back.author == "美" and back.content.startswith("[en] ")


async def test_either_server_can_unlink_its_own_channel_and_the_partner_sees_the_bridge_in_list(harness: Harness, partner: Partner) -> None:
    async with harness.running() as bot:
        code = await invite_code(harness)
        await slash(harness, partner.moderator, "bridge accept", partner.channel, code=code, channel=partner.channel, language="zh")
        listed = await slash(harness, partner.moderator, "bridge list", partner.channel)
        assert "Bridge Club › #english" in listed.response_text and f"<#{partner.channel.id}>" in listed.response_text
        await slash(harness, partner.moderator, "bridge unlink", partner.channel, channel=partner.channel)
        assert not bot.bridge_relay.is_bridged(partner.channel.id)


async def test_a_used_code_is_refused(harness: Harness, partner: Partner) -> None:
    third = harness.double.create_channel(partner.guild, "second")
    async with harness.running():
        code = await invite_code(harness)
        await slash(harness, partner.moderator, "bridge accept", partner.channel, code=code, channel=partner.channel, language="zh")
        again = await slash(harness, partner.moderator, "bridge accept", partner.channel, code=code, channel=third, language="zh")
        assert again.ephemeral and "already used" in again.response_text


async def test_an_expired_code_is_refused_in_the_moderators_locale(harness: Harness, partner: Partner) -> None:
    async with harness.running() as bot:
        code = await invite_code(harness)
        cog = bot.get_cog("BridgeCog")
        real_clock = cog.invites.clock
        cog.invites.clock = lambda: real_clock() + timedelta(minutes=16)
        refused = await slash(harness, partner.moderator, "bridge accept", partner.channel, locale="zh-CN",
                              code=code, channel=partner.channel, language="zh")
        assert "已过期" in refused.response_text
        assert not bot.bridge_relay.is_bridged(partner.channel.id)


async def test_a_code_from_the_same_server_is_refused(harness: Harness, partner: Partner) -> None:
    async with harness.running():
        code = await invite_code(harness)
        refused = await slash(harness, harness.moderator, "bridge accept", harness.general, code=code, channel=harness.chinese, language="zh")
        assert "comes from this server" in refused.response_text


async def test_a_code_for_a_bridge_that_was_unlinked_is_refused(harness: Harness, partner: Partner) -> None:
    async with harness.running():
        await harness.link()
        code = await invite_code(harness)
        await slash(harness, harness.moderator, "bridge unlink", harness.general, channel=harness.chinese)
        refused = await slash(harness, partner.moderator, "bridge accept", partner.channel, code=code, channel=partner.channel, language="zh")
        assert "no longer exists" in refused.response_text


async def test_a_made_up_code_is_refused(harness: Harness, partner: Partner) -> None:
    async with harness.running():
        refused = await slash(harness, partner.moderator, "bridge accept", partner.channel, code="QIAO-AAAAA-BBBBB",
                              channel=partner.channel, language="zh")
        assert "not valid" in refused.response_text


async def test_non_moderators_can_neither_invite_nor_accept(harness: Harness, partner: Partner) -> None:
    async with harness.running() as bot:
        invite = await slash(harness, harness.alice, "bridge invite", harness.general, channel=harness.english, language="en")
        assert invite.ephemeral and "`QIAO-" not in invite.response_text
        code = await invite_code(harness)
        accept = await slash(harness, partner.member, "bridge accept", partner.channel, code=code, channel=partner.channel, language="zh")
        assert accept.ephemeral and not bot.bridge_relay.is_bridged(partner.channel.id)


async def accepted_bridge(harness: Harness, partner: Partner) -> None:
    code = await invite_code(harness)
    await slash(harness, partner.moderator, "bridge accept", partner.channel, code=code, channel=partner.channel, language="zh")


async def test_the_second_servers_moderator_changes_their_channels_settings(harness: Harness, partner: Partner) -> None:
    async with harness.running() as bot:
        await accepted_bridge(harness, partner)
        changed = await slash(harness, partner.moderator, "bridge settings", partner.channel, locale="zh-TW",
                              channel=partner.channel, script="traditional")
        assert changed.ephemeral and "不在任何" not in changed.response_text and "繁體" in changed.response_text
        assert bot.bridge_relay.store.bridge_of_cached(partner.channel.id).channel(partner.channel.id).script == "traditional"
        await harness.double.post(harness.alice, harness.english, "Good night")
        [copy] = await harness.double.wait_for(lambda: copies_in(harness, partner.channel))
        assert copy.content.startswith("〔譯〕Good night")


async def test_neither_server_manages_the_other_servers_channel(harness: Harness, partner: Partner) -> None:
    async with harness.running() as bot:
        await accepted_bridge(harness, partner)
        store = bot.bridge_relay.store
        foreign = await slash(harness, harness.moderator, "bridge settings", harness.general,
                              channel=partner.channel, script="traditional")
        assert foreign.ephemeral and store.bridge_of_cached(partner.channel.id).channel(partner.channel.id).script == "simplified"
        unlink = await slash(harness, partner.moderator, "bridge unlink", partner.channel, channel=harness.english)
        assert unlink.ephemeral and bot.bridge_relay.is_bridged(harness.english.id)
        assert f"<#{partner.channel.id}> cannot be used" in foreign.response_text
        assert f"<#{harness.english.id}> cannot be used" in unlink.response_text


async def test_a_channel_the_second_server_links_in_is_filed_under_that_server(harness: Harness, partner: Partner) -> None:
    second = harness.double.create_channel(partner.guild, "english-too")
    async with harness.running() as bot:
        await accepted_bridge(harness, partner)
        await slash(harness, partner.moderator, "bridge link", partner.channel, english=second, chinese=partner.channel)
        assert bot.bridge_relay.store.bridge_of_cached(second.id).channel(second.id).guild_id == partner.guild.id
        hidden = await slash(harness, partner.moderator, "bridge settings", partner.channel, channel=second, label="hidden")
        assert "not in a bridge" not in hidden.response_text
        listed = await slash(harness, harness.moderator, "bridge list", harness.general)
        assert "Taipei Friends › #english-too" in listed.response_text


async def test_channels_filed_under_the_wrong_server_are_refiled_at_start(harness: Harness, partner: Partner) -> None:
    async with harness.running() as bot:
        await accepted_bridge(harness, partner)
        await bot.bridge_relay.store.refile({partner.channel.id: harness.guild.id})
    async with harness.running() as bot:
        await harness.double.wait_for(
            lambda: bot.bridge_relay.store.bridge_of_cached(partner.channel.id).channel(partner.channel.id).guild_id == partner.guild.id)
        changed = await slash(harness, partner.moderator, "bridge settings", partner.channel,
                              channel=partner.channel, script="traditional")
        assert "Traditional" in changed.response_text
