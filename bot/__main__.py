"""`python -m bot` runs the bot; `python -m bot sync` syncs slash commands; `doctor` checks a setup.

Whatever stops a start (bad settings, an unreachable Discord or database) is told in one line naming the
problem and the fix, with a non-zero exit; the traceback is shown only at LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import traceback
from pathlib import Path

from bot.errors import ConfigError, StartupError
from bot.settings import Settings, load_dotenv_file

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_CONFIG = 2

DEFAULT_ENV_FILE = Path(".env")

FAILURE_PREFIX = {"run": "Qiao cannot start", "sync": "Qiao cannot sync commands"}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--env-file", type=Path, default=argparse.SUPPRESS, metavar="PATH",
        help="file of VARIABLE=value lines to read (default: .env when it exists); "
             "variables already set in the environment win",
    )
    parser = argparse.ArgumentParser(
        prog="python -m bot", parents=[common],
        description="Qiao (桥), the English ↔ Mandarin bridge bot. Without a command it runs the bot.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", parents=[common], help="run the bot (the default)",
        description="Connect to Discord and run the bot until SIGTERM or Ctrl-C.",
    )
    # Accepted only to refuse it with a message: --guild belongs to sync.
    run.add_argument("--guild", type=int, default=None, help=argparse.SUPPRESS)
    sync = commands.add_parser(
        "sync", parents=[common], help="register the slash commands with Discord (once, and after upgrades)",
        description="Register Qiao's slash commands with Discord: globally (up to an hour to appear) or, "
                    "with --guild or SYNC_GUILD_ID, in one server at once.",
    )
    sync.add_argument("--guild", type=int, default=None, metavar="SERVER_ID",
                      help="sync to this server only (appears at once)")
    commands.add_parser(
        "doctor", parents=[common], help="check the settings, database, Discord token and translation providers",
        description="Check each part of the setup and print one ✓/✗ line per check, with the fix for each ✗.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "run"
    guild_id = getattr(args, "guild", None)
    if command == "run" and guild_id is not None:
        parser.error("--guild applies only to sync: python -m bot sync --guild SERVER_ID")

    env_file = getattr(args, "env_file", None)
    if env_file is not None and not env_file.is_file():
        parser.error(f"--env-file {env_file}: no such file (create it from .env.example, or leave the option out)")
    load_dotenv_file(env_file or DEFAULT_ENV_FILE)
    if command == "doctor":
        from bot.doctor import run_doctor

        return asyncio.run(run_doctor())

    prefix = FAILURE_PREFIX[command]
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        for problem in error.problems:
            print(f"{prefix}: {problem}", file=sys.stderr)
        return EXIT_BAD_CONFIG

    from bot.logging_setup import configure_logging

    configure_logging(settings.log_level, secrets=settings.secret_values())
    try:
        if command == "sync":
            return asyncio.run(sync_commands(settings, guild_id or settings.sync_guild_id))
        return asyncio.run(run_bot(settings))
    except KeyboardInterrupt:
        return EXIT_OK
    except StartupError as error:
        _show_traceback_when_debugging(settings, error)
        print(f"{prefix}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as error:
        _show_traceback_when_debugging(settings, error)
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(
            f"{prefix}: unexpected {type(error).__name__}{': ' + detail if detail else ''}. "
            "Run again with LOG_LEVEL=DEBUG to see where, and report it.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


def _show_traceback_when_debugging(settings: Settings, error: BaseException) -> None:
    if settings.log_level == "DEBUG":
        traceback.print_exception(error, file=sys.stderr)


async def run_bot(settings: Settings) -> int:
    from bot.app import open_bot

    loop = asyncio.get_running_loop()
    # Until the bot exists (database opened and migrated, Redis reached), a signal stops the
    # start-up: a platform restarting the app meanwhile gets a clean exit, not a kill mid-way.
    # Migrations run in transactions, so one cut short is rolled back and runs again next time.
    starting = asyncio.current_task()
    signalled: list[int] = []

    def stop_starting(signum: int) -> None:
        log.info("received %s while starting: stopping", signal.Signals(signum).name)
        signalled.append(signum)
        starting.cancel()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop_starting, signum)
    try:
        async with open_bot(settings) as bot:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, _request_shutdown, bot, signum)
            await _serve(settings, bot)
    except asyncio.CancelledError:
        if not signalled:
            raise
        log.info("stopped before connecting to Discord")
        return EXIT_OK
    log.info("stopped cleanly")
    return EXIT_OK


async def _serve(settings: Settings, bot) -> None:
    """Connect and run until a signal closes the bot."""
    try:
        await bot.serve_metrics()
        await bot.start(settings.discord_token)
    except Exception as error:
        # A signal during login closes the HTTP session under the pending request: that is the
        # shutdown that was asked for, not a failure. Discord refusing a shard is a failure even
        # though discord.py's sharded client closes itself before it raises it.
        if not bot.is_shutting_down or isinstance(error, StartupError):
            raise
        log.debug("login interrupted by shutdown", exc_info=True)
    await bot.close()


def _request_shutdown(bot, signum: int) -> None:
    log.info("received %s: shutting down", signal.Signals(signum).name)
    bot.shutdown_task = asyncio.get_running_loop().create_task(bot.close())


async def sync_commands(settings: Settings, guild_id: int | None) -> int:
    import discord

    from bot.app import open_bot
    from bot.discord_failures import explain_sync_failure

    async with open_bot(settings) as bot:
        await bot.login(settings.discord_token)
        try:
            if guild_id:
                guild = discord.Object(id=guild_id)
                bot.tree.copy_global_to(guild=guild)
                synced = await bot.tree.sync(guild=guild)
            else:
                synced = await bot.tree.sync()
        except discord.HTTPException as error:
            explained = explain_sync_failure(error, guild_id)
            if explained is None:
                raise
            raise explained from error
    if guild_id:
        print(f"Synced {len(synced)} commands to server {guild_id}.")
    else:
        print(f"Synced {len(synced)} global commands (Discord may take up to an hour to show them).")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
