"""`/bridge` commands and the gateway listeners that feed the relay engine."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.background import stop_loops

from bot.bridge.catch_up import HighWaterMarks
from bot.bridge.deliver.pacing import SlidingWindowLimiter
from bot.bridge.fill_ins import FillInLoop, StoredFillIns
from bot.bridge.glossary import Glossaries, GlossaryTranslator
from bot.bridge.invites import InviteBook
from bot.bridge.models import Bridge, BridgeChannel, OriginalMessage
from bot.bridge.optout import OptOuts
from bot.bridge.engine import RelayEngine
from bot.bridge.remember.combined_posts import CombinedPosts
from bot.bridge.stats import RelayDays
from bot.checks import UserFacingError, moderator_only, requires_module
from bot.jobs import once_per_tick
from bot.learning.notes import SlangNotes
from bot.personal_language import reader_locale
from cogs.bridge.catch_up import CatchUp
from cogs.bridge.glossary import GlossaryCommands
from cogs.bridge.invites import Invites, partner_channel_label
from cogs.bridge.options import LABEL_CHOICES, SCRIPT_CHOICES, Linkable
from cogs.bridge.optout import OptOut
from cogs.bridge.paused import NEEDED_PERMISSIONS, PausedDestinations
from cogs.bridge.stats import Stats
from cogs.bridge.translate_menu import TRANSLATE_PER_MINUTE, TranslateMenu
from cogs.bridge.service import BridgeRelay, ModeratorProblems, build_labels
from cogs.bridge.snapshot import snapshot
from cogs.bridge.threads import ThreadMirroring

log = logging.getLogger(__name__)

# Heroku kills 30 s after SIGTERM: leave time for the gateway and database to close.
DRAIN_SECONDS = 20.0
PRUNE_EVERY_HOURS = 6



# No group-wide default permissions: /bridge optout, optin and glossary list are for everyone;
# every moderator command carries its own `moderator_only()` check.
@app_commands.guild_only()
class BridgeCog(
    Invites, OptOut, GlossaryCommands, Stats, TranslateMenu, CatchUp, PausedDestinations, ThreadMirroring,
    commands.GroupCog,
    group_name=_("bridge", key="commands.bridge.name"),
    group_description=_("Relay translated copies between English and Chinese channels", key="commands.bridge.description"),
):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.relay = BridgeRelay(bot)
        self.problems = ModeratorProblems(bot, self.relay)
        self.threads_init()
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
        self.engine = RelayEngine(
            self.relay.store, self.glossary_translator, self.relay.sender, build_labels(bot.i18n), self.problems,
            combined_posts=self.combined_posts, optouts=self.optouts, relay_days=self.relay_days,
            high_water=self.high_water, late_marker="-# ⏱ " + bot.i18n.bilingual("bridge.label.late"),
            on_translated=lambda original, text: bot.dispatch("qiao_relay_translated", original, text),
        )
        self.relay.attach(self.engine)
        self.stored_fill_ins = StoredFillIns(
            self.engine, self.fetch_original,
            retention=lambda: timedelta(days=bot.settings.message_map_retention_days),
        )
        self.fill_in_loop = FillInLoop(self.stored_fill_ins)
        self.engine.on_left_untranslated = self.fill_in_loop.copies_left_untranslated
        self.engine.on_translations_back = self.fill_in_loop.translations_work_again
        if getattr(bot, "metrics", None) is not None:
            self.engine.on_lags = bot.metrics.observe_lags_ms
        self._fill_in_task: asyncio.Task[None] | None = None
        self.fill_in_leader = None  # bot.jobs.LeaderJob once the bot is ready

    async def cog_load(self) -> None:
        await self.relay.store.load()
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
        self.bot.bridge_relay = self.relay
        self.prune_message_map.start()
        self._fill_in_task = asyncio.create_task(self._fill_in_translations(), name="bridge-fill-ins")

    async def cog_unload(self) -> None:
        await stop_loops(self.prune_message_map)
        if self._fill_in_task is not None:
            self._fill_in_task.cancel()
            await asyncio.gather(self._fill_in_task, return_exceptions=True)
        await stop_loops(self.flush_counters, self.probe_paused)
        self.bot.tree.remove_command(self.translate_menu.name, type=self.translate_menu.type)
        if getattr(self.bot, "bridge_relay", None) is self.relay:
            self.bot.bridge_relay = None
        drained = await self.engine.drain(DRAIN_SECONDS)
        waiting = self.engine.waiting()
        if not drained or waiting.total:
            log.warning("bridge: %d copies still waiting after %.0f s (%s); dropping them",
                        waiting.total, DRAIN_SECONDS, waiting.describe())
        await self.engine.close()

    @tasks.loop(hours=PRUNE_EVERY_HOURS)
    async def prune_message_map(self) -> None:
        # Every process ticks; one of them prunes the shared tables each period.
        await self.bot.job_claims.once_per("prune-message-map", once_per_tick(timedelta(hours=PRUNE_EVERY_HOURS)),
                                           self.prune_old_rows)

    async def prune_old_rows(self) -> int:
        """Every per-message table (copies, lines of combined posts) keeps the same retention."""
        days = self.bot.settings.message_map_retention_days
        removed = await self.relay.store.prune(days) + await self.combined_posts.prune(days)
        if removed:
            log.info("bridge: pruned %d old message-map rows", removed)
        return removed

    @prune_message_map.error
    async def _prune_failed(self, error: BaseException) -> None:
        log.error("bridge: pruning the message map failed", exc_info=error)

    async def _fill_in_translations(self) -> None:
        """Copies left untranslated by a provider outage, also before a restart (first pass once ready).
        One process at a time runs the passes (they read every server's untranslated copies): the
        holder of the fill-in lease, taken over by another process should it die."""
        await self.bot.wait_until_ready()
        self.fill_in_leader = self.bot.job_claims.leader("bridge-fill-ins", self.fill_in_loop.run)
        await self.fill_in_leader.run()

    async def fetch_original(self, channel_id: int, message_id: int) -> OriginalMessage | None:
        """The original as it is now; None when it was deleted or is no longer relayed."""
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            message = await channel.fetch_message(message_id)
        except discord.NotFound:
            return None
        if not self.relay.should_relay(message):
            return None
        return snapshot(message)

    # -- listeners --------------------------------------------------------------------------

    async def _bridge_enabled(self, guild_id: int) -> bool:
        return await self.bot.guild_config.module_enabled(guild_id, "bridge")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self.bot.accepting_work:
            return
        if not self.is_relayed_space(message.channel.id) and not await self.thread_space_for(message):
            return
        if not self.relay.should_relay(message) or not await self._bridge_enabled(message.guild.id):
            return
        self.engine.relay(snapshot(message))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        relayed_here = self.relay.is_bridged(payload.channel_id) or self.engine.relays_into(payload.channel_id)
        if not self.bot.accepting_work or not relayed_here:
            return
        message = payload.message
        if not self.relay.should_relay(message) or not await self._bridge_enabled(message.guild.id):
            return
        await self.engine.edit(snapshot(message))

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if self.relay.is_bridged(payload.channel_id) or self.engine.relays_into(payload.channel_id):
            await self.engine.delete([payload.message_id], payload.channel_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if self.relay.is_bridged(payload.channel_id) or self.engine.relays_into(payload.channel_id):
            await self.engine.delete(sorted(payload.message_ids), payload.channel_id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        await self._channel_gone(channel.guild, channel.id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None:
            await self._channel_gone(guild, payload.thread_id)

    async def _channel_gone(self, guild: discord.Guild, channel_id: int) -> None:
        if self.relay.store.threads.is_paired(channel_id):
            await self.thread_deleted(channel_id)
            return
        if not self.relay.is_bridged(channel_id):
            return
        await self.relay.unregister(channel_id)
        await self.bot.moderator_notices.notify_once(
            guild, f"bridge.deleted.{channel_id}", "bridge.notice.channel_deleted", channel_id=channel_id
        )

    # -- commands ---------------------------------------------------------------------------

    @app_commands.command(name="link", description=_("Link an English and a Chinese channel (or add a channel to an existing bridge)", key="commands.bridge.link.description"))
    @app_commands.describe(
        english=_("The English channel", key="commands.bridge.param.english"),
        chinese=_("The Chinese channel", key="commands.bridge.param.chinese"),
        script=_("Chinese script for translations into this channel", key="commands.bridge.param.script"),
    )
    @app_commands.choices(script=SCRIPT_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def link(
        self, interaction: discord.Interaction, english: Linkable, chinese: Linkable,
        script: app_commands.Choice[str] | None = None,
    ) -> None:
        if english.id == chinese.id:
            raise UserFacingError("bridge.error.same_channel")
        for channel in (english, chinese):
            self._check_usable(interaction, channel)
        store = self.relay.store
        english_bridge, chinese_bridge = await store.bridge_of(english.id), await store.bridge_of(chinese.id)
        chosen_script = script.value if script else "simplified"
        locale = reader_locale(interaction)
        if english_bridge is None and chinese_bridge is None:
            await store.create_bridge(interaction.guild_id, "linked", [
                {"channel_id": english.id, "language": "en"},
                {"channel_id": chinese.id, "language": "zh", "script": chosen_script},
            ])
            text = self.bot.i18n.t("bridge.link.created", locale, english=english.mention, chinese=chinese.mention)
        elif english_bridge is not None and chinese_bridge is not None:
            if english_bridge.id == chinese_bridge.id:
                raise UserFacingError("bridge.error.already_linked", english=english.mention, chinese=chinese.mention)
            raise UserFacingError("bridge.error.already_bridged", channel=chinese.mention)
        else:
            existing, new, new_language = (
                (english, chinese, "zh") if english_bridge is not None else (chinese, english, "en")
            )
            bridge: Bridge = english_bridge or chinese_bridge
            member = bridge.channel(existing.id)
            wanted_existing_language = "en" if new_language == "zh" else "zh"
            if bridge.kind != "linked" or member.language != wanted_existing_language:
                raise UserFacingError("bridge.error.already_bridged", channel=existing.mention)
            await store.add_channel(bridge.id, new.id, new_language, script=chosen_script, guild_id=interaction.guild_id)
            text = self.bot.i18n.t(
                "bridge.link.added", locale, channel=new.mention, existing=existing.mention,
                language=self.bot.i18n.t(f"bridge.language.{new_language}", locale),
            )
        text += self._permission_warnings(interaction, english, chinese)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="mixed", description=_("Make one channel bilingual: translations appear under each message", key="commands.bridge.mixed.description"))
    @app_commands.describe(
        channel=_("The channel", key="commands.bridge.param.channel"),
        script=_("Chinese script for translations into this channel", key="commands.bridge.param.script"),
    )
    @app_commands.choices(script=SCRIPT_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def mixed(
        self, interaction: discord.Interaction, channel: discord.TextChannel | discord.Thread,
        script: app_commands.Choice[str] | None = None,
    ) -> None:
        self._check_usable(interaction, channel)
        if await self.relay.store.bridge_of(channel.id) is not None:
            raise UserFacingError("bridge.error.already_bridged", channel=channel.mention)
        await self.relay.register_mixed(channel, script=script.value if script else "simplified")
        text = self.bot.i18n.t("bridge.mixed.done", reader_locale(interaction), channel=channel.mention)
        text += self._permission_warnings(interaction, channel)
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="unlink", description=_("Take a channel out of its bridge", key="commands.bridge.unlink.description"))
    @app_commands.describe(channel=_("The channel", key="commands.bridge.param.channel"))
    @moderator_only()
    @requires_module("bridge")
    async def unlink(self, interaction: discord.Interaction, channel: discord.TextChannel | discord.Thread) -> None:
        await self.bridged_here(interaction, channel)
        await self.relay.unregister(channel.id)
        await interaction.response.send_message(
            self.bot.i18n.t("bridge.unlink.done", reader_locale(interaction), channel=channel.mention), ephemeral=True
        )

    @app_commands.command(name="list", description=_("Show this server's bridges and their health", key="commands.bridge.list.description"))
    @moderator_only()
    @requires_module("bridge")
    async def list_bridges(self, interaction: discord.Interaction) -> None:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        bridges = [
            bridge for bridge in await self.relay.store.all_bridges()
            if any(channel.guild_id == interaction.guild_id for channel in bridge.channels)
        ]
        if not bridges:
            await interaction.response.send_message(i18n.t("bridge.list.empty", locale), ephemeral=True)
            return
        lines: list[str] = []
        for number, bridge in enumerate(bridges, start=1):
            lines.append(i18n.t("bridge.list.bridge", locale, number=number, kind=i18n.t(f"bridge.kind.{bridge.kind}", locale)))
            for channel in bridge.channels:
                lines.append(i18n.t(
                    "bridge.list.channel", locale, channel=partner_channel_label(self.bot, channel.channel_id, interaction.guild_id),
                    language=i18n.t(f"bridge.language.{channel.language}", locale),
                    script=i18n.t(f"bridge.script.{channel.script}", locale),
                    label=i18n.t("bridge.label_state.shown" if channel.show_label else "bridge.label_state.hidden", locale),
                    health=self._health(interaction, channel),
                ))
        await interaction.response.send_message("\n".join(lines)[:2000], ephemeral=True)

    @app_commands.command(name="settings", description=_("Change a bridged channel's Chinese script or translation label", key="commands.bridge.settings.description"))
    @app_commands.describe(
        channel=_("The channel", key="commands.bridge.param.channel"),
        script=_("Chinese script for translations into this channel", key="commands.bridge.param.script"),
        label=_("Show the machine-translation label on copies", key="commands.bridge.param.label"),
        slang_notes=_("Explain internet slang under copies in this channel", key="commands.bridge.param.slang_notes"),
    )
    @app_commands.choices(script=SCRIPT_CHOICES, label=LABEL_CHOICES)
    @moderator_only()
    @requires_module("bridge")
    async def settings(
        self, interaction: discord.Interaction, channel: discord.TextChannel | discord.Thread,
        script: app_commands.Choice[str] | None = None, label: app_commands.Choice[str] | None = None,
        slang_notes: bool | None = None,
    ) -> None:
        _, member = await self.bridged_here(interaction, channel)
        if slang_notes is not None:
            await self.slang_notes.set_enabled(channel.id, slang_notes)
        changes: dict[str, object] = {}
        if script is not None:
            changes["script"] = script.value
        if label is not None:
            changes["show_label"] = label.value == "shown"
        updated = await self.relay.store.update_channel(channel.id, **changes) if changes else member
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        await interaction.response.send_message(i18n.t(
            "bridge.settings.done", locale, channel=channel.mention,
            script=i18n.t(f"bridge.script.{updated.script}", locale),
            label=i18n.t("bridge.label_state.shown" if updated.show_label else "bridge.label_state.hidden", locale),
        ) + "\n" + i18n.t("learning.notes.state", locale, channel=channel.mention, state=i18n.t(
            "learning.notes.on" if self.slang_notes.enabled(channel.id) else "learning.notes.off", locale,
        )), ephemeral=True)

    # -- helpers ----------------------------------------------------------------------------

    async def bridged_here(self, interaction: discord.Interaction, channel) -> tuple[Bridge, BridgeChannel]:
        """The bridge of a channel of the caller's server, for every command about one bridged channel.

        The channel's own server decides, not the server that created the bridge: either server of a
        cross-server bridge manages its own channels (the caller's permissions were checked there),
        and neither can touch the other's."""
        channel_guild = getattr(getattr(channel, "guild", None), "id", interaction.guild_id)
        found = None
        if channel_guild == interaction.guild_id:
            found = await self.relay.store.membership(channel.id, interaction.guild_id)
        if found is None:
            raise UserFacingError("bridge.error.not_bridged", channel=channel.mention)
        return found

    def _check_usable(self, interaction: discord.Interaction, channel: discord.abc.GuildChannel) -> None:
        if not isinstance(channel, (discord.TextChannel, discord.Thread)):
            raise UserFacingError("bridge.error.not_text", channel=channel.mention)
        me = interaction.guild.me
        if me is not None and not channel.permissions_for(me).view_channel:
            raise UserFacingError("bridge.error.cannot_see", channel=channel.mention)

    def _permission_warnings(self, interaction: discord.Interaction, *channels) -> str:
        me = interaction.guild.me
        if me is None:
            return ""
        warnings = []
        for channel in channels:
            webhook_channel = channel.parent if isinstance(channel, discord.Thread) and channel.parent else channel
            if not NEEDED_PERMISSIONS.is_subset(webhook_channel.permissions_for(me)):
                warnings.append(self.bot.i18n.t("bridge.link.missing_permissions", reader_locale(interaction), channel=channel.mention))
        return "".join("\n" + warning for warning in warnings)

    def _health(self, interaction: discord.Interaction, channel: BridgeChannel) -> str:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        parts = []
        guild_channel = interaction.guild.get_channel_or_thread(channel.channel_id)
        me = interaction.guild.me
        webhook_channel = guild_channel.parent if isinstance(guild_channel, discord.Thread) else guild_channel
        if channel.channel_id in self.engine.stats.forbidden or (
            webhook_channel is not None and me is not None
            and not NEEDED_PERMISSIONS.is_subset(webhook_channel.permissions_for(me))
        ):
            parts.append(i18n.t("bridge.health.forbidden", locale))
        backlog = self.engine.backlog(channel.channel_id)
        if backlog:
            parts.append(i18n.t("bridge.health.backlog", locale, count=backlog))
        lag = self.engine.lag(channel.channel_id)
        if lag >= 1:
            parts.append(i18n.t("bridge.health.lag", locale, seconds=round(lag)))
        if channel.channel_id in self.engine.paused_channels():
            parts.append(i18n.t("bridge.health.paused", locale))
        pending = self.engine.pending_translations(channel.channel_id)
        if pending:
            parts.append(i18n.t("bridge.health.pending", locale, count=pending))
        return ", ".join(parts) or i18n.t("bridge.health.ok", locale)
