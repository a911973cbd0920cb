"""`/guidance` commands end to end: check, topics, category, add/remove, import with preview,
confirm and undo, and moderators-only refusals."""

from __future__ import annotations

import pytest

from tests.guidance.conftest import Harness

NOT_MODERATOR = "Only moderators (Manage Server permission) can use this command."

KEYWORD_CSV = (
    "keyword,category,date added\n"
    "草泥马河蟹,slang,2016-01-01\n"
    "草泥马 戈壁,slang,2016-01-01\n"
    "日本,misc,2016-01-01\n"          # everyday word
    "习,misc,2016-01-01\n"            # single character
    "草泥马河蟹,slang,2016-01-02\n"   # duplicate
    "六四,history,2016-01-01\n"       # already in the catalogue
    "ab,misc,2016-01-01\n"            # too short
).encode()


def buttons(message) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for row in message.components for b in row["components"]}


async def test_check_is_private_and_says_why_and_what_people_say_instead(harness: Harness) -> None:
    async with harness.running():
        handle = await harness.slash(harness.alice, "guidance check", text="Is it OK to post about 8964 or Tank Man?")
        quiet = await harness.slash(harness.alice, "guidance check", text="我们公司的电话号码变了")
    assert handle.ephemeral
    assert "“8964”" in handle.response_text and "“Tank Man”" in handle.response_text
    assert "instead" in handle.response_text
    assert quiet.ephemeral and quiet.response_text == "Nothing in this text would get a note from Qiao."
    assert harness.double.view(harness.general) == []


async def test_check_answers_in_the_readers_language(harness: Harness) -> None:
    async with harness.running():
        handle = await harness.slash(harness.wang, "guidance check", text="Tank Man", locale="zh-CN")
    assert "坦克" in handle.response_text and "从不删除" in handle.response_text


async def test_topics_lists_categories_and_reads_one_in_the_readers_language(harness: Harness) -> None:
    async with harness.running():
        listing = await harness.slash(harness.alice, "guidance topics")
        choices = await harness.double.invoke_autocomplete(
            harness.wang, "guidance topics", channel=harness.general, options={"category": "天安"},
            focused="category", locale="zh-CN",
        )
        await choices.wait_response()
        one = await harness.slash(harness.wang, "guidance topics", category="tiananmen-1989", locale="zh-CN")
        unknown = await harness.slash(harness.alice, "guidance topics", category="nope")
    [embed] = listing.message.embeds
    assert listing.ephemeral and "1989 Tiananmen protests" in embed["description"]
    assert choices.choices == [{"name": "1989年天安门事件", "value": "tiananmen-1989"}]
    [embed] = one.message.embeds
    assert one.ephemeral and embed["title"] == "1989年天安门事件" and "坦克人" in embed["description"]
    assert unknown.response_text == "There is no topic category called nope."


async def test_a_disabled_category_is_not_noticed_until_enabled_again(harness: Harness) -> None:
    async with harness.running():
        choices = await harness.double.invoke_autocomplete(
            harness.moderator, "guidance category", channel=harness.general, options={"name": "religious"},
            focused="name",
        )
        await choices.wait_response()
        assert choices.choices == [{"name": "Banned religious and spiritual groups", "value": "banned-groups"}]
        off = await harness.slash(harness.moderator, "guidance category", name="banned-groups", enabled=False)
        assert off.ephemeral and "no longer explains" in off.response_text
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.settle()
        assert harness.double.dm_view(harness.alice) == []
        await harness.slash(harness.moderator, "guidance category", name="banned-groups", enabled=True)
        await harness.double.post(harness.alice, harness.general, "Falun Gong")
        await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))


async def test_own_entry_is_explained_with_the_moderators_text_and_can_be_removed(harness: Harness) -> None:
    async with harness.running():
        added = await harness.slash(
            harness.moderator, "guidance add", term="河蟹社会",
            explanation_en="A pun on 'harmonious society', used to mock censorship.",
            explanation_zh="“和谐社会”的谐音，用来讽刺审查。",
        )
        assert added.ephemeral and "河蟹社会" in added.response_text
        await harness.double.post(harness.wang, harness.general, "真是河蟹社会啊")
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.wang))
        assert "“和谐社会”的谐音" in note.content
        removed = await harness.slash(harness.moderator, "guidance remove", term="河蟹社会")
        assert "Removed" in removed.response_text
        await harness.double.post(harness.alice, harness.general, "河蟹社会")
        await harness.settle()
        missing = await harness.slash(harness.moderator, "guidance remove", term="河蟹社会")
    assert harness.double.dm_view(harness.alice) == []
    assert missing.response_text.startswith("河蟹社会 is not one of this server's own")


async def test_too_short_own_term_is_refused(harness: Harness) -> None:
    async with harness.running():
        handle = await harness.slash(harness.moderator, "guidance add", term="习", explanation_en="x", explanation_zh="x")
    assert handle.ephemeral and "cannot be noticed on its own" in handle.response_text


async def test_import_previews_rejects_then_confirms_then_undoes(harness: Harness) -> None:
    async with harness.running():
        upload = harness.double.world.make_attachment(harness.general.id, "keywords.csv", KEYWORD_CSV)
        handle = await harness.slash(harness.moderator, "guidance import", file=upload)
        preview = await handle.wait_text()
        assert handle.ephemeral
        assert "Accepted: 2 · Rejected: 5" in preview
        assert "`草泥马河蟹`" in preview
        for reason in ("an everyday word", "too short", "appears earlier in the file", "Qiao already notices it"):
            assert reason in preview
        assert "line 4: `日本`" in preview
        [report] = handle.message.attachments
        assert report["filename"] == "rejected-rows.txt"

        # Nothing is stored before confirming.
        await harness.double.post(harness.wang, harness.general, "草泥马河蟹")
        await harness.settle()
        assert harness.double.dm_view(harness.wang) == []

        labels = buttons(handle.message)
        confirm = await harness.double.click_button(harness.moderator, handle.message, labels["Import terms (2)"])
        await confirm.wait_response()
        done = harness.double.world.messages[handle.message.id]
        assert "Terms imported from keywords.csv: 2 " in done.content

        await harness.double.post(harness.alice, harness.general, "听说草泥马住在马勒戈壁")
        [note] = await harness.double.wait_for(lambda: harness.double.dm_view(harness.alice))
        assert "“草泥马”, “戈壁”" in note.content
        assert "管理员将这个词标记为在中国平台上敏感的词语" in note.content  # Chinese message, Chinese note

        undo = await harness.double.click_button(harness.moderator, done, buttons(done)["Undo this import"])
        await undo.wait_response()
        assert "Import from keywords.csv undone; terms removed: 2." in harness.double.world.messages[handle.message.id].content
        await harness.double.post(harness.wang, harness.general, "草泥马河蟹")
        await harness.settle()
        assert harness.double.dm_view(harness.wang) == []
        nothing = await harness.slash(harness.moderator, "guidance undo-import")
    assert nothing.response_text == "There is no import to undo."


async def test_undo_import_command_removes_exactly_the_last_batch(harness: Harness) -> None:
    async with harness.running():
        for filename, data in (("first.txt", "草泥马河蟹\n"), ("second.txt", "法克鱿\n")):
            upload = harness.double.world.make_attachment(harness.general.id, filename, data.encode())
            handle = await harness.slash(harness.moderator, "guidance import", file=upload)
            await handle.wait_text()
            confirm = await harness.double.click_button(harness.moderator, handle.message, buttons(handle.message)["Import terms (1)"])
            await confirm.wait_response()
        undone = await harness.slash(harness.moderator, "guidance undo-import")
        assert undone.response_text == "Import from second.txt undone; terms removed: 1."
        check = await harness.slash(harness.moderator, "guidance check", text="草泥马河蟹 法克鱿")
    assert "“草泥马河蟹”" in check.response_text and "法克鱿" not in check.response_text


async def test_only_the_moderator_who_imported_can_confirm(harness: Harness) -> None:
    async with harness.running():
        upload = harness.double.world.make_attachment(harness.general.id, "list.txt", "草泥马河蟹\n".encode())
        handle = await harness.slash(harness.moderator, "guidance import", file=upload)
        await handle.wait_text()
        other = await harness.double.click_button(harness.alice, handle.message, buttons(handle.message)["Import terms (1)"])
        await other.wait_response()
    assert other.ephemeral and "Only the moderator who started this import" in other.response_text


@pytest.mark.parametrize(("command", "options"), [
    ("guidance mode", {"mode": "reply"}),
    ("guidance category", {"name": "covid", "enabled": False}),
    ("guidance add", {"term": "河蟹社会", "explanation_en": "x", "explanation_zh": "x"}),
    ("guidance remove", {"term": "河蟹社会"}),
    ("guidance import", None),
    ("guidance undo-import", {}),
])
async def test_moderator_commands_refuse_everyone_else(harness: Harness, command: str, options) -> None:
    if options is None:
        options = {"file": harness.double.world.make_attachment(harness.general.id, "list.txt", "草泥马河蟹\n".encode())}
    async with harness.running():
        handle = await harness.slash(harness.alice, command, **options)
        check = await harness.slash(harness.alice, "guidance check", text="河蟹社会")
        state = await harness.cog.store.guild(harness.guild.id)
    assert handle.ephemeral and handle.response_text == NOT_MODERATOR
    assert state.mode == "dm" and state.config.is_default
    assert check.response_text == "Nothing in this text would get a note from Qiao."
