"""Several processes, one bot: servers on different shards run by different `python -m bot` processes,
a cross-server bridge between them, Discord's webhook limits on. Every copy is posted by the process
running the destination's server, once, in order; a process killed with SIGKILL mid-traffic and
started again loses and doubles nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from discord_double import DiscordDouble
from discord_double.ratelimit import RateLimitConfig
from tests.bridge.bot_processes import BotProcess, bot_processes, health, postgres_database, relayed_numbers, wait_until
from tests.translation.fake_servers import FakeMicrosoft

# Two or three bot processes starting on a loaded 2-core machine: more than the suite's default 120 s may pass.
pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]

PER_SECOND = 3  # messages each way
ENGLISH = "Alpha says hello to Beta, this is message number {n}"
CHINESE = "贝塔向阿尔法问好，这是第{n}条消息"
ENGLISH_NUMBER = r"message number (\d+)"
CHINESE_NUMBER = r"第(\d+)条"


class Servers:
    """Alpha (English) and Beta (Chinese) on shards `alpha_shard` and `beta_shard`, a moderator and a member in each."""

    def __init__(self, double: DiscordDouble, alpha_shard: int, beta_shard: int) -> None:
        self.double = double
        self.alpha = double.create_guild("Alpha", shard=alpha_shard)
        self.beta = double.create_guild("Beta", shard=beta_shard, locale="zh-CN")
        self.english = double.create_channel(self.alpha, "english")
        self.chinese = double.create_channel(self.beta, "中文")
        self.ann = double.add_member(self.alpha, "ann", display_name="Ann")
        self.mei = double.add_member(self.beta, "mei", display_name="美")
        self.alpha_moderator = self._moderator(self.alpha, "amod")
        self.beta_moderator = self._moderator(self.beta, "bmod")

    def _moderator(self, guild, name: str):
        member = self.double.add_member(guild, name)
        self.double.give_role(member, self.double.create_role(guild, "Mods", permissions=["manage_guild"]))
        return member

    async def bridge(self, told: BotProcess) -> None:
        """Alpha's #english invites, Beta's channel accepts (each in its own process); `told`, the process
        that did not accept, has heard that the bridge changed before anything is posted."""
        invite = await self.double.invoke_slash(self.alpha_moderator, "bridge invite", channel=self.english,
                                                options={"channel": self.english, "language": "en"})
        text = await invite.wait_text(timeout=30)
        code = text.split("`")[1]
        accept = await self.double.invoke_slash(self.beta_moderator, "bridge accept", channel=self.chinese,
                                                options={"code": code, "channel": self.chinese, "language": "zh"})
        accepted = await accept.wait_text(timeout=30)
        # Beta's process may not have heard of the bridge Alpha's invite created yet: it reads it.
        assert "is now bridged with" in accepted, accepted
        await told.wait_printed("bridges changed .*: 2 bridged channels")

    async def traffic(self, count: int, *, during=None) -> None:
        """`count` messages each way, PER_SECOND a second; `during(n)` is awaited before message n."""
        for n in range(count):
            if during is not None:
                await during(n)
            await self.double.post(self.ann, self.english, ENGLISH.format(n=n))
            await self.double.post(self.mei, self.chinese, CHINESE.format(n=n))
            await asyncio.sleep(1 / PER_SECOND)

    def relayed(self) -> tuple[list[int], list[int]]:
        return (relayed_numbers(self.double, self.chinese, ENGLISH_NUMBER),
                relayed_numbers(self.double, self.english, CHINESE_NUMBER))

    async def wait_all_relayed(self, count: int, *processes: BotProcess) -> tuple[list[int], list[int]]:
        wanted = set(range(count))
        await wait_until(lambda: all(set(numbers) >= wanted for numbers in self.relayed()),
                         f"{count} copies each way", *processes, describe=lambda: f"(so far: {self.relayed()})")
        return self.relayed()

    def rate_limited_share(self) -> float:
        webhook_calls = [r for r in self.double.requests if r.path.startswith("/api/v10/webhooks/")]
        hits = [hit for hit in self.double.ratelimiter.hits if "/webhooks/" in hit.path]
        return len(hits) / max(len(webhook_calls), 1)


@pytest.mark.parametrize("processes", [2, 3])
async def test_a_cross_server_bridge_between_processes_relays_every_message_once_in_order(
    tmp_path: Path, redis_target, processes: int,
) -> None:
    count = 18
    async with DiscordDouble(shards=processes, rate_limits=RateLimitConfig(enabled=True)) as double, \
            FakeMicrosoft() as translator, postgres_database() as database_url:
        servers = Servers(double, alpha_shard=0, beta_shard=processes - 1)
        ranges = [str(shard) for shard in range(processes)]
        async with bot_processes(double, tmp_path, redis_target, database_url, translator.env(), ranges, processes) as bots:
            for shard, bot in enumerate(bots):  # each process is healthy with its own shard connected
                assert await health(bot) == (200, {"status": "ok", "shards": {str(shard): "connected"}})
            await servers.bridge(told=bots[0])
            await servers.traffic(count)
            to_beta, to_alpha = await servers.wait_all_relayed(count, *bots)
        assert to_beta == list(range(count)), "Alpha's messages in Beta: lost, doubled or out of order"
        assert to_alpha == list(range(count)), "Beta's messages in Alpha: lost, doubled or out of order"
        assert servers.rate_limited_share() <= 0.01
        for bot in bots:
            assert bot.printed("Traceback") == 0, bot.tail()
        assert not double.server_errors


async def test_a_process_killed_mid_traffic_and_started_again_loses_and_doubles_nothing(tmp_path: Path, redis_target) -> None:
    count = 30
    async with DiscordDouble(shards=2, rate_limits=RateLimitConfig(enabled=True)) as double, \
            FakeMicrosoft() as translator, postgres_database() as database_url:
        servers = Servers(double, alpha_shard=0, beta_shard=1)
        async with bot_processes(double, tmp_path, redis_target, database_url, translator.env(), ["0", "1"], 2) as bots:
            alpha_process = bots[0]
            await servers.bridge(told=alpha_process)

            async def kill_and_restart(n: int) -> None:
                if n == count // 3:
                    await alpha_process.kill()
                elif n == count // 3 + 2 * PER_SECOND:  # two seconds of traffic later
                    await alpha_process.start()

            await servers.traffic(count, during=kill_and_restart)
            to_beta, to_alpha = await servers.wait_all_relayed(count, *bots)
        assert to_beta == list(range(count)), "Alpha's messages in Beta: lost, doubled or out of order"
        assert to_alpha == list(range(count)), "Beta's messages in Alpha: lost, doubled or out of order"
        # What Alpha's members posted while its process was down came with the restart's catch-up, marked late.
        assert any("⏱" in view.content for view in double.view(servers.chinese) if view.by_webhook)
        assert servers.rate_limited_share() <= 0.01
        assert not double.server_errors


async def test_edits_and_deletes_reach_the_copies_another_process_posted(tmp_path: Path, redis_target) -> None:
    async with DiscordDouble(shards=2, rate_limits=RateLimitConfig(enabled=True)) as double, \
            FakeMicrosoft() as translator, postgres_database() as database_url:
        servers = Servers(double, alpha_shard=0, beta_shard=1)
        async with bot_processes(double, tmp_path, redis_target, database_url, translator.env(), ["0", "1"], 2) as bots:
            await servers.bridge(told=bots[0])
            english = [await double.post(servers.ann, servers.english, ENGLISH.format(n=n)) for n in range(3)]
            chinese = [await double.post(servers.mei, servers.chinese, CHINESE.format(n=n)) for n in range(3)]
            await servers.wait_all_relayed(3, *bots)
            await double.edit(english[1], ENGLISH.format(n=1) + " (edited)")
            await double.edit(chinese[1], CHINESE.format(n=1) + "（改过）")
            await double.delete(english[2])
            await double.delete(chinese[2])

            def settled() -> bool:  # copies posted alone or as lines of a combined post alike
                beta, alpha = "\n".join(copies_text(double, servers.chinese)), "\n".join(copies_text(double, servers.english))
                return servers.relayed() == ([0, 1], [0, 1]) and "(edited)" in beta and "改过" in alpha

            await wait_until(settled, "the edits and deletes in the other server", *bots,
                             describe=lambda: f"{copies_text(double, servers.chinese)} {copies_text(double, servers.english)}")
        assert "\n".join(copies_text(double, servers.chinese)).count("(edited)") == 1
        assert servers.relayed() == ([0, 1], [0, 1])
        assert not double.server_errors


def copies_text(double: DiscordDouble, channel) -> list[str]:
    return [view.content for view in double.view(channel) if view.by_webhook]
