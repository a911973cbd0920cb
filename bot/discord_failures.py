"""One line for each way Discord can stop `python -m bot` or `python -m bot sync`: what went wrong and the fix."""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from bot.errors import StartupError

PORTAL = "https://discord.com/developers/applications"
STATUS_PAGE = "https://discordstatus.com"
CLOSE_CODES_DOC = "https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes"

TOKEN_REJECTED = StartupError(
    "Discord rejected DISCORD_TOKEN (401)",
    f"Reset the token on the Bot page of {PORTAL} and update DISCORD_TOKEN",
)
INTENTS_REFUSED = StartupError(
    "Discord refused the privileged intents",
    "On the Bot page of your application, enable MESSAGE CONTENT INTENT and SERVER MEMBERS INTENT, "
    "then start Qiao again",
)


def explain_connection_failure(
    error: BaseException, *, api_base_url: str, timeout: float, last_status: int | None = None
) -> StartupError | None:
    """Login (REST) and gateway failures; None for an error that is not about reaching Discord."""
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return INTENTS_REFUSED
    if isinstance(error, discord.LoginFailure):
        return TOKEN_REJECTED
    if isinstance(error, discord.ConnectionClosed):
        return _gateway_closed(error)
    if isinstance(error, discord.HTTPException):
        return _http_refusal(error, api_base_url)
    if isinstance(error, asyncio.TimeoutError):
        if last_status is not None and last_status >= 500:
            return StartupError(
                f"Discord at {api_base_url} answered HTTP {last_status} to every login attempt for {timeout:g} s",
                f"Discord is having trouble (see {STATUS_PAGE}): start Qiao again in a few minutes",
            )
        return StartupError(
            f"Discord at {api_base_url} did not answer the login within {timeout:g} s",
            "Check this machine's network, firewall and proxy, and DISCORD_API_BASE_URL; on a slow link raise "
            "DISCORD_LOGIN_TIMEOUT",
        )
    if isinstance(error, aiohttp.ClientConnectorError):
        return StartupError(
            f"cannot reach Discord at {api_base_url} ({_connect_failure(error)})",
            "Check this machine's network, firewall and proxy, and DISCORD_API_BASE_URL, then start Qiao again",
        )
    if isinstance(error, (aiohttp.ClientError, OSError)):
        return StartupError(
            f"the connection to Discord at {api_base_url} failed ({_described(error)})",
            "Check this machine's network, firewall and proxy, and DISCORD_API_BASE_URL, then start Qiao again",
        )
    return None


def explain_sync_failure(error: BaseException, guild_id: int | None) -> StartupError | None:
    """What Discord answers a command sync with when it is refused."""
    if not isinstance(error, discord.HTTPException):
        return None
    if guild_id is not None and (error.code in (50001, 10004) or error.status == 403):
        return StartupError(
            f"Discord refused the commands for server {guild_id} ({error.status} {_discord_message(error)}): "
            "the bot is not in that server, or was invited without the applications.commands scope",
            "Invite it with the scopes bot and applications.commands (README: Getting a token), or check the "
            "server id (right-click the server icon → Copy Server ID)",
        )
    if error.status == 403:
        return StartupError(
            f"Discord refused to register the commands ({error.status} {_discord_message(error)})",
            "Check that DISCORD_TOKEN belongs to the application whose commands you sync",
        )
    if error.status == 400:
        return StartupError(
            f"Discord refused the command definitions (400 {_discord_message(error)})",
            "This is a bug in Qiao: report it with the output of LOG_LEVEL=DEBUG .venv/bin/python -m bot sync",
        )
    return None


def _http_refusal(error: discord.HTTPException, api_base_url: str) -> StartupError:
    if error.status >= 500:
        return StartupError(
            f"Discord at {api_base_url} answered HTTP {error.status} to the login",
            f"Discord is having trouble (see {STATUS_PAGE}): start Qiao again in a few minutes",
        )
    if error.status == 429:
        return StartupError(
            "Discord refused the login with HTTP 429 (too many requests from this machine)",
            "Wait an hour before starting again; if it repeats, this address is blocked for too many invalid "
            "requests: run Qiao from another host",
        )
    return StartupError(
        f"Discord at {api_base_url} answered the login with HTTP {error.status} ({_discord_message(error)})",
        "Check DISCORD_API_BASE_URL (unset it to use Discord's own, https://discord.com/api/v10)",
    )


def _gateway_closed(error: discord.ConnectionClosed) -> StartupError:
    if error.code == 4004:
        return TOKEN_REJECTED
    if error.code == 4011:
        return StartupError(
            "Discord requires sharding for this bot (gateway close code 4011: it is in too many servers for one "
            "connection)",
            "Set SHARD_COUNT=auto (or a number at least Discord's recommendation) and start Qiao again "
            "(README: Running at scale)",
        )
    if error.code == 4010:
        return StartupError(
            "Discord refused the shard this process identified with (gateway close code 4010: invalid shard)",
            "Check SHARD_IDS and SHARD_COUNT: every id below the count, the same count in every process "
            "(README: Running at scale)",
        )
    reason = f": {error.reason}" if error.reason else ""
    return StartupError(
        f"Discord closed the gateway connection with code {error.code}{reason}",
        f"See {CLOSE_CODES_DOC} for the code; check DISCORD_GATEWAY_URL if it points at a proxy",
    )


def _connect_failure(error: aiohttp.ClientConnectorError) -> str:
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return f"host name {error.host!r} not found"
    cause = error.os_error
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, aiohttp.ClientSSLError) or "SSL" in type(cause).__name__:
        return f"TLS failed: {cause}"
    return cause.strerror or str(cause) or type(cause).__name__


def _described(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _discord_message(error: discord.HTTPException) -> str:
    text = (error.text or "").strip().splitlines()[0] if (error.text or "").strip() else ""
    return text or error.response.reason or "no message"
