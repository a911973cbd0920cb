"""Threads across the bridge, end to end: the real bot against the Discord double.

A public thread started in a linked channel gets a partner thread in the partner channel (on the
copy of its starter message, or on its own), named in translation; messages in either thread are
relayed into the other and never into the parent channels; renames, archiving and locking are
mirrored; private threads are never mirrored nor translated; the pairing survives a restart."""

from __future__ import annotations

import re

from bot.bridge.deliver.pacing import PacingLimits, WindowLimit
from discord_double.state import PUBLIC_THREAD
from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.translation.fake_servers import Fault

NUMBERED = re.compile(r"\bt(\d+) ")
UNAVAILABLE = Fault(503, {"error": {"code": 503000, "message": "The service is temporarily unavailable. Retry."}},
                    {"Retry-After": "1"})


def threads_in(harness: Harness, channel) -> list:
    return sorted((c for c in harness.double.world.channels.values() if c.is_thread and c.parent_id == channel.id),
                  key=lambda c: c.id)


async def partner_of(harness: Harness, channel, timeout: float = 10.0):
    """The thread Qiao opened in `channel`."""
    bot_id = harness.double.bot_user.id
    return await harness.double.wait_for(
        lambda: next((t for t in threads_in(harness, channel) if t.owner_id == bot_id), None), timeout)


def relayed(harness: Harness, channel) -> list:
    return [view for view in harness.double.view(channel) if view.by_webhook]


def numbers(harness: Harness, channel) -> list[int]:
    return [int(n) for view in relayed(harness, channel) for n in NUMBERED.findall(view.content)]


async def test_a_thread_on_a_message_gets_its_partner_on_the_copy_named_in_translation(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        starter = await double.post(harness.alice, harness.english, "Weekend plans?")
        [starter_copy] = await harness.copies(harness.chinese)
        thread = await double.create_thread(harness.alice, harness.english, "Weekend plans", message=starter)
        partner = await partner_of(harness, harness.chinese)
        assert partner.id == starter_copy.id  # on the copy of the starter message
        assert partner.name == "〔译〕Weekend plans" and partner.type == PUBLIC_THREAD

        await double.post(harness.alice, thread, "Who is coming on Saturday?")
        [copy] = await harness.copies(partner)
        assert copy.author == "Ally" and "abc123" in copy.avatar_url
        assert copy.content.startswith("〔译〕Who is coming on Saturday?")
        await double.post(harness.wang, partner, ZH_SAMPLE)
        [back] = await harness.copies(thread)
        assert back.author == "王伟" and back.content.startswith(f"[en] {ZH_SAMPLE}")
        # never into the parent channels: each holds only the starter and its copy
        assert [v.content for v in double.view(harness.english)] == ["Weekend plans?"]
        assert len(relayed(harness, harness.chinese)) == 1


async def test_a_thread_started_alone_gets_a_partner_started_alone(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        thread = await double.create_thread(harness.wang, harness.chinese, "周末计划")
        partner = await partner_of(harness, harness.english)
        assert partner.name == "[en] 周末计划"
        # Discord's "started a thread" notice in the parent, pointing at the partner; nothing relayed
        notices = [m for m in double.messages_in(harness.english) if m.type == 18]
        assert [m.system_reference["channel_id"] for m in notices] == [str(partner.id)]
        assert not relayed(harness, harness.english) and not relayed(harness, harness.chinese)
        await double.post(harness.wang, thread, ZH_SAMPLE)
        [copy] = await harness.copies(partner)
        assert copy.content.startswith(f"[en] {ZH_SAMPLE}")


async def test_messages_posted_as_the_thread_opens_are_neither_lost_doubled_nor_reordered(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        starter = await double.post(harness.alice, harness.english, "t0 the starter message")
        # the thread and its first messages arrive before the starter's copy is even posted
        thread = await double.create_thread(harness.alice, harness.english, "Surge", message=starter)
        for number in range(1, 21):
            await double.post(harness.alice, thread, f"t{number} quick message")
        partner = await partner_of(harness, harness.chinese)
        await double.wait_for(lambda: len(numbers(harness, partner)) >= 20, timeout=15)
        got = numbers(harness, partner)
        assert sorted(got) == list(range(1, 21)), f"lost {set(range(1, 21)) - set(got)}, doubled {len(got) - len(set(got))}"
        assert got == sorted(got), "out of order"
        assert numbers(harness, harness.chinese) == [0] and partner.id == relayed(harness, harness.chinese)[0].id


async def test_edits_deletes_replies_attachments_and_no_pings_inside_threads(harness: Harness) -> None:
    double = harness.double
    role = double.create_role(harness.guild, "everyone-ish", mentionable=True)
    async with harness.running():
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Plans")
        partner = await partner_of(harness, harness.chinese)
        first = await double.post(harness.alice, thread, "First version", attachments=[("cat.png", b"png", "image/png")])
        [copy] = await harness.copies(partner)
        assert "cat.png" in copy.content
        await double.edit(first, "Second version")
        await double.wait_for(lambda: "Second version" in relayed(harness, partner)[0].content)
        reply = await double.post(harness.wang, partner, ZH_SAMPLE, reply_to=double.world.messages[copy.id])
        [back] = await harness.copies(thread)
        assert f"/{thread.id}/{first.id}" in back.content  # the reply points at the original in this thread
        loud = await double.post(harness.alice, thread, "@everyone look", mentions=[role])
        await harness.copies(partner, 2)
        pinged = [v for v in relayed(harness, partner) if "look" in v.content]
        assert pinged and not pinged[0].pinged_everyone and not pinged[0].pinged_roles and not pinged[0].notified_user_ids
        await double.delete(first)
        await double.wait_for(lambda: len(relayed(harness, partner)) == 1)
        await double.delete(loud)
        await double.delete(reply)
        await double.wait_for(lambda: not relayed(harness, partner) and not relayed(harness, thread))


async def test_rename_archive_lock_and_unarchive_are_mirrored(harness: Harness) -> None:
    double = harness.double
    moderators = double.create_role(harness.guild, "thread mods", permissions=["manage_threads"])
    double.give_role(harness.moderator, moderators)
    async with harness.running():
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Old name")
        partner = await partner_of(harness, harness.chinese)
        await double.post(harness.alice, thread, "before archiving")
        await double.edit_thread(harness.alice, thread, name="New name")
        await double.wait_for(lambda: partner.name == "〔译〕New name")
        await double.edit_thread(harness.alice, thread, archived=True)
        await double.wait_for(lambda: partner.archived)
        # the copy queued before the archive went in first
        assert [v.content.splitlines()[0] for v in relayed(harness, partner)] == ["〔译〕before archiving"]
        await double.edit_thread(harness.moderator, thread, archived=False)
        await double.edit_thread(harness.moderator, thread, locked=True)
        await double.wait_for(lambda: partner.locked and not partner.archived)
        # a rename on the partner side comes back translated; no ping-pong of renames
        await double.edit_thread(harness.moderator, partner, name="新名字")
        await double.wait_for(lambda: thread.name == "[en] 新名字")
        await double.post(harness.alice, thread, "settled")
        await harness.copies(partner, 2)
        assert (thread.name, partner.name) == ("[en] 新名字", "新名字")
        renames = [e for e, d in double.events if e == "THREAD_UPDATE" and d["name"] in ("新名字", "[en] 新名字")]
        assert len(renames) == 2


async def test_a_private_thread_is_never_mirrored_and_its_text_never_reaches_the_provider(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        # The bot has Manage Threads (a moderator bot): Discord shows it the private thread.
        secret = await double.create_thread(harness.alice, harness.english, "secret plans", private=True)
        await double.post(harness.alice, secret, "the surprise party is on Friday")
        await double.edit(double.messages_in(secret)[-1], "the surprise party is on Saturday")
        public = await double.create_thread(harness.alice, harness.english, "open plans")
        await double.post(harness.alice, public, "marker message")
        partner = await partner_of(harness, harness.chinese)
        await harness.copies(partner)
        assert [t.name for t in threads_in(harness, harness.chinese)] == ["〔译〕open plans"]
        sent = b" ".join(request.body for request in harness.translator.requests)
        assert b"surprise" not in sent and b"secret" not in sent
        assert b"marker message" in sent  # the provider was reached for the public thread
        assert not relayed(harness, secret)


async def test_a_pairing_survives_a_restart_between_the_thread_and_its_next_message(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Across restarts")
        partner = await partner_of(harness, harness.chinese)
    async with harness.running():
        await double.post(harness.alice, thread, "after the restart")
        [copy] = await harness.copies(partner)
        assert copy.content.startswith("〔译〕after the restart")
        assert len(threads_in(harness, harness.chinese)) == 1


async def test_a_thread_started_while_the_bot_was_away_is_opened_and_caught_up(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
    starter = await double.post(harness.alice, harness.english, "t0 while away")
    thread = await double.create_thread(harness.alice, harness.english, "Missed", message=starter)
    for number in range(1, 6):
        await double.post(harness.alice, thread, f"t{number} missed message")
    async with harness.running():
        partner = await partner_of(harness, harness.chinese, timeout=15)
        await double.wait_for(lambda: len(numbers(harness, partner)) >= 5, timeout=15)
        assert numbers(harness, partner) == [1, 2, 3, 4, 5]
        assert partner.id == relayed(harness, harness.chinese)[0].id  # on the late copy of the starter
        await double.post(harness.alice, thread, "t6 live again")
        await double.wait_for(lambda: numbers(harness, partner) == [1, 2, 3, 4, 5, 6], timeout=10)


async def test_a_thread_in_a_mixed_channel_gets_translations_under_each_message(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        handle = await double.invoke_slash(harness.moderator, "bridge mixed", channel=harness.general,
                                           options={"channel": harness.general})
        await handle.wait_response()
        thread = await double.create_thread(harness.alice, harness.general, "Mixed talk")
        original = await double.post(harness.alice, thread, "Hello friends")
        [copy] = await harness.copies(thread)
        assert copy.id > original.id and copy.content.startswith("〔译〕Hello friends")
        await double.post(harness.wang, thread, ZH_SAMPLE)
        await harness.copies(thread, 2)
        assert len(threads_in(harness, harness.general)) == 1 and not relayed(harness, harness.general)


async def test_a_surge_in_a_thread_under_rate_limits_is_coalesced_without_loss(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        bot.bridge_relay.engine.set_pacing(PacingLimits(per_webhook=WindowLimit(1, 1.0), per_channel=WindowLimit(30, 60.0),
                                                        burst=1, target_lag=0.5))
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Busy")
        partner = await partner_of(harness, harness.chinese)
        for number in range(30):
            await double.post(harness.alice, thread, f"t{number} burst")
        await double.wait_for(lambda: len(numbers(harness, partner)) >= 30, timeout=30)
        got = numbers(harness, partner)
        assert sorted(got) == list(range(30)) and got == sorted(got)
        assert len(relayed(harness, partner)) < 30  # combined posts under the pacing


async def copy_left_untranslated_in_a_thread(harness: Harness):
    """A linked thread, its partner, and the copy a provider outage left untranslated there (the
    provider still down)."""
    thread = await harness.double.create_thread(harness.alice, harness.english, "Outage")
    partner = await partner_of(harness, harness.chinese)
    harness.translator.fail_always(UNAVAILABLE)
    await harness.double.post(harness.alice, thread, "during the outage")
    [copy] = await harness.copies(partner)
    assert "translation unavailable" in copy.content
    return thread, partner, copy


async def test_a_copy_left_untranslated_in_a_thread_is_filled_in_after_the_outage(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        _, partner, copy = await copy_left_untranslated_in_a_thread(harness)
        harness.translator.recover()
        await double.wait_for(lambda: relayed(harness, partner)[0].content.startswith("〔译〕during the outage"), timeout=15)
        assert [v.id for v in relayed(harness, partner)] == [copy.id]


async def test_a_fill_in_reaches_a_copy_in_threads_archived_since_and_leaves_both_archived(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        thread, partner, copy = await copy_left_untranslated_in_a_thread(harness)
        # The conversation ends and the threads archive (Discord refuses to edit inside: 50083).
        await double.edit_thread(harness.alice, thread, archived=True)
        await double.wait_for(lambda: partner.archived)
        harness.translator.recover()
        await double.wait_for(lambda: relayed(harness, partner)[0].content.startswith("〔译〕during the outage"), timeout=15)
        await double.wait_for(lambda: partner.archived)
        assert thread.archived and [v.id for v in relayed(harness, partner)] == [copy.id]
        # Unarchived for the edit and archived again by Qiao, neither change mirrored to the thread.
        states = [d["thread_metadata"]["archived"] for e, d in double.events if e == "THREAD_UPDATE" and d["id"] == str(partner.id)]
        assert states[-2:] == [False, True]
        assert [d["thread_metadata"]["archived"] for e, d in double.events
                if e == "THREAD_UPDATE" and d["id"] == str(thread.id)] == [True]


async def test_a_deleted_message_takes_its_copy_out_of_a_partner_thread_archived_while_the_bot_was_away(
    harness: Harness,
) -> None:
    double = harness.double
    double.give_role(harness.moderator, double.create_role(harness.guild, "thread mods", permissions=["manage_threads"]))
    async with harness.running():
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Plans")
        partner = await partner_of(harness, harness.chinese)
        original = await double.post(harness.alice, thread, "delete me later")
        await harness.copies(partner)
    await double.edit_thread(harness.moderator, partner, archived=True)  # archived while Qiao was away
    async with harness.running():
        await double.delete(original)
        await double.wait_for(lambda: not relayed(harness, partner))
        await double.wait_for(lambda: partner.archived)
        assert not thread.archived


async def test_a_deleted_thread_leaves_its_pairing_and_its_partner_keeps_what_it_holds(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Short-lived")
        partner = await partner_of(harness, harness.chinese)
        await double.post(harness.alice, thread, "kept on the other side")
        await harness.copies(partner)
        await double.delete_thread(thread)
        store = bot.bridge_relay.store
        await double.wait_for(lambda: not store.threads.is_paired(thread.id))
        assert store.bridge_of_cached(partner.id) is None  # nothing left to relay it into
        await double.post(harness.wang, partner, ZH_SAMPLE)
        await double.post(harness.alice, harness.english, "still linked")
        await double.wait_for(lambda: any("still linked" in v.content for v in relayed(harness, harness.chinese)))
        assert [v.content.splitlines()[0] for v in relayed(harness, partner)] == ["〔译〕kept on the other side"]
        assert not relayed(harness, harness.english)  # nothing from the unpaired partner went anywhere
        assert not [v for v in double.view(harness.general) if v.is_bot]  # no "channel deleted" notice


async def test_a_partner_thread_that_cannot_be_opened_is_reported_once_and_nothing_leaks_into_the_parent(harness: Harness) -> None:
    double = harness.double
    double.set_bot_permissions(harness.chinese, deny=["create_public_threads"])
    async with harness.running() as bot:
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        await harness.link()
        first = await double.create_thread(harness.alice, harness.english, "Nowhere to go")
        await double.post(harness.alice, first, "t1 inside")
        second = await double.create_thread(harness.alice, harness.english, "Still nowhere")
        await double.post(harness.alice, second, "t2 inside")
        notice = await double.wait_for_message(harness.general, lambda v: "Create Public Threads" in v.content, timeout=10)
        assert "创建公开子区" in notice.content and f"<#{harness.chinese.id}>" in notice.content
        await double.post(harness.alice, harness.english, "t3 in the channel")
        await double.wait_for(lambda: numbers(harness, harness.chinese) == [3])
        assert not threads_in(harness, harness.chinese)
        assert not bot.bridge_relay.store.threads.is_paired(first.id)
        assert len([v for v in double.view(harness.general) if "Create Public Threads" in v.content]) == 1


async def test_a_thread_on_a_message_whose_copy_waits_in_a_surge_opens_on_that_copy_alone(harness: Harness) -> None:
    double = harness.double
    async with harness.running() as bot:
        bot.bridge_relay.engine.set_pacing(PacingLimits(per_webhook=WindowLimit(1, 1.0), per_channel=WindowLimit(30, 60.0),
                                                        burst=1, target_lag=0.5))
        await harness.link()
        posted = [await double.post(harness.alice, harness.english, f"t{number} busy channel") for number in range(12)]
        # started on a message whose copy is still queued (it would go out combined with others)
        thread = await double.create_thread(harness.alice, harness.english, "On a busy message", message=posted[8])
        await double.post(harness.alice, thread, "t99 inside")
        partner = await partner_of(harness, harness.chinese, timeout=30)
        copy = double.world.messages[partner.id]
        assert copy.channel_id == harness.chinese.id and NUMBERED.findall(copy.content) == ["8"]
        await double.wait_for(lambda: sorted(numbers(harness, harness.chinese)) == list(range(12)), timeout=30)
        assert numbers(harness, harness.chinese) == list(range(12))
        assert any(view.author == "Qiao · 多人" for view in relayed(harness, harness.chinese))  # the others combined
        await double.wait_for(lambda: numbers(harness, partner) == [99], timeout=10)


async def test_a_message_in_the_partner_thread_right_as_it_opens_is_relayed_back(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        # slow the pairing's answer: someone writes in the partner before Qiao hears it was created
        double.faults.delay("POST /channels/*/threads", 0.5, after_processing=True)
        thread = await double.create_thread(harness.alice, harness.english, "Fast replies")
        partner = await partner_of(harness, harness.chinese)
        await double.post(harness.wang, partner, ZH_SAMPLE)
        [back] = await harness.copies(thread, timeout=10)
        assert back.content.startswith(f"[en] {ZH_SAMPLE}")


async def test_messages_posted_in_a_paired_thread_while_the_bot_was_away_are_caught_up_in_order(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        thread = await double.create_thread(harness.alice, harness.english, "Away")
        partner = await partner_of(harness, harness.chinese)
        await double.post(harness.alice, thread, "t0 before")
        await harness.copies(partner)
    for number in range(1, 6):
        await double.post(harness.alice, thread, f"t{number} while away")
    async with harness.running():
        await double.wait_for(lambda: len(numbers(harness, partner)) >= 6, timeout=15)
        await double.post(harness.alice, thread, "t6 back")
        await double.wait_for(lambda: len(numbers(harness, partner)) >= 7, timeout=10)
        assert numbers(harness, partner) == list(range(7))
        assert all("⏱" in v.content for v in relayed(harness, partner)[1:6])  # marked late
        assert len(threads_in(harness, harness.chinese)) == 1


async def test_a_thread_started_on_a_copy_gets_its_partner_on_the_original(harness: Harness) -> None:
    double = harness.double
    async with harness.running():
        await harness.link()
        original = await double.post(harness.alice, harness.english, "What do you eat for breakfast?")
        [copy] = await harness.copies(harness.chinese)
        thread = await double.create_thread(harness.wang, harness.chinese, "早餐", message=double.world.messages[copy.id])
        partner = await partner_of(harness, harness.english)
        assert partner.id == original.id and partner.name == "[en] 早餐"
        await double.post(harness.wang, thread, ZH_SAMPLE)
        [back] = await harness.copies(partner)
        assert back.content.startswith(f"[en] {ZH_SAMPLE}")


async def refused_its_partner_then_allowed(harness: Harness, cog):
    """A thread whose partner Discord refused (no Create Public Threads); then the permission is back."""
    double = harness.double
    thread = await double.create_thread(harness.alice, harness.english, "Try again")
    await double.post(harness.alice, thread, "t1 not mirrored")
    await double.wait_for(lambda: any(r.status == 403 for r in double.requests_to("POST", "/channels/*/threads")))
    double.set_bot_permissions(harness.chinese, allow=["create_public_threads"])
    cog.retry_opening_seconds = 0
    return thread


async def test_a_message_arriving_while_a_refused_partner_is_still_being_given_up_opens_it_once_the_permission_is_back(
    harness: Harness,
) -> None:
    """Discord has refused the partner thread and the permission is back, but the refused try has
    not ended yet (its notice to the moderators is on its way) when the next message comes: that
    message must not share the failing try's fate."""
    double = harness.double
    double.set_bot_permissions(harness.chinese, deny=["create_public_threads"])
    async with harness.running() as bot:
        cog = bot.get_cog("BridgeCog")
        await harness.link()
        await bot.guild_config.update(harness.guild.id, log_channel_id=harness.general.id)
        notice = double.faults.hold("POST /channels/*/messages")  # the moderator notice, unanswered until released
        thread = await refused_its_partner_then_allowed(harness, cog)
        await double.post(harness.alice, thread, "t2 after the fix")
        assert cog.is_relayed_space(thread.id)  # held: the refused try has not ended yet
        notice.release()
        partner = await partner_of(harness, harness.chinese)
        await double.wait_for(lambda: numbers(harness, partner) == [2], timeout=10)
        assert partner.name == "〔译〕Try again"


async def test_a_thread_whose_partner_could_not_be_opened_gets_it_on_a_message_once_the_permission_is_back(harness: Harness) -> None:
    double = harness.double
    double.set_bot_permissions(harness.chinese, deny=["create_public_threads"])
    async with harness.running() as bot:
        cog = bot.get_cog("BridgeCog")
        await harness.link()
        thread = await refused_its_partner_then_allowed(harness, cog)
        await double.post(harness.alice, thread, "t2 after the fix")
        partner = await partner_of(harness, harness.chinese)
        await double.wait_for(lambda: numbers(harness, partner) == [2], timeout=10)
        assert partner.name == "〔译〕Try again"
