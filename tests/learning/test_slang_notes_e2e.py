"""Slang notes on relayed copies, through the real bot, the Discord double and a fake provider:
both directions, the term kept out of machine translation, and switched off per channel."""

from __future__ import annotations


def provider_texts(harness) -> str:
    return " ".join(request.body.decode() for request in harness.translator.requests)


async def test_chinese_slang_is_kept_and_explained_for_english_readers(harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.wang, harness.chinese, "今天的饭yyds，我躺平了")
        (copy,) = await harness.copies(harness.english)
    lines = copy.content.splitlines()
    assert "yyds" in lines[0] and "躺平" in lines[0]  # kept as written, not machine-translated
    assert lines[1] == ("-# 💬 yyds = 永远的神 (yǒngyuǎn de shén), the GOAT; simply the best · "
                        "躺平 (tǎngpíng) = 'lying flat': opting out of the rat race, doing the minimum")
    sent = provider_texts(harness)
    assert sent and "yyds" not in sent and "躺平" not in sent


async def test_english_slang_is_kept_and_explained_for_chinese_readers(harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "No cap, she ate")
        (copy,) = await harness.copies(harness.chinese)
    lines = copy.content.splitlines()
    assert "No cap" in lines[0] and "ate" in lines[0]
    assert lines[1] == "-# 💬 No cap = 不骗你，说真的 · ate = 干得漂亮、完美拿捏"
    assert "No cap" not in provider_texts(harness)


async def test_ordinary_messages_carry_no_note(harness) -> None:
    async with harness.running():
        await harness.link()
        await harness.double.post(harness.alice, harness.english, "I ate lunch, it was based on a recipe")
        (copy,) = await harness.copies(harness.chinese)
    assert "💬" not in copy.content
    assert "I ate lunch, it was based on a recipe" in provider_texts(harness)


async def test_moderators_turn_notes_off_for_a_channel(harness) -> None:
    async with harness.running():
        await harness.link()
        handle = await harness.double.invoke_slash(
            harness.moderator, "bridge settings", channel=harness.general,
            options={"channel": harness.english, "slang_notes": False},
        )
        await handle.wait_response()
        assert handle.ephemeral
        assert handle.response_text.splitlines()[-1] == f"Slang notes under copies in <#{harness.english.id}>: off"
        await harness.double.post(harness.wang, harness.chinese, "今天的饭yyds")
        (copy,) = await harness.copies(harness.english)
        assert "💬" not in copy.content
        assert "yyds" in provider_texts(harness)  # translated like any other text when notes are off
        # The other side still gets notes, and the setting survives a restart.
        await harness.double.post(harness.alice, harness.english, "no cap")
        (chinese_copy,) = await harness.copies(harness.chinese)
        assert "💬 no cap = " in chinese_copy.content
    async with harness.running():
        await harness.double.post(harness.wang, harness.chinese, "xswl")
        copies = await harness.copies(harness.english, 2)
        assert "💬" not in copies[-1].content
        handle = await harness.double.invoke_slash(
            harness.moderator, "bridge settings", channel=harness.general,
            options={"channel": harness.english, "slang_notes": True}, locale="zh-CN",
        )
        await handle.wait_response()
        assert handle.response_text.splitlines()[-1] == f"<#{harness.english.id}> 的译文下的网络用语注释：开启"


async def test_an_edit_that_adds_slang_brings_the_note_and_one_that_removes_it_takes_it_away(harness) -> None:
    async with harness.running():
        await harness.link()
        original = await harness.double.post(harness.alice, harness.english, "See you later")
        (copy,) = await harness.copies(harness.chinese)
        assert "💬" not in copy.content
        await harness.double.edit(original, "See you later, it's giving main character energy")
        edited = await harness.double.wait_for(
            lambda: (view := harness.double.view(harness.chinese)[-1]) and "💬" in view.content and view)
        assert edited.id == copy.id  # the same copy, edited in place
        assert edited.content.splitlines()[1] == (
            "-# 💬 it's giving = 很有……的感觉 · main character energy = 主角光环、把自己当主角")
        await harness.double.edit(original, "See you later")
        await harness.double.wait_for(lambda: "💬" not in harness.double.view(harness.chinese)[-1].content)
