"""`/guidance` commands and the listener that explains censored-on-Chinese-platforms terms.

It educates; it never censors: nothing is deleted, hidden or reported. A person whose message
contains a term gets a short private note in their language (or a plain reply, per server),
at most once per entry within the cooldown. Edited messages are checked again; the
same dedupe applies, so an edit only ever brings a note about a term the edit added.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands, tasks

from bot.background import stop_loops
from bot.bridge.models import OriginalMessage
from bot.checks import UserFacingError, moderator_only, requires_module
from bot.guidance.catalogue import IMPORTED_ENTRY_ID, Catalogue, CatalogueError, Entry, imported_entry
from bot.guidance.importer import NotATextFile, parse_keyword_file
from bot.guidance.languages import note_locale
from bot.guidance.matcher import GuidanceMatcher, MatcherCache, normalise
from bot.guidance.store import CUSTOM_CATEGORY_ID, GuidanceStore, GuildGuidance, PendingRemoval
from bot.i18n import resolve_locale, shorten
from bot.jobs import once_per_tick
from bot.pipeline.detect import detect_language
from bot.forget import is_forget_request
from bot.personal_language import reader_locale
from cogs.guidance.notes import EMBED_LIMIT, NoteWriter, Noticed, notice_key
from cogs.guidance.views import ImportPreviewView, UndoImportView, WhyButton

log = logging.getLogger(__name__)

NOTICE_COOLDOWN = timedelta(hours=24)
FALLBACK_REPLY_SECONDS = 60.0
# How often stored fallback replies are checked for removal (the first pass runs at startup).
REMOVAL_SWEEP_SECONDS = 30.0
PRUNE_NOTICES_EVERY = timedelta(hours=6)
NOTICE_REACTION = "💡"
MAX_IMPORT_BYTES = 2 * 1024 * 1024
# A guidance category as typed or picked from autocomplete (ids like "leaders").
CategoryName = app_commands.Range[str, 1, 64]
# How many (message, person, entry) triples to remember so the original and its translated
# copy never produce two notes about one message.
RECENT_NOTICES = 4096

MODE_CHOICES = [
    app_commands.Choice(name=_("off", key="commands.guidance.choice.off"), value="off"),
    app_commands.Choice(name=_("direct message (default)", key="commands.guidance.choice.dm"), value="dm"),
    app_commands.Choice(name=_("reply in the channel", key="commands.guidance.choice.reply"), value="reply"),
]


@app_commands.guild_only()
class Guidance(
    commands.GroupCog,
    group_name=_("guidance", key="commands.guidance.name"),
    group_description=_(
        "Why some words are censored on Chinese platforms (Qiao only explains; it deletes nothing)",
        key="commands.guidance.description",
    ),
):
    def __init__(self, bot, *, catalogue: Catalogue | None = None) -> None:
        self.bot = bot
        self.catalogue = catalogue or Catalogue.load()
        self.store = GuidanceStore(bot.db)
        self.matchers = MatcherCache(self.catalogue)
        self.notes = NoteWriter(bot.i18n, self.catalogue)
        self.cooldown = NOTICE_COOLDOWN
        self.fallback_reply_seconds = FALLBACK_REPLY_SECONDS
        self._recent: OrderedDict[tuple[int, int, str], None] = OrderedDict()
        # Fallback replies waiting for their minute in this process, by message id.
        self._removals: dict[int, tuple[PendingRemoval, asyncio.Task[None]]] = {}
        # Replies this process has started to delete: neither a sweep that read the table just
        # before nor shutdown may delete them a second time.
        self._removing: OrderedDict[int, None] = OrderedDict()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(WhyButton)
        self.prune_notices.start()
        self.sweep_removals.change_interval(seconds=REMOVAL_SWEEP_SECONDS)
        self.sweep_removals.start()

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(WhyButton)
        await stop_loops(self.prune_notices, self.sweep_removals)
        # A fallback pointer must not outlive its minute because the bot stopped: remove it now.
        # (Should this not finish, the stored row makes the next start remove it.)
        finishing, waiting = [], []
        for removal, task in list(self._removals.values()):
            if removal.message_id in self._removing:
                finishing.append(task)
            else:
                task.cancel()
                waiting.append(removal)
        jobs = finishing + [asyncio.create_task(self._remove(removal)) for removal in waiting]
        if jobs:
            await asyncio.wait(jobs, timeout=5)

    @tasks.loop(seconds=PRUNE_NOTICES_EVERY.total_seconds())
    async def prune_notices(self) -> None:
        # Every process ticks; one of them prunes the shared table each period.
        await self.bot.job_claims.once_per("prune-notice-cooldowns", once_per_tick(PRUNE_NOTICES_EVERY), self.prune_notices_now)

    async def prune_notices_now(self) -> int:
        removed = await self.store.prune_notices(self.cooldown)
        if removed:
            log.info("guidance: forgot %d expired notice cooldowns", removed)
        return removed

    @prune_notices.error
    async def _prune_failed(self, error: BaseException) -> None:
        log.error("guidance: pruning notice cooldowns failed", exc_info=error)

    @tasks.loop(seconds=REMOVAL_SWEEP_SECONDS)
    async def sweep_removals(self) -> None:
        """Take over stored fallback replies this process is not already timing: at startup,
        those a previous run left behind (removed at once when overdue), later any missed."""
        for removal in await self.store.pending_removals():
            if removal.message_id not in self._removals and removal.message_id not in self._removing:
                self._schedule_removal(removal)

    @sweep_removals.before_loop
    async def _before_sweep(self) -> None:
        await self.bot.wait_until_ready()

    @sweep_removals.error
    async def _sweep_failed(self, error: BaseException) -> None:
        log.error("guidance: sweeping fallback replies failed", exc_info=error)

    # -- listeners --------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.webhook_id is not None or message.author.bot:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        await self.consider(message.guild, message.channel.id, message.id, message.author.id, message.content,
                            language_of=message.content)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit may add a term. The dedupe per (message, person, entry) and the cooldown make
        sure a term already explained is not explained again."""
        message = payload.message
        if message.guild is None or message.webhook_id is not None or message.author.bot:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        before = payload.cached_message
        if "content" not in payload.data or (before is not None and before.content == message.content):
            return  # e.g. Discord adding a link preview: the text did not change
        await self.consider(message.guild, message.channel.id, message.id, message.author.id, message.content,
                            language_of=message.content)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember the person's Discord locale: their private notes are then in their language."""
        if interaction.user.bot or not self.bot.accepting_work:
            return
        data = interaction.data or {}
        if is_forget_request(data.get("custom_id"), interaction.command.qualified_name if interaction.command else None):
            return
        try:
            await self.store.remember_locale(interaction.user.id, interaction.locale.value)
        except Exception:  # a lost preference must never break the command it came with
            log.exception("guidance: could not remember the locale of user=%s", interaction.user.id)

    async def person_forgotten(self, user_id: int, guild_id: int | None) -> None:
        """`/qiao forget-me` deleted the person's rows: drop what memory holds about them."""
        self.store.forget_cached(user_id)

    @commands.Cog.listener()
    async def on_qiao_relay_translated(self, original: OriginalMessage, translated_text: str) -> None:
        """The bridge translated a message: the translation may name a topic the original
        only hinted at. Same person, same message, so the same dedupe applies."""
        guild = self.bot.get_guild(original.guild_id)
        member = guild.get_member(original.author_id) if guild else None
        if guild is None or (member is not None and member.bot):
            return
        await self.consider(guild, original.channel_id, original.message_id, original.author_id, translated_text,
                            language_of=original.content)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.store.forget(guild.id)
        self.matchers.forget(guild.id)

    async def consider(
        self, guild: discord.Guild, channel_id: int, message_id: int, author_id: int, text: str, *, language_of: str
    ) -> None:
        """Explain what `text` (a message, or its translation) contains to its author."""
        if not self.bot.accepting_work or not text.strip():
            return
        if not await self.bot.guild_config.module_enabled(guild.id, "guidance"):
            return
        state = await self.store.guild(guild.id)
        if state.mode == "off" or author_id in state.muted_user_ids:
            return
        matcher = self.matchers.matcher_for(guild.id, state.config)
        matches = matcher.find(text)
        message = self._partial_message(channel_id, message_id) if matches else None
        if message is None:
            return
        entries = {entry.id: entry for entry in matcher.entries}
        fresh = [m for m in matches if await self._first_notice(guild.id, message_id, author_id, notice_key(m))]
        if not fresh:
            return
        noticed = [Noticed.of(entries[m.entry_id], m, text) for m in fresh]
        link = f"https://discord.com/channels/{guild.id}/{channel_id}/{message_id}"
        if state.mode == "reply":
            # Public: in the language of the message, which is what the channel reads.
            locale = await self._reader_locale(guild, language_of)
            await self._reply(message, self.notes.note(noticed, locale, link=link, muting_hint=False))
            return
        locale = await self._reader_locale(guild, language_of, reader_id=author_id)
        await self._react(message)
        note = self.notes.note(noticed, locale, link=link, muting_hint=True)
        if not await self._direct_message(guild, author_id, note):
            await self._fallback_reply(message, author_id, [n.entry.id for n in noticed], locale)

    async def _first_notice(self, guild_id: int, message_id: int, author_id: int, key: str) -> bool:
        recent = (message_id, author_id, key)
        if recent in self._recent:
            return False
        self._recent[recent] = None
        if len(self._recent) > RECENT_NOTICES:
            self._recent.popitem(last=False)
        return await self.store.claim_notice(guild_id, author_id, key, cooldown=self.cooldown)

    async def _reader_locale(self, guild: discord.Guild, text: str, *, reader_id: int | None = None) -> str:
        """There is no interaction locale for a message: the language the reader chose with
        /language; else the reader's Discord locale from their last interaction, when known; else a Chinese message gets a Chinese note (Traditional if
        written in Traditional), an English one English; anything else the server's configured
        locale, then its Discord community locale."""
        chosen = self.bot.personal_languages.chosen(reader_id) if reader_id is not None else None
        if chosen is not None:
            return chosen
        remembered = await self.store.user_locale(reader_id) if reader_id is not None else None
        detection = detect_language(text)
        locale = note_locale(remembered, detection.language, detection.script)
        if locale is not None:
            return locale
        settings = await self.bot.guild_config.settings(guild.id)
        return resolve_locale(settings.locale or guild.preferred_locale)

    def _partial_message(self, channel_id: int, message_id: int) -> discord.PartialMessage | None:
        channel = self.bot.get_channel(channel_id)
        if channel is None or not hasattr(channel, "get_partial_message"):
            return None
        return channel.get_partial_message(message_id)

    async def _react(self, message: discord.PartialMessage) -> None:
        try:
            await message.add_reaction(NOTICE_REACTION)
        except discord.HTTPException as error:
            log.info("guidance: could not react in channel=%s: %s", message.channel.id, error)

    async def _direct_message(self, guild: discord.Guild, user_id: int, text: str) -> bool:
        """False when the person does not accept direct messages (Discord 50007)."""
        try:
            user = guild.get_member(user_id) or await self.bot.fetch_user(user_id)
            await user.send(text, suppress_embeds=True, allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            return False
        except discord.HTTPException as error:
            log.warning("guidance: direct message to user=%s failed: %s", user_id, error)
        return True

    async def _reply(self, message: discord.PartialMessage, text: str) -> discord.Message | None:
        try:
            return await message.reply(
                text, mention_author=False, suppress_embeds=True, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as error:
            log.info("guidance: could not reply in channel=%s: %s", message.channel.id, error)
            return None

    async def _fallback_reply(self, message: discord.PartialMessage, author_id: int, entry_ids: list[str], locale: str) -> None:
        """DMs are closed: a short public pointer whose button shows the note privately, removed
        again after a minute. Only Qiao's own reply is ever deleted."""
        view = discord.ui.View(timeout=None)
        view.add_item(WhyButton(entry_ids, label=self.bot.i18n.bilingual("guidance.fallback.button")))
        try:
            reply = await message.reply(
                self.bot.i18n.t("guidance.fallback.reply", locale, mention=f"<@{author_id}>"),
                view=view,
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(author_id)], replied_user=False),
            )
        except discord.HTTPException as error:
            log.info("guidance: could not post the fallback reply in channel=%s: %s", message.channel.id, error)
            return
        removal = PendingRemoval(
            reply.id, reply.channel.id, datetime.now(UTC) + timedelta(seconds=self.fallback_reply_seconds)
        )
        self._schedule_removal(removal, store=True)

    def _schedule_removal(self, removal: PendingRemoval, *, store: bool = False) -> None:
        # Registered before any await, so a sweep running meanwhile never times it a second time.
        task = asyncio.create_task(self._remove_later(removal, store), name=f"guidance-remove-{removal.message_id}")
        self._removals[removal.message_id] = (removal, task)
        task.add_done_callback(lambda _done: self._removals.pop(removal.message_id, None))

    async def _remove_later(self, removal: PendingRemoval, store: bool) -> None:
        if store:  # so a restart before the minute is up still removes it
            await self.store.schedule_removal(removal.message_id, removal.channel_id, removal.delete_at)
        await asyncio.sleep(max(0.0, (removal.delete_at - datetime.now(UTC)).total_seconds()))
        await self._remove(removal)

    async def _remove(self, removal: PendingRemoval) -> None:
        """Delete one of Qiao's own fallback replies and forget it; a passing failure (Discord
        down) leaves it stored for the next sweep."""
        self._removing[removal.message_id] = None
        while len(self._removing) > RECENT_NOTICES:
            self._removing.popitem(last=False)
        reply = self.bot.get_partial_messageable(removal.channel_id).get_partial_message(removal.message_id)
        try:
            await reply.delete()
        except (discord.NotFound, discord.Forbidden) as error:
            if isinstance(error, discord.Forbidden):
                log.info("guidance: not allowed to remove fallback reply %s: %s", removal.message_id, error)
        except discord.HTTPException as error:
            log.info("guidance: could not remove fallback reply %s: %s", removal.message_id, error)
            self._removing.pop(removal.message_id, None)  # the next sweep tries again
            return
        await self.store.forget_removal(removal.message_id)

    async def explain_privately(self, interaction: discord.Interaction, entry_ids: list[str]) -> None:
        """The "Why?" button: the note, only for whoever pressed it, in their language."""
        matcher = await self._matcher(interaction.guild_id)
        known = {entry.id: entry for entry in matcher.entries}
        entries = [known[entry_id] for entry_id in entry_ids if entry_id in known]
        if not entries:
            text = self.bot.i18n.t("guidance.why.gone", reader_locale(interaction))
        else:
            text = self.notes.why(entries, reader_locale(interaction))
        await interaction.response.send_message(text, ephemeral=True, suppress_embeds=True)

    async def _matcher(self, guild_id: int) -> GuidanceMatcher:
        state = await self.store.guild(guild_id)
        return self.matchers.matcher_for(guild_id, state.config)

    # -- commands for everyone --------------------------------------------------------------

    @app_commands.command(
        name="check",
        description=_("Privately see which terms in a text Qiao would explain, and why", key="commands.guidance.check.description"),
    )
    @app_commands.describe(text=_("The text to check", key="commands.guidance.param.text"))
    @requires_module("guidance")
    async def check(self, interaction: discord.Interaction, text: app_commands.Range[str, 1, 1500]) -> None:
        matcher = await self._matcher(interaction.guild_id)
        entries = {entry.id: entry for entry in matcher.entries}
        noticed = [Noticed.of(entries[m.entry_id], m, text) for m in matcher.find(text)]
        await interaction.response.send_message(
            self.notes.check(noticed, reader_locale(interaction)), ephemeral=True, suppress_embeds=True
        )

    @app_commands.command(
        name="topics",
        description=_("Browse the sensitive topics Qiao explains, in your language", key="commands.guidance.topics.description"),
    )
    @app_commands.describe(category=_("A category to read (leave empty for the list)", key="commands.guidance.param.category"))
    @requires_module("guidance")
    async def topics(self, interaction: discord.Interaction, category: CategoryName | None = None) -> None:
        state = await self.store.guild(interaction.guild_id)
        locale = reader_locale(interaction)
        if category is None:
            embed = discord.Embed(
                title=self.bot.i18n.t("guidance.topics.title", locale),
                description=self._category_list(state, locale),
            )
        else:
            entries = self._entries_in(category, state)
            if not entries:
                raise UserFacingError("guidance.topics.unknown", name=shorten(category))
            embed = discord.Embed(
                title=self.notes.category_name(category, locale),
                description=self._entry_list(category, entries, state, locale),
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @topics.autocomplete("category")
    async def _topics_category(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._category_choices(interaction, current)

    @app_commands.command(name="mute", description=_("Stop Qiao's notes about your messages in this server", key="commands.guidance.mute.description"))
    @requires_module("guidance")
    async def mute(self, interaction: discord.Interaction) -> None:
        await self.store.set_muted(interaction.guild_id, interaction.user.id, True)
        await interaction.response.send_message(self.bot.i18n.t("guidance.mute.done", reader_locale(interaction)), ephemeral=True)

    @app_commands.command(name="unmute", description=_("Get Qiao's notes about your messages again", key="commands.guidance.unmute.description"))
    @requires_module("guidance")
    async def unmute(self, interaction: discord.Interaction) -> None:
        await self.store.set_muted(interaction.guild_id, interaction.user.id, False)
        await interaction.response.send_message(self.bot.i18n.t("guidance.unmute.done", reader_locale(interaction)), ephemeral=True)

    # -- commands for moderators ------------------------------------------------------------

    @app_commands.command(name="mode", description=_("How Qiao speaks up in this server", key="commands.guidance.mode.description"))
    @app_commands.describe(mode=_("off, a direct message (default) or a reply", key="commands.guidance.param.mode"))
    @app_commands.choices(mode=MODE_CHOICES)
    @moderator_only()
    @requires_module("guidance")
    async def mode(self, interaction: discord.Interaction, mode: app_commands.Choice[str]) -> None:
        await self.store.set_mode(interaction.guild_id, mode.value)
        await interaction.response.send_message(
            self.bot.i18n.t(f"guidance.mode.set_{mode.value}", reader_locale(interaction)), ephemeral=True
        )

    @app_commands.command(name="category", description=_("Turn a category of topics on or off", key="commands.guidance.category.description"))
    @app_commands.describe(
        name=_("The category", key="commands.guidance.param.category_name"),
        enabled=_("On or off", key="commands.guidance.param.enabled"),
    )
    @moderator_only()
    @requires_module("guidance")
    async def category(self, interaction: discord.Interaction, name: CategoryName, enabled: bool) -> None:
        if name not in self.catalogue.categories:
            raise UserFacingError("guidance.category.unknown", name=shorten(name))
        await self.store.set_category_enabled(interaction.guild_id, name, enabled)
        key = "guidance.category.enabled" if enabled else "guidance.category.disabled"
        await interaction.response.send_message(
            self.bot.i18n.t(key, reader_locale(interaction), name=self.notes.category_name(name, reader_locale(interaction))), ephemeral=True
        )

    @category.autocomplete("name")
    async def _category_name(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._category_choices(interaction, current, shipped_only=True)

    @app_commands.command(name="add", description=_("Add this server's own term with an explanation", key="commands.guidance.add.description"))
    @app_commands.describe(
        term=_("The term", key="commands.guidance.param.term"),
        explanation_en=_("Why it is sensitive, in English", key="commands.guidance.param.explanation_en"),
        explanation_zh=_("Why it is sensitive, in Chinese", key="commands.guidance.param.explanation_zh"),
        category=_("A category to file it under (optional)", key="commands.guidance.param.add_category"),
    )
    @moderator_only()
    @requires_module("guidance")
    async def add(
        self,
        interaction: discord.Interaction,
        term: app_commands.Range[str, 1, 50],
        explanation_en: app_commands.Range[str, 1, 600],
        explanation_zh: app_commands.Range[str, 1, 600],
        category: CategoryName | None = None,
    ) -> None:
        if category is not None and category not in self.catalogue.categories:
            raise UserFacingError("guidance.category.unknown", name=shorten(category))
        try:
            await self.store.add_custom_entry(
                interaction.guild_id, term, explanation_en=explanation_en, explanation_zh=explanation_zh,
                category=category, added_by=interaction.user.id,
            )
        except CatalogueError:
            raise UserFacingError("guidance.add.too_short", term=shorten(term)) from None
        await interaction.response.send_message(
            self.bot.i18n.t("guidance.add.done", reader_locale(interaction), term=shorten(term)), ephemeral=True
        )

    @add.autocomplete("category")
    async def _add_category(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._category_choices(interaction, current, shipped_only=True)

    @app_commands.command(name="remove", description=_("Remove one of this server's own or imported terms", key="commands.guidance.remove.description"))
    @app_commands.describe(term=_("The term", key="commands.guidance.param.term"))
    @moderator_only()
    @requires_module("guidance")
    async def remove(self, interaction: discord.Interaction, term: app_commands.Range[str, 1, 100]) -> None:
        removed = await self.store.remove_term(interaction.guild_id, term)
        if removed is None:
            raise UserFacingError("guidance.remove.not_found", term=shorten(term))
        await interaction.response.send_message(
            self.bot.i18n.t(f"guidance.remove.done_{removed}", reader_locale(interaction), term=shorten(term)), ephemeral=True
        )

    @remove.autocomplete("term")
    async def _remove_term(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        state = await self.store.guild(interaction.guild_id)
        wanted = normalise(current[:100])
        terms = [entry.display_term for entry in state.custom] + list(state.config.imported_terms)
        return [app_commands.Choice(name=t[:100], value=t[:100]) for t in terms if wanted in normalise(t)][:25]

    @app_commands.command(name="import", description=_("Import a keyword list (plain list or CSV) for this server only", key="commands.guidance.import.description"))
    @app_commands.describe(file=_("A .txt or .csv file", key="commands.guidance.param.file"))
    @moderator_only()
    @requires_module("guidance")
    async def import_list(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        if file.size > MAX_IMPORT_BYTES:
            raise UserFacingError(
                "guidance.import.too_large", size=file.size // 1024, limit=MAX_IMPORT_BYTES // 1024
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        matcher = await self._matcher(interaction.guild_id)
        existing = [term for entry in matcher.entries for term in entry.terms]
        try:
            preview = await asyncio.to_thread(parse_keyword_file, data, existing_terms=existing)
        except NotATextFile:
            raise UserFacingError("guidance.import.not_text", filename=shorten(file.filename)) from None
        locale = reader_locale(interaction)
        view = ImportPreviewView(self, owner_id=interaction.user.id, locale=locale, preview=preview, filename=file.filename)
        extra = {}
        if preview.rejected:
            report = self.notes.rejected_report(preview, file.filename, locale)
            extra["file"] = discord.File(io.BytesIO(report.encode("utf-8")), filename="rejected-rows.txt")
        await interaction.followup.send(
            self.notes.import_preview(preview, file.filename, locale), view=view, ephemeral=True, **extra
        )

    async def confirm_import(self, interaction: discord.Interaction, preview, filename: str) -> None:
        batch = await self.store.import_terms(
            interaction.guild_id, preview.terms, filename=filename, imported_by=interaction.user.id
        )
        log.info("guidance: guild=%s imported %d terms (batch %s)", interaction.guild_id, batch.term_count, batch.id)
        await interaction.response.edit_message(
            content=self.bot.i18n.t(
                "guidance.import.done", reader_locale(interaction), count=batch.term_count, filename=filename, batch=batch.id
            ),
            view=UndoImportView(self, batch_id=batch.id, locale=reader_locale(interaction)),
            attachments=[],
        )

    async def undo_import_batch(self, interaction: discord.Interaction, batch_id: int) -> None:
        batch = await self.store.undo_import(interaction.guild_id, batch_id)
        key = "guidance.undo.done" if batch else "guidance.undo.nothing"
        fields = {"count": batch.term_count, "filename": batch.filename} if batch else {}
        await interaction.response.edit_message(content=self.bot.i18n.t(key, reader_locale(interaction), **fields), view=None)

    @app_commands.command(name="undo-import", description=_("Remove the terms of the last import", key="commands.guidance.undo_import.description"))
    @moderator_only()
    @requires_module("guidance")
    async def undo_import(self, interaction: discord.Interaction) -> None:
        batch = await self.store.undo_import(interaction.guild_id)
        if batch is None:
            raise UserFacingError("guidance.undo.nothing")
        await interaction.response.send_message(
            self.bot.i18n.t("guidance.undo.done", reader_locale(interaction), count=batch.term_count, filename=batch.filename),
            ephemeral=True,
        )

    # -- browsing helpers -------------------------------------------------------------------

    async def _category_choices(
        self, interaction: discord.Interaction, current: str, *, shipped_only: bool = False
    ) -> list[app_commands.Choice[str]]:
        state = await self.store.guild(interaction.guild_id)
        ids = list(self.catalogue.categories)
        if not shipped_only:
            if state.custom:
                ids.append(CUSTOM_CATEGORY_ID)
            if state.config.imported_terms:
                ids.append(IMPORTED_ENTRY_ID)
        wanted = current[:64].casefold()
        choices = []
        for category_id in ids:
            name = self.notes.category_name(category_id, reader_locale(interaction))
            if wanted in category_id or wanted in name.casefold():
                choices.append(app_commands.Choice(name=name[:100], value=category_id))
        return choices[:25]

    def _entries_in(self, category: str, state: GuildGuidance) -> list[Entry]:
        if category == IMPORTED_ENTRY_ID:
            return [imported_entry(state.config.imported_terms)] if state.config.imported_terms else []
        own = [custom.to_entry() for custom in state.custom]
        return [e for e in (*self.catalogue.entries, *own) if e.category == category]

    def _category_list(self, state: GuildGuidance, locale: object) -> str:
        i18n = self.bot.i18n
        lines = []
        for category_id, category in self.catalogue.categories.items():
            count = sum(1 for e in self.catalogue.entries if e.category == category_id)
            key = "guidance.topics.category_off" if category_id in state.config.disabled_categories else "guidance.topics.category"
            lines.append(i18n.t(key, locale, name=category.name.for_locale(locale), id=category_id, count=count,
                                description=category.description.for_locale(locale)))
        if state.custom:
            lines.append(i18n.t("guidance.topics.own", locale, id=CUSTOM_CATEGORY_ID, count=len(state.custom)))
        if state.config.imported_terms:
            lines.append(i18n.t("guidance.topics.imported", locale, id=IMPORTED_ENTRY_ID, count=len(state.config.imported_terms)))
        lines.append(i18n.t("guidance.topics.hint", locale))
        return _clip("\n\n".join(lines), EMBED_LIMIT)

    def _entry_list(self, category: str, entries: list[Entry], state: GuildGuidance, locale: object) -> str:
        i18n = self.bot.i18n
        lines = []
        if category in state.config.disabled_categories:
            lines.append(i18n.t("guidance.topics.off_here", locale))
        for entry in entries:
            examples = ", ".join(entry.all_terms()[:4]) if entry.id != IMPORTED_ENTRY_ID else ", ".join(state.config.imported_terms[:10])
            lines.append(i18n.t("guidance.topics.entry", locale, title=self.notes.title(entry, locale), examples=examples,
                                explanation=self.notes.explanation(entry, locale)))
        return _clip("\n\n".join(lines), EMBED_LIMIT)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
