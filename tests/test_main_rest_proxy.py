"""`python -m bot` behind an HTTP rate-limit proxy (DISCORD_API_BASE_URL), as with nirn-proxy: every REST
call, the bridge's webhook posts included, goes through the proxy, with the bot's token for it to
tell bots apart. The proxy here only forwards and records; the Discord double stands behind it."""

from __future__ import annotations

import signal
from pathlib import Path

import aiohttp
from aiohttp import web

from discord_double import DiscordDouble
from tests.bot_process import bot_env, start_bot, stop_with_signal
from tests.translation.fake_servers import FakeMicrosoft

HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection"}


class ForwardingProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.seen: list[tuple[str, str, str]] = []  # method, path, Authorization scheme
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def __aenter__(self) -> ForwardingProxy:
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc) -> None:
        await self._runner.cleanup()
        await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        self.seen.append((request.method, request.path, authorization.split(" ")[0]))
        headers = {name: value for name, value in request.headers.items() if name.lower() not in HOP_BY_HOP}
        async with self._session.request(
            request.method, f"{self.upstream}{request.rel_url}", headers=headers, data=await request.read(),
        ) as answer:
            body = await answer.read()
            kept = {name: value for name, value in answer.headers.items() if name.lower() not in HOP_BY_HOP}
            return web.Response(body=body, status=answer.status, headers=kept)


async def test_every_rest_call_goes_through_the_proxy(discord_double: DiscordDouble, tmp_path: Path) -> None:
    double = discord_double
    double.ratelimiter.config.enabled = False
    guild = double.create_guild("Behind a proxy")
    general, english, chinese = (double.create_channel(guild, name) for name in ("general", "english", "chinese"))
    alice = double.add_member(guild, "alice", display_name="Alice")
    moderator = double.add_member(guild, "mod", display_name="Mod")
    double.give_role(moderator, double.create_role(guild, "mods", permissions=["manage_guild"]))
    upstream = double.api_base_url.removesuffix("/api/v10")
    async with FakeMicrosoft() as translator, ForwardingProxy(upstream) as proxy:
        env = bot_env(
            tmp_path, DISCORD_TOKEN=double.token, DISCORD_API_BASE_URL=f"{proxy.url}/api/v10",
            DISCORD_GATEWAY_URL=double.gateway_url, TRANSLATOR="microsoft", **translator.env(),
        )
        process = await start_bot(env=env, cwd=tmp_path, merge_output=True)
        try:
            # Ready: on_ready fetches the commands (for command mentions).
            await double.wait_for(lambda: any(r.path.endswith("/commands") for r in double.requests), 60)
            handle = await double.invoke_slash(moderator, "bridge link", channel=general,
                                               options={"english": english, "chinese": chinese})
            await handle.wait_response(timeout=30)
            await double.post(alice, english, "Good morning, everyone")
            copy = await double.wait_for_message(chinese, lambda view: view.webhook_id is not None, timeout=30)
        finally:
            output = await stop_with_signal(process, signal.SIGTERM, timeout=20)
    assert process.returncode == 0, output
    assert copy.author == "Alice"
    webhook_posts = [path for method, path, _ in proxy.seen if method == "POST" and path.startswith("/api/v10/webhooks/")]
    assert webhook_posts, proxy.seen
    bot_calls = [scheme for _, path, scheme in proxy.seen if not path.startswith(("/api/v10/webhooks/", "/api/v10/interactions/"))]
    assert bot_calls and set(bot_calls) == {"Bot"}  # the proxy can tell which bot each call is for
    # Nothing reached Discord except through the proxy (the double records every REST call it answers).
    assert len(double.requests) == len(proxy.seen)
