"""Listeners for people's messages are not started for a bot's or a webhook's message."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import discord
from discord.ext import commands

from bot.listeners import PeopleOnlyListeners, not_for_own_copies, people_only, posted_by_a_person


class Bot(PeopleOnlyListeners, commands.Bot):
    own_webhook_ids = {7}

    @people_only  # as QiaoBot's: no prefix commands
    async def on_message(self, message) -> None:
        pass


def message(*, webhook_id: int | None = None, bot: bool = False) -> SimpleNamespace:
    return SimpleNamespace(webhook_id=webhook_id, author=SimpleNamespace(bot=bot))


async def test_a_people_only_listener_gets_people_messages_and_no_task_for_bots_or_webhooks() -> None:
    bot = Bot(command_prefix=[], intents=discord.Intents.none())
    bot.loop = asyncio.get_running_loop()
    heard: dict[str, list] = {"people": [], "all": [], "edits": []}

    @people_only
    async def people(seen) -> None:
        heard["people"].append(seen)

    async def everything(seen) -> None:
        heard["all"].append(seen)

    @people_only
    async def edits(seen) -> None:  # marked, but another event: never filtered
        heard["edits"].append(seen)

    bot.add_listener(people, "on_message")
    bot.add_listener(everything, "on_message")
    bot.add_listener(edits, "on_message_edit")
    person, webhook, other_bot = message(), message(webhook_id=5), message(bot=True)
    started_before = len(asyncio.all_tasks())
    for seen in (webhook, other_bot):
        bot.dispatch("message", seen)
    # One task each, for the unmarked listener: none for `people` nor the bot's own on_message.
    assert len(asyncio.all_tasks()) - started_before == 2
    bot.dispatch("message", person)
    bot.dispatch("message_edit", webhook)
    await asyncio.sleep(0.05)
    assert heard == {"people": [person], "all": [webhook, other_bot, person], "edits": [webhook]}
    assert [posted_by_a_person(m) for m in (person, webhook, other_bot)] == [True, False, False]


async def test_a_listener_not_for_own_copies_gets_everything_but_the_copies_of_qiaos_webhooks() -> None:
    bot = Bot(command_prefix=[], intents=discord.Intents.none())
    bot.loop = asyncio.get_running_loop()
    heard = []

    @not_for_own_copies
    async def bridge(seen) -> None:
        heard.append(seen)

    bot.add_listener(bridge, "on_message")
    person, own_copy, other_webhook, other_bot = message(), message(webhook_id=7), message(webhook_id=5), message(bot=True)
    for seen in (person, own_copy, other_webhook, other_bot):
        bot.dispatch("message", seen)
    await asyncio.sleep(0.05)
    assert heard == [person, other_webhook, other_bot]
