"""Point discord.py at other REST and gateway endpoints (a REST/gateway proxy, or the test double).

discord.py builds every REST URL from the class attribute `Route.BASE` (webhooks and interaction
callbacks included), and a plain Client connects straight to `DiscordWebSocket.DEFAULT_GATEWAY`;
after READY it resumes against the `resume_gateway_url` the gateway sent.
"""

from __future__ import annotations

import discord.gateway
import discord.http
import yarl

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def apply_discord_endpoints(api_base: str, gateway: str) -> None:
    """Set the REST base (e.g. http://127.0.0.1:8080/api/v10) and the gateway URL (ws://.../gateway)."""
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def reset_discord_endpoints() -> None:
    apply_discord_endpoints(DISCORD_API_BASE, DISCORD_GATEWAY)
