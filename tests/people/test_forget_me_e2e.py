"""`/qiao forget-me` asks first, then deletes what Qiao stores about the person and says what;
`/qiao forget-member` does the same for this server's records of someone who left."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.bridge.remember.bridge_tables import relayed_messages
from bot.guidance.tables import guidance_mutes
from tests.bridge.conftest import Harness
from tests.people.conftest import answer, running

EXTENSIONS = ("cogs.admin", "cogs.bridge", "cogs.people")


def buttons(handle) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for row in handle.message.components for b in row["components"]}


async def map_rows(bot, author_id: int, guild_id: int | None = None) -> int:
    condition = relayed_messages.c.author_id == author_id
    if guild_id is not None:
        condition = sa.and_(condition, relayed_messages.c.guild_id == guild_id)
    async with bot.db.connect() as connection:
        return (await connection.execute(sa.select(sa.func.count()).select_from(relayed_messages).where(condition))).scalar_one()


async def test_forget_me_asks_then_deletes_and_reports(harness: Harness) -> None:
    async with running(harness, EXTENSIONS) as bot:
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "Hello before forgetting")
        await harness.copies(harness.chinese)
        await answer(harness, harness.alice, "language", harness.general, language="zh-TW")
        await answer(harness, harness.alice, "bridge optout", harness.general)
        await bot.bridge_relay.store.flush()
        assert await map_rows(bot, harness.alice.id) == 1

        ask = await harness.double.invoke_slash(harness.alice, "qiao forget-me", channel=harness.general)
        assert "無法復原" in await ask.wait_text() and ask.ephemeral
        assert set(buttons(ask)) == {"刪除", "取消"}
        assert bot.personal_languages.chosen(harness.alice.id) == "zh-TW"  # nothing happens before the press

        stranger = await harness.double.click_button(harness.wang, ask.message, buttons(ask)["刪除"])
        assert "Only the person who asked" in await stranger.wait_text() and stranger.ephemeral
        assert bot.personal_languages.chosen(harness.alice.id) == "zh-TW"

        press = await harness.double.click_button(harness.alice, ask.message, buttons(ask)["刪除"])
        report = await harness.double.wait_for(lambda: "已刪除" in (ask.message.content or "") and ask.message.content)
        await press.wait_response()
        assert "語言設定：1" in report and "退出轉發的設定：1" in report and "轉發訊息對應紀錄：1" in report
        assert ask.message.components == []
        assert bot.personal_languages.chosen(harness.alice.id) is None
        assert not bot.get_cog("BridgeCog").optouts.is_opted_out(harness.alice.id)
        assert await map_rows(bot, harness.alice.id) == 0
        # opted back in: her messages are relayed again
        await harness.double.post(harness.alice, harness.english, "Hello after forgetting")
        await harness.copies(harness.chinese, count=2)


async def test_cancel_deletes_nothing(harness: Harness) -> None:
    async with running(harness, EXTENSIONS) as bot:
        await answer(harness, harness.alice, "language", harness.general, language="zh-CN")
        ask = await harness.double.invoke_slash(harness.alice, "qiao forget-me", channel=harness.general)
        await ask.wait_text()
        cancel = await harness.double.click_button(harness.alice, ask.message, buttons(ask)["取消"])
        await cancel.wait_response()
        assert ask.message.content == bot.i18n.t("forget.cancelled", "zh-CN")
        assert bot.personal_languages.chosen(harness.alice.id) == "zh-CN"


async def test_a_moderator_forgets_a_member_who_left_in_this_server_only(harness: Harness) -> None:
    other = harness.double.create_guild("Elsewhere")
    gone = harness.double.add_member(other, "gone", display_name="Gone")
    now = datetime.now(UTC)
    async with running(harness, EXTENSIONS) as bot:
        async with bot.db.begin() as connection:
            for number, guild_id in enumerate((harness.guild.id, harness.guild.id, other.id)):
                await connection.execute(sa.insert(relayed_messages).values(
                    copy_message_id=900 + number, copy_channel_id=1, webhook_id=2, original_message_id=800 + number,
                    original_channel_id=3, guild_id=guild_id, author_id=gone.user.id, part=0, target_language="en",
                    source_hash="h", needs_translation=False, created_at=now))
            await connection.execute(sa.insert(guidance_mutes).values(guild_id=harness.guild.id, user_id=gone.user.id, muted_at=now))
        still = await answer(harness, harness.moderator, "qiao forget-member", harness.general, user=harness.alice)
        assert "still a member" in still
        refused = await answer(harness, harness.alice, "qiao forget-member", harness.general, user=gone)
        assert refused == bot.i18n.t("core.error.not_moderator", "en-US")
        ask = await harness.double.invoke_slash(harness.moderator, "qiao forget-member", channel=harness.general,
                                                options={"user": gone})
        await ask.wait_text()
        await harness.double.click_button(harness.moderator, ask.message, buttons(ask)["Delete"])
        report = await harness.double.wait_for(lambda: "Deleted" in (ask.message.content or "") and ask.message.content)
        assert "relayed-message map entries: 2" in report and "guidance mutes: 1" in report
        assert await map_rows(bot, gone.user.id, harness.guild.id) == 0
        assert await map_rows(bot, gone.user.id, other.id) == 1
