"""Sharding as Discord does it: GET /gateway/bot's count, IDENTIFY's [id, count], and every server's
events (READY's list, messages, interactions) only on the shard (guild_id >> 22) % count; DMs on shard 0."""

from __future__ import annotations

import json
from collections import Counter

import aiohttp
import discord
import pytest
from discord.ext import commands

from discord_double import DiscordDouble, run_client
from discord_double.gateway import HELLO, IDENTIFY


class QuickShardedBot(commands.AutoShardedBot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between its shards' IDENTIFYs (Discord's max_concurrency 1); the double needs no wait."""


def sharded_bot(**options) -> commands.AutoShardedBot:
    intents = discord.Intents.default()
    intents.message_content = True
    intents.members = True
    return QuickShardedBot(command_prefix="!", intents=intents, guild_ready_timeout=0.05, **options)


def heard(bot: commands.Bot) -> list[tuple[int, str]]:
    """(shard id, content) of every message the bot is told about."""
    messages: list[tuple[int, str]] = []

    @bot.listen()
    async def on_message(message: discord.Message) -> None:
        messages.append((message.guild.shard_id if message.guild else -1, message.content))

    return messages


async def test_auto_sharded_bot_takes_the_recommended_count_and_each_server_arrives_on_its_shard() -> None:
    async with DiscordDouble(shards=3) as double:
        guilds = [double.create_guild(f"Server {n}", shard=n % 3) for n in range(6)]
        async with run_client(sharded_bot(), double) as bot:
            assert bot.shard_count == 3
            assert sorted(bot.shards) == [0, 1, 2]
            assert {guild.id: bot.get_guild(guild.id).shard_id for guild in guilds} == {
                guild.id: n % 3 for n, guild in enumerate(guilds)
            }
        identified = [payload["d"]["shard"] for payload in double.gateway.received if payload.get("op") == IDENTIFY]
        assert sorted(identified) == [[0, 3], [1, 3], [2, 3]]
        ready_guilds = {
            tuple(session.identify["shard"]): sorted(int(g["id"]) for g in _ready_of(double, session)["guilds"])
            for session in double.gateway.sessions.values()
        }
        for shard_id in range(3):
            assert ready_guilds[(shard_id, 3)] == sorted(g.id for n, g in enumerate(guilds) if n % 3 == shard_id)
    assert not double.server_errors


def _ready_of(double: DiscordDouble, session) -> dict:
    return next(frame["d"] for frame in session.buffer if frame["t"] == "READY")


async def test_two_processes_with_shard_ranges_each_hear_only_their_servers() -> None:
    async with DiscordDouble(shards=2) as double:
        first = double.create_guild("First", shard=0)
        second = double.create_guild("Second", shard=1)
        first_channel = double.create_channel(first, "general")
        second_channel = double.create_channel(second, "general")
        ana = double.add_member(first, "ana")
        ana_in_second = double.add_member(second, "ana", user=ana.user)
        zero, one = sharded_bot(shard_ids=[0], shard_count=2), sharded_bot(shard_ids=[1], shard_count=2)
        heard_zero, heard_one = heard(zero), heard(one)
        async with run_client(zero, double), run_client(one, double):
            assert [g.id for g in zero.guilds] == [first.id]
            assert [g.id for g in one.guilds] == [second.id]
            await double.post(ana, first_channel, "in the first")
            await double.post(ana_in_second, second_channel, "in the second")
            await double.dm(ana, "a DM")
            await double.post(ana, first_channel, "last")
            await double.post(ana_in_second, second_channel, "last")
            await double.wait_for(lambda: (0, "last") in heard_zero and (1, "last") in heard_one, timeout=10)
        # -1: no server (the DM), which Discord sends on shard 0 only.
        assert heard_zero == [(0, "in the first"), (-1, "a DM"), (0, "last")]
        assert heard_one == [(1, "in the second"), (1, "last")]
    assert not double.server_errors


async def test_interactions_reach_only_the_owning_shard() -> None:
    async with DiscordDouble(shards=2) as double:
        first = double.create_guild("First", shard=0)
        second = double.create_guild("Second", shard=1)
        channels = {first.id: double.create_channel(first, "general"), second.id: double.create_channel(second, "general")}
        members = {first.id: double.add_member(first, "ana"), second.id: double.add_member(second, "ben")}
        answered: Counter[tuple[int, int]] = Counter()
        bots = []
        for shard_id in (0, 1):
            bot = sharded_bot(shard_ids=[shard_id], shard_count=2)

            @bot.tree.command(name="where")
            async def where(interaction: discord.Interaction, shard_id: int = shard_id) -> None:
                answered[(shard_id, interaction.guild_id)] += 1
                await interaction.response.send_message(f"shard {shard_id}")

            bots.append(bot)
        async with run_client(bots[0], double), run_client(bots[1], double):
            texts = {}
            for guild in (first, second):
                handle = await double.invoke_slash(members[guild.id], "where", channel=channels[guild.id])
                texts[guild.id] = await handle.wait_text()
        assert texts == {first.id: "shard 0", second.id: "shard 1"}
        assert answered == Counter({(0, first.id): 1, (1, second.id): 1})
    assert not double.server_errors


async def test_a_server_created_while_connected_reaches_only_its_shard() -> None:
    async with DiscordDouble(shards=2) as double:
        double.create_guild("Already there", shard=0)
        zero, one = sharded_bot(shard_ids=[0], shard_count=2), sharded_bot(shard_ids=[1], shard_count=2)
        async with run_client(zero, double), run_client(one, double):
            new = double.create_guild("New", shard=1)
            await double.wait_for(lambda: one.get_guild(new.id) is not None, timeout=10)
            assert zero.get_guild(new.id) is None
        sent = {
            session.shard_id: [int(frame["d"]["id"]) for frame in session.buffer if frame["t"] == "GUILD_CREATE"]
            for session in double.gateway.sessions.values()
        }
        assert new.id in sent[1] and new.id not in sent[0]


async def _identify_raw(double: DiscordDouble, shard: object) -> tuple[int | None, list[dict]]:
    """IDENTIFY with `shard` (left out when None) over a bare websocket: the close code and frames received."""
    frames: list[dict] = []
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{double.gateway_url}?v=10&encoding=json") as ws:
        hello = json.loads((await ws.receive(timeout=5)).data)
        assert hello["op"] == HELLO
        data = {"token": double.token, "intents": 1, "properties": {}}
        if shard is not None:
            data["shard"] = shard
        await ws.send_json({"op": IDENTIFY, "d": data})
        while True:
            message = await ws.receive(timeout=5)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return ws.close_code, frames
            frames.append(json.loads(message.data))
            if frames[-1].get("t") == "READY":
                return None, frames


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], "0,1", [0.0, 1]], ids=repr)
async def test_a_bad_shard_in_identify_is_closed_with_invalid_shard(shard) -> None:
    async with DiscordDouble(shards=2) as double:
        code, frames = await _identify_raw(double, shard)
    assert code == 4010
    assert frames == []


async def test_sharding_required_closes_an_unsharded_identify_with_4011_and_accepts_enough_shards() -> None:
    async with DiscordDouble(shards=2, sharding_required=True) as double:
        guild = double.create_guild("Big", shard=1)
        assert (await _identify_raw(double, None))[0] == 4011
        assert (await _identify_raw(double, [0, 1]))[0] == 4011
        code, frames = await _identify_raw(double, [1, 2])
    assert code is None
    ready = frames[-1]["d"]
    assert ready["shard"] == [1, 2]
    assert [g["id"] for g in ready["guilds"]] == [str(guild.id)]


async def test_gateway_bot_recommends_the_configured_count() -> None:
    async with DiscordDouble(shards=5) as double, aiohttp.ClientSession() as http:
        async with http.get(f"{double.api_base_url}/gateway/bot", headers={"Authorization": f"Bot {double.token}"}) as response:
            body = await response.json()
    assert body["shards"] == 5
    assert body["url"] == double.gateway_url


async def test_a_plain_client_still_gets_everything_on_one_shard() -> None:
    async with DiscordDouble(shards=4) as double:
        guilds = [double.create_guild(f"S{n}", shard=n) for n in range(4)]
        intents = discord.Intents.default()
        bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
        async with run_client(bot, double):
            assert sorted(g.id for g in bot.guilds) == sorted(g.id for g in guilds)
        assert "shard" not in next(p for p in double.gateway.received if p.get("op") == IDENTIFY)["d"]


def test_create_guild_routes_ids_to_the_asked_shard() -> None:
    double = DiscordDouble(shards=7)
    for n in range(30):
        guild = double.create_guild(f"S{n}", shard=n % 7)
        assert (guild.id >> 22) % 7 == n % 7
    with pytest.raises(ValueError):
        double.create_guild("Out of range", shard=7)
