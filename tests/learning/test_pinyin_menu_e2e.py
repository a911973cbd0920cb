"""The Pinyin message menu through the real discord.py client and the Discord double: in a server,
from a person's own install in DMs, on a message without Chinese, and when translation fails."""

from __future__ import annotations

from discord_double.user_apps import invoke_installed_message_command, post_privately, private_channel
from tests.translation.fake_servers import Fault

EPHEMERAL = 1 << 6
LONG = 30.0  # the first reading in a process loads the dictionaries (a few seconds on a busy machine)


async def answer_of(handle) -> str:
    """The private answer, whether sent at once or after a 'thinking…' defer (the first follow-up
    then fills in the deferred message, as on Discord)."""
    text = await handle.wait_text(LONG)
    assert handle.ephemeral and handle.message.flags & EPHEMERAL, "the answer must be private"
    return text


async def test_the_menu_reads_a_chinese_message_word_by_word_in_a_server(harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.wang, harness.general, "我们去银行办事，他长大了。音乐让人快乐！yyds")
        handle = await harness.double.invoke_message_command(harness.alice, "Pinyin", message)
        text = await answer_of(handle)
    lines = text.splitlines()
    assert lines[0] == "Word by word (pinyin, English meaning, HSK level):"
    assert "**银行** yínháng — bank · HSK 3" in lines
    assert any(line.startswith("**长大** zhǎngdà — to grow up") for line in lines)
    assert any(line.startswith("**音乐** yīnyuè — music") for line in lines)
    assert any(line.startswith("**快乐** kuàilè — happy") for line in lines)
    assert "Slang in this message:" in lines
    assert "💬 yyds = 永远的神 (yǒngyuǎn de shén), the GOAT; simply the best" in lines
    # Nothing public was posted in the channel: only the reader sees the answer.
    assert [m.content for m in harness.double.messages_in(harness.general) if not m.ephemeral] == [message.content]


async def test_a_traditional_message_for_a_taiwanese_reader(harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.wang, harness.general, "謝謝你，我的朋友！這真的太內卷了")
        handle = await harness.double.invoke_message_command(harness.alice, "Pinyin", message, locale="zh-TW")
        text = await answer_of(handle)
    lines = text.splitlines()
    assert lines[0] == "逐詞拼音（附英文釋義和 HSK 等級）："
    assert any(line.startswith("**謝謝** xièxie — ") for line in lines)
    assert any(line.startswith("**朋友** péngyou — friend") for line in lines)
    assert "這則訊息裡的網路用語：" in lines
    # The slang meaning is in the reader's language and script.
    assert any(line.startswith("💬 內卷 = ") and "競爭" in line for line in lines), lines


async def test_the_menu_is_installable_by_users_and_offered_in_dms(harness) -> None:
    async with harness.running():
        (definition,) = [c for c in harness.double.world.commands.get(None, []) if c["name"] == "Pinyin"]
        assert definition["type"] == 3
        assert sorted(definition["integration_types"]) == [0, 1]
        assert sorted(definition["contexts"]) == [0, 1, 2]
        # A DM between two people the bot is not in: the person's own install answers privately.
        dm = private_channel(harness.double, harness.alice, harness.wang)
        message = await post_privately(harness.double, harness.wang, dm, "谢谢你，朋友")
        handle = await invoke_installed_message_command(harness.double, harness.alice, "Pinyin", message)
        text = await answer_of(handle)
        assert handle.interaction.payload["context"] == 2 and "guild_id" not in handle.interaction.payload
        assert any(line.startswith("**朋友** péngyou") for line in text.splitlines())
        # Nothing public is posted where the bot is only a guest.
        assert [m for m in harness.double.messages_in(dm) if not m.ephemeral] == [message]
        # The bot's own DM with the person.
        own = await harness.double.dm(harness.alice, "长城很长")
        handle = await invoke_installed_message_command(harness.double, harness.alice, "Pinyin", own)
        text = await answer_of(handle)
        assert handle.interaction.payload["context"] == 1
        assert any(line.startswith("**长城** Chángchéng — the Great Wall") for line in text.splitlines())


async def test_a_message_without_chinese_gets_its_chinese_translation_read_aloud(harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "See you at the bank tomorrow")
        handle = await harness.double.invoke_message_command(harness.wang, "Pinyin", message, locale="zh-CN")
        text = await answer_of(handle)
    lines = text.splitlines()
    assert lines[0] == "这条消息里没有中文。下面是它的中文翻译，逐词标注："
    assert lines[1] == "> 明天在银行见"
    assert any(line.startswith("**银行** yínháng — bank") for line in lines)
    assert any(line.startswith("**明天** míngtiān") for line in lines)


async def test_english_slang_is_explained_with_the_translation(harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.alice, harness.general, "See you at the bank tomorrow, no cap")
        handle = await harness.double.invoke_message_command(harness.alice, "Pinyin", message)
        text = await answer_of(handle)
    assert "💬 no cap = for real, not lying" in text.splitlines()


async def test_when_translation_fails_the_reader_is_told_in_one_line(harness) -> None:
    async with harness.running():
        harness.translator.fail_always(Fault(503, {"error": {"code": 503000, "message": "The service is temporarily unavailable."}}))
        message = await harness.double.post(harness.alice, harness.general, "See you at the bank tomorrow")
        handle = await harness.double.invoke_message_command(harness.wang, "Pinyin", message)
        text = await answer_of(handle)
    assert text == ("This message has no Chinese, and the translation service is not answering right now, so there is "
                    "no Chinese translation to read. Try again in a minute.")


async def test_an_empty_message_and_an_opted_out_author(harness) -> None:
    async with harness.running():
        image = await harness.double.post(harness.alice, harness.general, "", attachments=[("cat.png", b"\x89PNG", "image/png")])
        handle = await harness.double.invoke_message_command(harness.wang, "Pinyin", image)
        assert await answer_of(handle) == "This message has no text to read. Use Pinyin on a message with words in it."
        optout = await harness.double.invoke_slash(harness.alice, "bridge optout", channel=harness.general)
        await optout.wait_response()
        requests_before = harness.translator.request_count
        message = await harness.double.post(harness.alice, harness.general, "See you at the bank tomorrow")
        handle = await harness.double.invoke_message_command(harness.wang, "Pinyin", message)
        text = await answer_of(handle)
    assert text.startswith("This message has no Chinese, and its author asked Qiao not to translate")
    assert harness.translator.request_count == requests_before  # their text went to no provider


async def test_the_menu_is_rate_limited_per_person(harness) -> None:
    async with harness.running():
        message = await harness.double.post(harness.wang, harness.general, "你好")
        for _ in range(10):
            handle = await harness.double.invoke_message_command(harness.alice, "Pinyin", message)
            assert (await answer_of(handle)).splitlines()[1].startswith("**你好** nǐhǎo")
        handle = await harness.double.invoke_message_command(harness.alice, "Pinyin", message, locale="zh-CN")
        text = await answer_of(handle)
        assert text.startswith("你这一分钟内使用“拼音”的次数太多了，请 ") and text.endswith(" 秒后再试。")
        # Someone else is not held back.
        handle = await harness.double.invoke_message_command(harness.wang, "Pinyin", message)
        assert (await answer_of(handle)).splitlines()[1].startswith("**你好** nǐhǎo")
