"""A newcomer is welcomed in both languages, pinged alone, and chooses a language with a button."""

from __future__ import annotations

from tests.bridge.conftest import Harness
from tests.people.conftest import answer, running
from tests.welcome.conftest import EXTENSIONS


def welcomes(harness: Harness, channel) -> list:
    return [view for view in harness.double.view(channel) if view.is_bot and view.components]


def buttons(view) -> dict[str, str]:
    return {button["label"]: button["custom_id"] for row in view.components for button in row["components"]}


async def set_up(harness: Harness, **roles) -> str:
    return await answer(harness, harness.moderator, "welcome setup", harness.general, channel=harness.general, **roles)


async def test_a_newcomer_is_welcomed_and_chooses_chinese_with_a_button(harness: Harness) -> None:
    english_role = harness.double.create_role(harness.guild, "English speakers")
    chinese_role = harness.double.create_role(harness.guild, "中文")
    async with running(harness, EXTENSIONS) as bot:
        await bot.tree.sync()
        await harness.link()
        done = await set_up(harness, english_role=english_role, chinese_role=chinese_role)
        assert f"<#{harness.general.id}>" in done and f"<@&{chinese_role.id}>" in done
        newcomer = harness.double.add_member(harness.guild, "newbie", display_name="Newbie")
        [welcome] = await harness.double.wait_for(lambda: welcomes(harness, harness.general))
        assert welcome.notified_user_ids == {newcomer.user.id} and not welcome.pinged_roles and not welcome.pinged_everyone
        assert "Welcome to **Bridge Club**" in welcome.content and "欢迎来到 **Bridge Club**" in welcome.content
        assert "bridged channels" in welcome.content and "Apps → Translate" in welcome.content and "🇨🇳" in welcome.content
        language_id = next(c["id"] for c in harness.double.world.commands[None] if c["name"] == "language")
        assert f"</language:{language_id}>" in welcome.content
        assert "cat tax" not in welcome.content and "Topic rooms" not in welcome.content  # not loaded here
        assert set(buttons(welcome)) == {"English", "简体中文", "繁體中文"}

        click = await harness.double.click_button(newcomer, welcome.message, buttons(welcome)["繁體中文"], locale="en-US")
        text = await click.wait_text()
        assert click.ephemeral and "繁體中文" in text and f"<@&{chinese_role.id}>" in text
        assert bot.personal_languages.chosen(newcomer.user.id) == "zh-TW"
        assert chinese_role.id in harness.double.world.guilds[harness.guild.id].members[newcomer.user.id].roles
        optout = await answer(harness, newcomer, "bridge optout", harness.general)
        assert optout == bot.i18n.t("bridge.optout.done", "zh-TW")

        again = await harness.double.click_button(newcomer, welcome.message, buttons(welcome)["English"])
        assert "English" in await again.wait_text()
        roles = harness.double.world.guilds[harness.guild.id].members[newcomer.user.id].roles
        assert english_role.id in roles and chinese_role.id not in roles


async def test_the_buttons_keep_working_after_a_restart(harness: Harness) -> None:
    async with running(harness, EXTENSIONS):
        await set_up(harness)
        newcomer = harness.double.add_member(harness.guild, "newbie", display_name="Newbie")
        [welcome] = await harness.double.wait_for(lambda: welcomes(harness, harness.general))
    async with running(harness, EXTENSIONS) as bot:
        click = await harness.double.click_button(newcomer, welcome.message, buttons(welcome)["简体中文"])
        assert "简体中文" in await click.wait_text()
        assert bot.personal_languages.chosen(newcomer.user.id) == "zh-CN"


async def test_welcome_test_and_disable(harness: Harness) -> None:
    async with running(harness, EXTENSIONS) as bot:
        refused = await answer(harness, harness.moderator, "welcome test", harness.general)
        assert refused == bot.i18n.t("welcome.error.not_set_up", "en-US")
        await set_up(harness)
        sent = await answer(harness, harness.moderator, "welcome test", harness.general, locale="zh-CN")
        assert "欢迎消息已发送" in sent
        [welcome] = welcomes(harness, harness.general)
        assert f"<@{harness.moderator.user.id}>" in welcome.content and welcome.notified_user_ids == set()  # a test pings nobody
        await answer(harness, harness.moderator, "welcome disable", harness.general)
        harness.double.add_member(harness.guild, "newbie", display_name="Newbie")
        harness.double.add_member(harness.guild, "robot", display_name="Robot", bot=True)
        # answered after the joins were handled (gateway order; the handlers read a cached setting)
        await answer(harness, harness.alice, "bridge optin", harness.general)
    assert len(welcomes(harness, harness.general)) == 1


async def test_bad_settings_are_refused_with_one_line(harness: Harness) -> None:
    high = harness.double.create_role(harness.guild, "Admins", above_bot=True)
    closed = harness.double.create_channel(harness.guild, "closed")
    harness.double.set_bot_permissions(closed, deny=["send_messages"])
    async with running(harness, EXTENSIONS) as bot:
        too_high = await set_up(harness, english_role=high)
        assert too_high == bot.i18n.t("welcome.error.role_too_high", "en-US", role=f"<@&{high.id}>")
        cannot = await answer(harness, harness.moderator, "welcome setup", harness.general, channel=closed)
        assert cannot == bot.i18n.t("welcome.error.cannot_post", "en-US", channel=f"<#{closed.id}>")
        member = await answer(harness, harness.alice, "welcome setup", harness.general, channel=harness.general)
        assert member == bot.i18n.t("core.error.not_moderator", "en-US")
        assert await bot.get_cog("Welcome").store.config(harness.guild.id) is None
