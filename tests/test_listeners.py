"""Listeners for people's messages are not started for a bot's or a webhook's message, and Qiao's
own copies are not read back while nothing listens for them."""

from __future__ import annotations

import asyncio
import contextlib
from types import SimpleNamespace

import discord
from discord.ext import commands

from bot.client import QiaoBot
from bot.listeners import MessageListeners, not_for_own_copies, only_if, people_only, posted_by_a_person
from discord_double import DiscordDouble, run_client


class Bot(MessageListeners, commands.Bot):
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


class Listening(MessageListeners, commands.Bot):
    """A bot on the double whose `on_message` listeners are all marked, as Qiao's are."""

    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix=[], intents=intents, guild_ready_timeout=0.05)
        self.own_webhook_ids: set[int] = set()
        self.people: list[discord.Message] = []

    @people_only
    async def on_message(self, message: discord.Message) -> None:
        self.people.append(message)


async def test_qiaos_own_copies_are_not_read_back_while_no_listener_wants_them(discord_double: DiscordDouble) -> None:
    guild = discord_double.create_guild("Copies")
    channel = discord_double.create_channel(guild, "general")
    alice = discord_double.add_member(guild, "alice")
    bot = Listening()
    async with run_client(bot, discord_double):
        webhook = await bot.get_channel(channel.id).create_webhook(name="Qiao bridge")
        bot.own_webhook_ids.add(webhook.id)
        other = await bot.get_channel(channel.id).create_webhook(name="another bot's")

        copy = await webhook.send("a copy", wait=True)
        await discord_double.wait_for(lambda: bot.get_channel(channel.id).last_message_id == copy.id)
        person = await discord_double.post(alice, channel, "hello")
        await discord_double.wait_for(lambda: [m.id for m in bot.people] == [person.id])
        foreign = await other.send("not ours", wait=True)
        await discord_double.wait_for(lambda: bot.get_channel(channel.id).last_message_id == foreign.id)
        await discord_double.wait_for(lambda: foreign.id in {m.id for m in bot.cached_messages})
        # The copy was never built into a message; the person's and the other webhook's were.
        assert copy.id not in {m.id for m in bot.cached_messages}
        assert person.id in {m.id for m in bot.cached_messages}

        # Something waiting for a message reads the copies again …
        waiting = asyncio.create_task(bot.wait_for("message", check=lambda m: m.webhook_id == webhook.id))
        await asyncio.sleep(0)
        second = await webhook.send("a copy someone waits for", wait=True)
        assert (await asyncio.wait_for(waiting, 5)).id == second.id

        # … and so does an `on_message` listener that is not marked.
        heard: list[int] = []

        async def everything(message: discord.Message) -> None:
            heard.append(message.id)

        bot.add_listener(everything, "on_message")
        third = await webhook.send("a copy a plugin reads", wait=True)
        await discord_double.wait_for(lambda: third.id in heard)
        assert third.id in {m.id for m in bot.cached_messages}


async def test_the_bots_own_prefix_command_listener_gets_no_task_without_prefix_commands() -> None:
    bot = QiaoBot.__new__(QiaoBot)  # only its scheduling: no database nor settings
    commands.Bot.__init__(bot, command_prefix=[], help_command=None, intents=discord.Intents.default())
    bot.own_webhook_ids = set()
    bot.loop = asyncio.get_running_loop()
    person = SimpleNamespace(webhook_id=None, author=SimpleNamespace(bot=False))
    assert bot._schedule_event(bot.on_message, "on_message", person) is None

    @commands.command()
    async def ping(ctx) -> None:
        pass

    bot.add_command(ping)
    task = bot._schedule_event(bot.on_message, "on_message", person)
    assert isinstance(task, asyncio.Task) and task.get_name() == "discord.py: on_message"
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_listener_whose_cog_can_tell_a_message_is_not_for_it_gets_no_task() -> None:
    bot = Bot(command_prefix=[], intents=discord.Intents.none())
    bot.loop = asyncio.get_running_loop()

    class Rooms(commands.Cog):
        def __init__(self) -> None:
            self.rooms = {5}
            self.heard: list[int] = []
            self.asked: list[tuple[object, int]] = []

        def wants(self, message) -> bool:
            self.asked.append((self, message.channel.id))
            return message.channel.id in self.rooms

        @commands.Cog.listener()
        @people_only
        @only_if(lambda cog, message: cog.wants(message))
        async def on_message(self, message) -> None:
            self.heard.append(message.channel.id)

    cog = Rooms()
    await bot.add_cog(cog)
    in_a_room, elsewhere = (SimpleNamespace(webhook_id=None, author=SimpleNamespace(bot=False),
                                            channel=SimpleNamespace(id=channel)) for channel in (5, 6))
    started_before = len(asyncio.all_tasks())
    bot.dispatch("message", elsewhere)
    assert len(asyncio.all_tasks()) == started_before + 1  # the bot's own on_message only: none for the cog
    bot.dispatch("message", in_a_room)
    await asyncio.sleep(0.05)
    assert cog.heard == [5] and cog.asked == [(cog, 6), (cog, 5)]
