"""The `/bridge` group's people and delivery features: cross-server invites, opt-out, glossary, stats, the Translate
menu, catch-up after downtime and pausing/resuming destinations that lost a permission.

`BridgeExtras` is mixed into `BridgeCog` (same command group); the logic lives in `bot/bridge/`
(invites, outbox_engine, glossary, optout, catch_up, relay_days).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

import sqlalchemy as sa

from bot.background import stop_loops
from bot.bridge.catch_up import Candidate, HighWaterMarks, catch_up_after, plan_catch_up
from bot.bridge.combined_posts import CombinedPosts
from bot.bridge.glossary import Glossaries, GlossaryTranslator
from bot.bridge.invites import InviteBook, Refusal, refusal_for
from bot.bridge.optout import OptOuts
from bot.bridge.outbox_engine import HistoryPage, OutboxRelayEngine
from bot.bridge.pacing import SlidingWindowLimiter
from bot.bridge.relay_days import RelayDays
from bot.bridge.retries import RetryPolicy
from bot.bridge.tables import bridge_channels
from bot.checks import UserFacingError, moderator_only, requires_module
from bot.i18n import shorten
from bot.learning.notes import SlangNotes
from bot.pipeline.detect import detect_language
from bot.storage import DatabaseStillUnavailable
from bot.translation.languages import to_simplified, to_traditional
from bot.personal_language import reader_locale
from cogs.bridge.options import Linkable
from cogs.bridge.snapshot import snapshot

log = logging.getLogger(__name__)

LANGUAGE_CHOICES = [
    app_commands.Choice(name=_("English", key="commands.bridge.choice.english"), value="en"),
    app_commands.Choice(name=_("Chinese", key="commands.bridge.choice.chinese"), value="zh"),
]
TRANSLATE_PER_MINUTE = 10
PROBE_PAUSED_EVERY_SECONDS = 60
FLUSH_COUNTERS_EVERY_SECONDS = 15
# A gateway gap this long is caught up from history even when Discord resumed the session.
LONG_DISCONNECT_SECONDS = 60.0
CATCH_UP_ATTEMPTS = 5
CATCH_UP_RETRY = RetryPolicy()
NEEDED_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, manage_webhooks=True)


def reader_target(locale: discord.Locale | str) -> str:
    value = getattr(locale, "value", str(locale))
    if value == "zh-TW":
        return "zh-Hant"
    if value == "zh-CN":
        return "zh-Hans"
    return "en"


class BridgeExtras:
    """Mixin for BridgeCog: builds the outbox engine and its services; holds the invites, opt-out,
    glossary and stats commands and listeners."""

    glossary_group = app_commands.Group(
        name=_("glossary", key="commands.bridge.glossary.name"),
        description=_("Terms kept or translated the same way every time", key="commands.bridge.glossary.description"),
    )

    def build_engine(self, bot, store, sender, labels, problems, **options) -> OutboxRelayEngine:
        self.combined_posts = CombinedPosts(bot.db)
        self.optouts = OptOuts(bot.db)
        self.glossaries = Glossaries(bot.db)
        self.relay_days = RelayDays(bot.db)
        self.high_water = HighWaterMarks(bot.db)
        self.invites = InviteBook(bot.db)
        self.translate_limiter = SlidingWindowLimiter(TRANSLATE_PER_MINUTE, 60)
        self.glossary_translator = GlossaryTranslator(bot.translation, self.glossaries)
        self._caught_up = False
        self._catch_up_lock = asyncio.Lock()
        self._disconnected_at: float | None = None
        self._catch_up_due = False
        return OutboxRelayEngine(
            store, self.glossary_translator, sender, labels, problems,
            combined_posts=self.combined_posts, optouts=self.optouts, relay_days=self.relay_days,
            high_water=self.high_water, late_marker="-# ⏱ " + bot.i18n.bilingual("bridge.label.late"), **options,
        )

    async def extras_load(self) -> None:
        self.slang_notes = SlangNotes(self.bot.db, glossary=self.glossaries.entries)
        await asyncio.gather(self.optouts.load(), self.glossaries.load(), self.high_water.load(), self.slang_notes.load())
        self.engine.slang_notes = self.slang_notes
        self.engine.read_history = self.read_history
        # Also a user app: a person who adds Qiao to their account uses it in DMs, group DMs and servers
        # without Qiao. Then there is no server configuration, only the message Discord sends along.
        self.translate_menu = app_commands.ContextMenu(
            name=_("Translate", key="commands.bridge.translate_menu.name"), callback=self.translate_message,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
        )
        self.bot.tree.add_command(self.translate_menu)
        self.flush_counters.start()
        self.probe_paused.start()

    async def extras_unload(self) -> None:
        await stop_loops(self.flush_counters, self.probe_paused)
        self.bot.tree.remove_command(self.translate_menu.name, type=self.translate_menu.type)

    @tasks.loop(seconds=FLUSH_COUNTERS_EVERY_SECONDS)
    async def flush_counters(self) -> None:
        try:
            await self.bot.db.retrying(self.engine.flush_counters, doing="writing relay counters", patience=0)
        except DatabaseStillUnavailable:
            pass  # kept for the next flush; the database says once that it is unavailable

    @flush_counters.error
    async def _flush_failed(self, error: BaseException) -> None:
        log.error("bridge: flushing relay counters failed", exc_info=error)

    @tasks.loop(seconds=PROBE_PAUSED_EVERY_SECONDS)
    async def probe_paused(self) -> None:
        await self.resume_recovered_destinations()

    @probe_paused.error
    async def _probe_failed(self, error: BaseException) -> None:
        log.error("bridge: probing paused channels failed", exc_info=error)

    # -- paused destinations resume by themselves -------------------------------------------

    async def resume_recovered_destinations(self, guild_id: int | None = None) -> int:
        resumed = 0
        for channel_id in self.engine.paused_channels():
            channel = self.bot.get_channel(channel_id)
            guild = getattr(channel, "guild", None)
            if guild is None or (guild_id is not None and guild.id != guild_id):
                continue
            webhook_channel = channel.parent if isinstance(channel, discord.Thread) and channel.parent else channel
            if guild.me is not None and NEEDED_PERMISSIONS.is_subset(webhook_channel.permissions_for(guild.me)):
                self.bot.moderator_notices.forget(guild.id, f"bridge.forbidden.{channel_id}")
                if self.engine.resume(channel_id):
                    log.info("bridge: permissions back in channel=%s; flushing %d copies", channel_id, self.engine.backlog(channel_id))
                    resumed += 1
        return resumed

    @commands.Cog.listener()
    async def on_guild_channel_update(self, before: discord.abc.GuildChannel, after: discord.abc.GuildChannel) -> None:
        await self.resume_recovered_destinations(after.guild.id)

    @commands.Cog.listener()
    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        await self.resume_recovered_destinations(after.guild.id)

    @commands.Cog.listener()
    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if self.bot.user is not None and after.id == self.bot.user.id:
            await self.resume_recovered_destinations(after.guild.id)

    # -- catch-up after downtime -------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """discord.py fires on_ready after every fresh IDENTIFY: at start, and whenever Discord would
        not resume the session (Invalid Session, a session that timed out). Discord replays nothing
        then, so every bridged channel catches up from its high-water mark, as after a restart."""
        first = not self._caught_up
        self._caught_up = True
        self._disconnected_at = None
        self._catch_up_due = False
        await self._catch_up_logged("the bot was away" if first else "the gateway session was lost")

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        """A fresh session (READY; not a RESUME): hold live messages back until the catch-up has
        read what was missed, so the gap is relayed first, in order, and the high-water mark does
        not jump over it."""
        for member in self.relay.store.all_channels():
            self.engine.hold(member.channel_id)
        self._catch_up_due = True

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        if self._disconnected_at is None:
            self._disconnected_at = time.monotonic()

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        """A RESUME replays what was missed; after a long gap catch up anyway (nothing is relayed twice)."""
        since, self._disconnected_at = self._disconnected_at, None
        due, self._catch_up_due = self._catch_up_due, False
        # `due`: a READY whose on_ready never came (dropped again before it) left messages held.
        if due or (since is not None and time.monotonic() - since >= LONG_DISCONNECT_SECONDS):
            await self._catch_up_logged("the gateway was disconnected")

    async def _catch_up_logged(self, why: str) -> None:
        async with self._catch_up_lock:
            try:
                await self.refile_channels()
                relayed = await self.catch_up()
            except Exception:
                log.exception("bridge: catch-up after %s failed", why)
                return
        if relayed:
            log.info("bridge: relayed %d messages posted while %s", relayed, why)

    async def refile_channels(self) -> None:
        """Channels a second server added before each was filed under its own server get theirs back."""
        owners = {
            member.channel_id: channel.guild.id for member in self.relay.store.all_channels()
            if (channel := self.bot.get_channel(member.channel_id)) is not None and getattr(channel, "guild", None)
        }
        refiled = await self.relay.store.refile(owners)
        if refiled:
            log.info("bridge: %d channels filed under their own server", refiled)

    async def catch_up(self) -> int:
        # Every bridged channel is held (live messages wait) until its history was read.
        members = list(self.relay.store.all_channels())
        for member in members:
            self.engine.hold(member.channel_id)
        relayed = 0
        try:
            window = self.bot.settings.catch_up_window_minutes
            if window <= 0:
                return 0
            linked_at = await self._linked_at()
            for member in members:
                if self.bot.get_channel(member.channel_id) is not None:
                    relayed += await self._catch_up_channel_retrying(member.channel_id, window, linked_at.get(member.channel_id))
        finally:
            for member in members:
                self.engine.release(member.channel_id)
        return relayed

    async def _catch_up_channel_retrying(self, channel_id: int, window: int, linked_at: datetime | None) -> int:
        """Reading history may meet Discord's 5xx or a dropped connection too: retried a few times
        (live messages of the channel wait meanwhile), then given up with one warning."""
        for attempt in range(1, CATCH_UP_ATTEMPTS + 1):
            try:
                return await self._catch_up_channel(channel_id, window, linked_at)
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
                status = getattr(error, "status", 0)
                transient = not isinstance(error, discord.HTTPException) or status == 429 or status >= 500
                if not transient or attempt == CATCH_UP_ATTEMPTS:
                    log.warning("bridge: cannot read history of channel=%s for catch-up: %s", channel_id, error)
                    return 0
                await asyncio.sleep(CATCH_UP_RETRY.delay(attempt))
        return 0

    async def _catch_up_channel(self, channel_id: int, window: int, linked_at: datetime | None) -> int:
        channel = self.bot.get_channel(channel_id)
        after = catch_up_after(datetime.now(UTC), window, self.high_water.get(channel_id), linked_at)
        messages = {
            message.id: message async for message in channel.history(limit=None, after=discord.Object(after), oldest_first=True)
            if self.relay.should_relay(message)
        }
        ids = list(messages)
        # Per original, the channels that already have its copy: a copy that waited for one
        # destination when the bot stopped is relayed there only.
        done_in: dict[int, set[int]] = {}
        for record in await self.relay.store.copies_of_many(ids):
            done_in.setdefault(record.original_message_id, set()).add(record.copy_channel_id)
        for line in await self.combined_posts.lines_of_originals(ids):
            done_in.setdefault(line.original_message_id, set()).add(line.copy_channel_id)
        held = self.engine.held_ids(channel_id) | self.engine.already_queued(set(ids))
        planned = plan_catch_up(
            [Candidate(message.id, message.author.id) for message in messages.values()],
            after=after, already_relayed=held, opted_out=self.optouts.is_opted_out,
        )
        enabled = await self.bot.guild_config.module_enabled(channel.guild.id, "bridge")
        relayed = sum(1 for message_id in planned if enabled and self.engine.relay_late(
            snapshot(messages[message_id]), done_in=done_in.get(message_id, set()),
        ))
        self.engine.release(channel_id)
        return relayed

    async def read_history(self, channel_id: int, after: int, limit: int) -> HistoryPage:
        """A page of a source channel's history for copies a full outbox let go."""
        channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
        messages = [message async for message in channel.history(limit=limit, after=discord.Object(after), oldest_first=True)]
        return HistoryPage(
            [snapshot(message) for message in messages if self.relay.should_relay(message)],
            messages[-1].id if messages else None, len(messages) < limit,
        )

    async def _linked_at(self) -> dict[int, datetime]:
        async with self.bot.db.connect() as connection:
            rows = await connection.execute(sa.select(bridge_channels.c.channel_id, bridge_channels.c.created_at))
            return {row.channel_id: _aware(row.created_at) for row in rows}

    # -- cross-server invites ----------------------------------------------------------------

    @app_commands.command(name="invite", description=_("Get a one-time code that lets another server link a channel into this bridge", key="commands.bridge.invite.description"))
    @app_commands.describe(
        channel=_("The channel", key="commands.bridge.param.channel"),
        language=_("The language of this channel", key="commands.bridge.param.language"),
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def invite(
        self, interaction: discord.Interaction, channel: Linkable, language: app_commands.Choice[str] | None = None,
    ) -> None:
        self._check_usable(interaction, channel)
        store = self.relay.store
        bridge = await store.bridge_of(channel.id)
        if bridge is None:
            if language is None:
                raise UserFacingError("bridge.invite.error.language_needed", channel=channel.mention)
            bridge = await store.create_bridge(interaction.guild_id, "linked", [{"channel_id": channel.id, "language": language.value}])
        elif bridge.kind != "linked":
            raise UserFacingError("bridge.error.already_bridged", channel=channel.mention)
        code, expires_at = await self.invites.create(bridge.id, interaction.guild_id, channel.id, interaction.user.id)
        await interaction.response.send_message(self.bot.i18n.t(
            "bridge.invite.created", reader_locale(interaction), code=code, channel=channel.mention,
            minutes=int(self.invites.lifetime.total_seconds() // 60), expires=discord.utils.format_dt(expires_at, "R"),
        ), ephemeral=True)

    @app_commands.command(name="accept", description=_("Link a channel of this server into another server's bridge with its code", key="commands.bridge.accept.description"))
    @app_commands.describe(
        code=_("The code the other server's moderator gave you", key="commands.bridge.param.code"),
        channel=_("The channel", key="commands.bridge.param.channel"),
        language=_("The language of this channel", key="commands.bridge.param.language"),
        script=_("Chinese script for translations into this channel", key="commands.bridge.param.script"),
    )
    @app_commands.choices(language=LANGUAGE_CHOICES, script=[
        app_commands.Choice(name=_("Simplified", key="commands.bridge.choice.simplified"), value="simplified"),
        app_commands.Choice(name=_("Traditional", key="commands.bridge.choice.traditional"), value="traditional"),
    ])
    @moderator_only()
    @requires_module("bridge")
    async def accept(
        self, interaction: discord.Interaction, code: app_commands.Range[str, 1, 40], channel: Linkable,
        language: app_commands.Choice[str],
        script: app_commands.Choice[str] | None = None,
    ) -> None:
        self._check_usable(interaction, channel)
        store = self.relay.store
        if await store.bridge_of(channel.id) is not None:
            raise UserFacingError("bridge.error.already_bridged", channel=channel.mention)
        invite = await self.invites.find(code)
        bridge = await store.bridge_of(invite.channel_id) if invite else None
        refusal = refusal_for(
            invite, accepting_guild_id=interaction.guild_id, now=self.invites.clock(),
            bridge_exists=bridge is not None and invite is not None and bridge.id == invite.bridge_id,
        )
        if refusal is not None:
            raise UserFacingError(f"bridge.accept.error.{refusal.value}")
        if not await self.invites.mark_used(code, interaction.guild_id):
            raise UserFacingError(f"bridge.accept.error.{Refusal.USED.value}")
        await store.add_channel(
            bridge.id, channel.id, language.value, script=script.value if script else "simplified", guild_id=interaction.guild_id,
        )
        partner = self.bot.get_channel(invite.channel_id)
        await interaction.response.send_message(self.bot.i18n.t(
            "bridge.accept.done", reader_locale(interaction), channel=channel.mention,
            partner=_partner_name(partner, invite.channel_id),
            language=self.bot.i18n.t(f"bridge.language.{language.value}", reader_locale(interaction)),
        ) + self._permission_warnings(interaction, channel), ephemeral=True)

    # -- opt-out -----------------------------------------------------------------------------

    async def person_forgotten(self, user_id: int, guild_id: int | None) -> None:
        """`/qiao forget-me` deleted the person's rows (their opt-out among them): reload the opt-outs."""
        await self.optouts.load()

    @app_commands.command(name="optout", description=_("Stop relaying your own messages", key="commands.bridge.optout.description"))
    async def optout(self, interaction: discord.Interaction) -> None:
        changed = await self.optouts.opt_out(interaction.user.id)
        key = "bridge.optout.done" if changed else "bridge.optout.already"
        await interaction.response.send_message(self.bot.i18n.t(key, reader_locale(interaction)), ephemeral=True)

    @app_commands.command(name="optin", description=_("Relay your own messages again", key="commands.bridge.optin.description"))
    async def optin(self, interaction: discord.Interaction) -> None:
        changed = await self.optouts.opt_in(interaction.user.id)
        key = "bridge.optin.done" if changed else "bridge.optin.already"
        await interaction.response.send_message(self.bot.i18n.t(key, reader_locale(interaction)), ephemeral=True)

    # -- glossary ----------------------------------------------------------------------------

    @glossary_group.command(name="add", description=_("Add or change a glossary term", key="commands.bridge.glossary.add.description"))
    @app_commands.describe(
        term=_("The term as written", key="commands.bridge.param.term"),
        translation=_("How it is always translated (the same text keeps it as is)", key="commands.bridge.param.translation"),
    )
    @moderator_only()
    async def glossary_add(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100], translation: app_commands.Range[str, 1, 100]) -> None:
        if self.glossaries.is_full(interaction.guild_id) and term not in self.glossaries.entries(interaction.guild_id):
            raise UserFacingError("bridge.glossary.error.full")
        await self.glossaries.add(interaction.guild_id, term, translation)
        await interaction.response.send_message(
            self.bot.i18n.t("bridge.glossary.added", reader_locale(interaction), term=shorten(term.strip()),
                            translation=shorten(translation.strip())),
            ephemeral=True,
        )

    @glossary_group.command(name="remove", description=_("Remove a glossary term", key="commands.bridge.glossary.remove.description"))
    @app_commands.describe(term=_("The term as written", key="commands.bridge.param.term"))
    @moderator_only()
    async def glossary_remove(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100]) -> None:
        if not await self.glossaries.remove(interaction.guild_id, term):
            raise UserFacingError("bridge.glossary.error.unknown", term=shorten(term))
        await interaction.response.send_message(
            self.bot.i18n.t("bridge.glossary.removed", reader_locale(interaction), term=shorten(term)), ephemeral=True)

    @glossary_group.command(name="list", description=_("Show this server's glossary", key="commands.bridge.glossary.list.description"))
    @app_commands.guild_only()
    async def glossary_list(self, interaction: discord.Interaction) -> None:
        entries = self.glossaries.entries(interaction.guild_id)
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        if not entries:
            text = i18n.t("bridge.glossary.empty", locale)
        else:
            lines = [i18n.t("bridge.glossary.header", locale, count=len(entries))]
            lines += [f"• {term} → {translation}" for term, translation in sorted(entries.items(), key=lambda e: e[0].casefold())]
            text = "\n".join(lines)[:2000]
        await interaction.response.send_message(text, ephemeral=True)

    # -- stats -------------------------------------------------------------------------------

    @app_commands.command(name="stats", description=_("Translation usage and relay health for the last day and month", key="commands.bridge.stats.description"))
    @moderator_only()
    async def stats(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        i18n, locale, guild_id = self.bot.i18n, reader_locale(interaction), interaction.guild_id
        lines: list[str] = []
        for days, key in ((1, "bridge.stats.day"), (30, "bridge.stats.month")):
            usage = await self.bot.translation.usage_stats(guild_id, days)
            relays = await self.relay_days.summary(guild_id, days)
            lines.append(i18n.t(key, locale))
            providers = [(name, counts) for name, counts in sorted(usage.by_provider.items()) if name != "cache" and (counts.calls or counts.failures)]
            for name, counts in providers:
                lines.append(i18n.t("bridge.stats.provider", locale, provider=name, characters=counts.characters,
                                    calls=counts.calls, failures=counts.failures))
            if not providers:
                lines.append(i18n.t("bridge.stats.no_provider_calls", locale))
            lines.append(i18n.t("bridge.stats.cache", locale, rate=f"{usage.cache_hit_rate:.0%}"))
            lines.append(i18n.t(
                "bridge.stats.relays", locale, relays=relays.relays, posts=relays.posts, failures=relays.failures,
                average=f"{relays.average_lag_seconds:.1f}", maximum=f"{relays.lag_max_ms / 1000:.1f}",
            ))
        await interaction.followup.send("\n".join(lines)[:2000], ephemeral=True)

    # -- the Translate message menu ----------------------------------------------------------

    async def translate_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        wait = self.translate_limiter.try_acquire(interaction.user.id)
        if wait:
            await interaction.response.send_message(i18n.t("bridge.translate.rate_limited", locale, seconds=max(1, round(wait))), ephemeral=True)
            return
        if self.optouts.is_opted_out(message.author.id):
            await interaction.response.send_message(i18n.t("bridge.translate.opted_out", locale), ephemeral=True)
            return
        target = reader_target(locale)
        quick = reading_without_provider(message.content, target)
        if quick is not None:
            await interaction.response.send_message(_reading_text(i18n, locale, quick), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        reading = await self.translate_for_reader(message.content, target, interaction.guild_id or 0)
        await interaction.followup.send(_reading_text(i18n, locale, reading), ephemeral=True)

    async def translate_for_reader(self, text: str, target: str, guild_id: int) -> Reading:
        """`text` for one reader in `target` ("en", "zh-Hans", "zh-Hant"), with the server's glossary:
        what the Translate menu and flag reactions show. Opt-outs are checked by the caller."""
        quick = reading_without_provider(text, target)
        if quick is not None:
            return quick
        detection = detect_language(text)
        source = "en" if detection.language == "en" else ("zh-Hant" if detection.script == "traditional" else "zh-Hans")
        if detection.language not in ("en", "zh"):
            source = "auto"
        result = await self.glossary_translator.translate(text, source, target, guild_id)
        return Reading("translated", result.text[:2000]) if result.ok else Reading("failed")


@dataclass(frozen=True)
class Reading:
    """What a reader gets: "translated"/"converted" (with `text`), "already", "nothing" or "failed"."""

    kind: str
    text: str = ""


def reading_without_provider(text: str, target: str) -> Reading | None:
    """The answers that need no translation service: nothing to translate, already in the reader's
    language, or only the Chinese script to convert. None: a provider must translate."""
    detection = detect_language(text)
    if not text.strip() or detection.language == "none":
        return Reading("nothing")
    if detection.language != ("en" if target == "en" else "zh"):
        return None
    converted = to_traditional(text) if target == "zh-Hant" else to_simplified(text) if target == "zh-Hans" else text
    return Reading("already") if converted == text else Reading("converted", converted[:2000])


def _reading_text(i18n, locale: str, reading: Reading) -> str:
    if reading.text:
        return reading.text
    return i18n.t(f"bridge.translate.{reading.kind}", locale)


def _partner_name(channel, channel_id: int) -> str:
    if channel is None or getattr(channel, "guild", None) is None:
        return f"#{channel_id}"
    return f"{channel.guild.name} › #{channel.name}"


def partner_channel_label(bot, channel_id: int, viewer_guild_id: int) -> str:
    """`<#id>` for the viewer's own channels; "Server › #name" for a partner server's (a mention
    of a channel in another server shows as unknown)."""
    channel = bot.get_channel(channel_id)
    if channel is not None and getattr(channel, "guild", None) is not None and channel.guild.id != viewer_guild_id:
        return _partner_name(channel, channel_id)
    return f"<#{channel_id}>"


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
