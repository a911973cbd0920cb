"""`python -m bot` runs the bot; `python -m bot sync` syncs slash commands; `doctor` checks a setup."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.errors import ConfigError
from bot.settings import Settings, load_dotenv_file

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_CONFIG = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Qiao (桥), the English ↔ Mandarin bridge bot.")
    parser.add_argument("command", nargs="?", default="run", choices=("run", "sync", "doctor"))
    parser.add_argument("--guild", type=int, default=None, help="with sync: sync to this server only (instant)")
    parser.add_argument("--env-file", default=".env", help="optional file of VARIABLE=value lines (default .env)")
    args = parser.parse_args(argv)

    from pathlib import Path

    load_dotenv_file(Path(args.env_file))
    if args.command == "doctor":
        from bot.doctor import run_doctor

        return asyncio.run(run_doctor())

    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"Qiao cannot start:\n{error}", file=sys.stderr)
        return EXIT_BAD_CONFIG

    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level, secrets=settings.secret_values())
    try:
        if args.command == "sync":
            return asyncio.run(sync_commands(settings, args.guild or settings.sync_guild_id))
        return asyncio.run(run_bot(settings))
    except KeyboardInterrupt:
        return EXIT_OK


async def run_bot(settings: Settings) -> int:
    import discord

    from bot.app import open_bot

    async with open_bot(settings) as bot:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, _request_shutdown, bot, signum)
        try:
            await bot.start(settings.discord_token)
        except discord.LoginFailure:
            print(
                "Discord rejected DISCORD_TOKEN (401). Reset the token on the Bot page of "
                "https://discord.com/developers/applications and update DISCORD_TOKEN.",
                file=sys.stderr,
            )
            return EXIT_FAILURE
        except discord.PrivilegedIntentsRequired:
            print(
                "Discord refused the privileged intents. On the Bot page of your application, enable "
                "MESSAGE CONTENT INTENT and SERVER MEMBERS INTENT, then start Qiao again.",
                file=sys.stderr,
            )
            return EXIT_FAILURE
    log.info("stopped cleanly")
    return EXIT_OK


def _request_shutdown(bot, signum: int) -> None:
    log.info("received %s: shutting down", signal.Signals(signum).name)
    bot.shutdown_task = asyncio.get_running_loop().create_task(bot.close())


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    import discord

    from bot.app import open_bot

    async with open_bot(settings) as bot:
        try:
            await bot.login(settings.discord_token)
        except discord.LoginFailure:
            print("Discord rejected DISCORD_TOKEN (401): reset it in the developer portal.", file=sys.stderr)
            return EXIT_FAILURE
        if guild_id:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"Synced {len(synced)} commands to server {guild_id}.")
        else:
            synced = await bot.tree.sync()
            print(f"Synced {len(synced)} global commands (Discord may take up to an hour to show them).")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
