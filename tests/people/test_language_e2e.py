"""`/language`: a person's own language for every private answer, whatever their Discord client says."""

from __future__ import annotations

from tests.bridge.conftest import Harness
from tests.people.conftest import answer, running


async def test_a_chosen_language_answers_commands_menus_and_errors(harness: Harness) -> None:
    async with running(harness) as bot:
        chosen = await answer(harness, harness.alice, "language", harness.general, language="zh-TW")
        assert "繁體中文" in chosen
        assert bot.personal_languages.chosen(harness.alice.id) == "zh-TW"
        # her Discord client still says en-US: Qiao answers in Traditional Chinese anyway
        optout = await answer(harness, harness.alice, "bridge optout", harness.general)
        assert optout == bot.i18n.t("bridge.optout.done", "zh-TW")
        refused = await answer(harness, harness.alice, "bridge link", harness.general,
                               english=harness.english, chinese=harness.chinese)
        assert refused == bot.i18n.t("core.error.not_moderator", "zh-TW")
        message = await harness.double.post(harness.wang, harness.general, "Where is the cat")
        menu = await harness.double.invoke_message_command(harness.alice, "Translate", message, locale="en-US")
        assert (await menu.wait_text()).startswith("〔譯〕Where is the cat") and menu.ephemeral
        # others keep their own client's language
        other = await answer(harness, harness.wang, "bridge optout", harness.general)
        assert other == bot.i18n.t("bridge.optout.done", "en-US")


async def test_following_discord_again_uses_the_clients_locale(harness: Harness) -> None:
    async with running(harness) as bot:
        await answer(harness, harness.alice, "language", harness.general, language="en-US")
        english = await answer(harness, harness.alice, "bridge optout", harness.general, locale="zh-CN")
        assert english == bot.i18n.t("bridge.optout.done", "en-US")
        follows = await answer(harness, harness.alice, "language", harness.general, locale="zh-CN", language="discord")
        assert "Discord" in follows and "简体中文" in follows
        assert bot.personal_languages.chosen(harness.alice.id) is None
        again = await answer(harness, harness.alice, "bridge optin", harness.general, locale="zh-CN")
        assert again == bot.i18n.t("bridge.optin.done", "zh-CN")


async def test_the_choice_survives_a_restart(harness: Harness) -> None:
    async with running(harness):
        await answer(harness, harness.wang, "language", harness.general, language="zh-CN")
    async with running(harness) as bot:
        text = await answer(harness, harness.wang, "bridge optout", harness.general, locale="en-GB")
        assert text == bot.i18n.t("bridge.optout.done", "zh-CN")


async def test_language_works_in_a_direct_message_with_qiao(harness: Harness) -> None:
    async with running(harness) as bot:
        dm = harness.double.world.dm_channel(harness.alice.user)
        handle = await harness.double.invoke_slash(harness.alice, "language", channel=dm, options={"language": "zh-CN"})
        assert "简体中文" in await handle.wait_text()
        assert bot.personal_languages.chosen(harness.alice.id) == "zh-CN"
