"""Guard: the double relies on these discord.py internals; fail loudly if an upgrade changes them."""

from __future__ import annotations

import inspect

import discord
import discord.gateway
import discord.http
import yarl

from bot.discord_endpoints import apply_discord_endpoints, reset_discord_endpoints


def test_discord_py_is_2_7() -> None:
    assert discord.__version__.startswith("2.7"), (
        f"discord.py {discord.__version__} installed; the double was checked against 2.7 "
        "(Route.BASE, DEFAULT_GATEWAY, exact application/json parsing). Re-check docs/discord-protocol.md.")


def test_route_base_builds_urls() -> None:
    assert hasattr(discord.http.Route, "BASE"), "discord.http.Route.BASE is gone: REST can no longer be redirected"
    try:
        apply_discord_endpoints("http://127.0.0.1:1/api/v10", "ws://127.0.0.1:1/gateway")
        route = discord.http.Route("GET", "/channels/{channel_id}", channel_id=5)
        assert route.url == "http://127.0.0.1:1/api/v10/channels/5", "Route no longer builds its URL from Route.BASE"
        assert discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY == yarl.URL("ws://127.0.0.1:1/gateway")
    finally:
        reset_discord_endpoints()
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


def test_client_connects_to_default_gateway() -> None:
    assert isinstance(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY, yarl.URL), (
        "DiscordWebSocket.DEFAULT_GATEWAY is no longer a yarl.URL")
    source = inspect.getsource(discord.gateway.DiscordWebSocket.from_client)
    assert "cls.DEFAULT_GATEWAY" in source, "from_client no longer falls back to DEFAULT_GATEWAY"
    assert "resume_gateway_url" in inspect.getsource(discord.gateway.DiscordWebSocket.received_message), (
        "READY's resume_gateway_url is no longer used for RESUME")


def test_json_parsed_only_for_exact_content_type() -> None:
    source = inspect.getsource(discord.http.json_or_text)
    assert "== 'application/json'" in source, (
        "discord.http.json_or_text changed how it detects JSON; check the double's content_type handling")


def test_429_needs_via_header() -> None:
    source = inspect.getsource(discord.http.HTTPClient.request)
    assert "response.headers.get('Via')" in source, (
        "discord.py changed its Cloudflare-ban detection; the double sends Via on every response for it")
