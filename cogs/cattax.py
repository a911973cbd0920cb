"""Cat tax (猫税): pet photos in one channel become bilingual welcome threads.

Thin: Discord events and commands in, calls on `bot.cattax` (rules, storage) and the bridge out.

Choices made here: a nudge replies to the post and pings its author only (never roles or
@everyone), at most once per person per two minutes, and is deleted after 90 seconds (moderators
may choose 1-60 minutes and 15-600 seconds in /cattax options: how chatty a channel is differs
per server, and the bounds keep a nudge readable yet never lingering);
the leaderboard and /cattax random answer publicly (they are for fun) with names as plain text;
the "tax paid" role is granted once per member and role, even if moderators later remove it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bridge.translate import MessageTranslator
from bot.cattax.captions import translate_caption
from bot.cattax.rules import (
    ARCHIVE_DURATIONS,
    DEFAULT_EMOJI,
    DEFAULT_NUDGE_LIFETIME_SECONDS,
    MAX_PHOTO_BYTES,
    MAX_VIDEO_BYTES,
    MEGABYTE,
    NUDGE_COOLDOWN_MINUTES,
    NUDGE_LIFETIME_SECONDS,
    AttachmentInfo,
    NudgeCooldown,
    PostKind,
    PostVerdict,
    TextOnlyAction,
    classify_post,
    emoji_problem,
    fit_title,
    missing_permissions,
    needed_permissions,
    nudge_timing_problem,
)
from bot.cattax.store import CatTaxConfig, CatTaxStore, LeaderboardEntry, Payment
from bot.checks import UserFacingError, moderator_only, requires_module, role_grant_problem
from bot.i18n import shorten
from bot.personal_language import reader_locale

log = logging.getLogger(__name__)

MODULE = "cattax"
WEEK = timedelta(days=7)
THREAD_ALREADY_EXISTS = 160004
UNLOAD_DELETE_TIMEOUT = 5.0  # Discord's error code when someone opened the thread first

# moderator_notices problem keys: one notice per server and problem.
PROBLEM_THREADS = "cattax.create_public_threads"
PROBLEM_REACTIONS = "cattax.add_reactions"
PROBLEM_ROLES = "cattax.manage_roles"
PROBLEM_ROLE_GONE = "cattax.role_gone"
PROBLEM_REMOVAL = "cattax.manage_messages"

ARCHIVE_LABELS = {60: "1 hour", 1440: "24 hours", 4320: "3 days", 10080: "1 week"}
ARCHIVE_CHOICES = [
    app_commands.Choice(name=_(ARCHIVE_LABELS[minutes], key=f"commands.cattax.choice.archive.{minutes}"), value=minutes)
    for minutes in ARCHIVE_DURATIONS
]
TEXT_ONLY_LABELS = {
    TextOnlyAction.NUDGE: "Leave it, with a friendly reminder",
    TextOnlyAction.REMOVE: "Remove it, with a friendly reminder",
}
TEXT_ONLY_CHOICES = [
    app_commands.Choice(name=_(label, key=f"commands.cattax.choice.text_only.{action.value}"), value=action.value)
    for action, label in TEXT_ONLY_LABELS.items()
]
NUDGE_KEYS = {
    PostKind.TEXT_ONLY: "cattax.nudge.text_only",
    PostKind.NOT_A_PHOTO: "cattax.nudge.not_a_photo",
    PostKind.TOO_LARGE: "cattax.nudge.too_large",
}


def plain(text: str) -> str:
    """A name shown as text: no markdown, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


class CatTax(
    commands.GroupCog,
    group_name=_("cattax", key="commands.cattax.name"),
    group_description=_("Cat tax: pet photos that welcome newcomers", key="commands.cattax.description"),
):
    # How long a nudge stays before Qiao deletes it unless the server chose otherwise (tests shorten it).
    nudge_lifetime: float = float(DEFAULT_NUDGE_LIFETIME_SECONDS)

    def __init__(self, bot) -> None:
        self.bot = bot
        self.store = CatTaxStore(bot.db)
        self.nudge_cooldown = NudgeCooldown()
        self.translator = MessageTranslator(bot.translation)
        self._nudge_tasks: set[asyncio.Task[None]] = set()
        self._nudges_waiting: dict[asyncio.Task[None], discord.Message] = {}  # deletion not started yet

    async def cog_unload(self) -> None:
        waiting = list(self._nudges_waiting.values())
        for task in list(self._nudge_tasks):
            task.cancel()
        await asyncio.gather(*self._nudge_tasks, return_exceptions=True)
        # A nudge must not outlive the bot that would have removed it, but shutdown must stay quick.
        if waiting:
            await asyncio.wait(
                [asyncio.create_task(self._delete_quietly(nudge)) for nudge in waiting], timeout=UNLOAD_DELETE_TIMEOUT
            )

    # ---- commands: moderators ------------------------------------------------------------------

    @app_commands.command(name="setup", description=_("Make a channel the cat-tax channel", key="commands.cattax.setup.description"))
    @app_commands.describe(
        channel=_("The channel where newcomers post pet photos", key="commands.cattax.param.channel"),
        role=_("Role given the first time someone pays the tax", key="commands.cattax.param.role"),
        emoji=_("Reaction on each photo (default 🐱)", key="commands.cattax.param.emoji"),
    )
    @moderator_only()
    @requires_module(MODULE)
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        role: discord.Role | None = None,
        emoji: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        guild = interaction.guild
        parsed, problem = emoji_problem(emoji or DEFAULT_EMOJI, (known.id for known in guild.emojis))
        if problem:
            raise UserFacingError(problem, emoji=shorten(emoji, 64))
        if role is not None:
            self._check_grantable(role, guild)
        config = await self.store.set_up(
            guild.id, channel.id, role_id=role.id if role else None, emoji=parsed.text
        )
        locale = reader_locale(interaction)
        lines = [
            self.bot.i18n.t(
                "cattax.setup.done", locale, channel=channel.mention, emoji=config.emoji,
                role=role.mention if role else self.bot.i18n.t("cattax.status.no_role", locale),
            )
        ]
        missing = self._missing_permissions(channel, config)
        if missing:
            lines.append(
                self.bot.i18n.t(
                    "cattax.setup.missing_permissions", locale, channel=channel.mention,
                    permissions=self._permission_names(missing, locale),
                )
            )
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(name="disable", description=_("Stop using the cat-tax channel (payments are kept)", key="commands.cattax.disable.description"))
    @moderator_only()
    async def disable(self, interaction: discord.Interaction) -> None:
        if not await self.store.disable(interaction.guild_id):
            raise UserFacingError("cattax.error.not_set_up")
        await interaction.response.send_message(self.bot.i18n.t("cattax.disable.done", reader_locale(interaction)), ephemeral=True)

    @app_commands.command(name="status", description=_("Show the cat-tax settings", key="commands.cattax.status.description"))
    @moderator_only()
    async def status(self, interaction: discord.Interaction) -> None:
        config = await self.store.config(interaction.guild_id)
        if config is None:
            text = self.bot.i18n.t("cattax.status.off", reader_locale(interaction))
        else:
            text = await self._summary(interaction.guild, config, reader_locale(interaction))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="options", description=_("Change how the cat-tax channel behaves", key="commands.cattax.options.description"))
    @app_commands.describe(
        archive_after=_("Archive a quiet photo thread after", key="commands.cattax.param.archive_after"),
        thank_in_channel=_("Also thank tax payers in the channel itself", key="commands.cattax.param.thank_in_channel"),
        text_only=_("What to do with posts that have no photo", key="commands.cattax.param.text_only"),
        nudge_cooldown=_(
            "Minutes before the same person is reminded again (1–60, default 2)", key="commands.cattax.param.nudge_cooldown"
        ),
        nudge_lifetime=_(
            "Seconds a reminder stays before Qiao removes it (15–600, default 90)", key="commands.cattax.param.nudge_lifetime"
        ),
    )
    @app_commands.choices(archive_after=ARCHIVE_CHOICES, text_only=TEXT_ONLY_CHOICES)
    @moderator_only()
    @requires_module(MODULE)
    async def options(
        self,
        interaction: discord.Interaction,
        archive_after: app_commands.Choice[int] | None = None,
        thank_in_channel: bool | None = None,
        text_only: app_commands.Choice[str] | None = None,
        nudge_cooldown: app_commands.Range[int, NUDGE_COOLDOWN_MINUTES[0], NUDGE_COOLDOWN_MINUTES[1]] | None = None,
        nudge_lifetime: app_commands.Range[int, NUDGE_LIFETIME_SECONDS[0], NUDGE_LIFETIME_SECONDS[1]] | None = None,
    ) -> None:
        # Discord enforces the ranges in its client; checked here too, with a message that says why.
        problem = nudge_timing_problem(nudge_cooldown, nudge_lifetime)
        if problem is not None:
            key, fields = problem
            raise UserFacingError(key, **fields)
        changes: dict[str, object] = {}
        if nudge_cooldown is not None:
            changes["nudge_cooldown_seconds"] = nudge_cooldown * 60
        if nudge_lifetime is not None:
            changes["nudge_lifetime_seconds"] = nudge_lifetime
        if archive_after is not None:
            changes["archive_after_minutes"] = archive_after.value
        if thank_in_channel is not None:
            changes["thank_in_channel"] = thank_in_channel
        if text_only is not None:
            changes["text_only_action"] = TextOnlyAction(text_only.value)
        config = await self.store.update_options(interaction.guild_id, **changes)
        if config is None:
            raise UserFacingError("cattax.error.not_set_up")
        locale = reader_locale(interaction)
        summary = await self._summary(interaction.guild, config, locale)
        await interaction.response.send_message(
            self.bot.i18n.t("cattax.options.done", locale) + "\n" + summary, ephemeral=True
        )

    # ---- commands: everyone --------------------------------------------------------------------

    @app_commands.command(name="leaderboard", description=_("Who has paid the most cat tax", key="commands.cattax.leaderboard.description"))
    @app_commands.guild_only()
    @requires_module(MODULE)
    async def leaderboard(self, interaction: discord.Interaction) -> None:
        # Public on purpose: it is a bit of fun for the channel. Names are plain text, never pings.
        guild = interaction.guild
        this_week = await self.store.leaderboard(guild.id, since=datetime.now(UTC) - WEEK)
        all_time = await self.store.leaderboard(guild.id)
        i18n, chinese = self.bot.i18n, reader_locale(interaction)  # the caller's Chinese: zh-TW reads Traditional
        lines = [f"**{i18n.bilingual('cattax.leaderboard.title', chinese=chinese)}**"]
        for heading, entries in (("cattax.leaderboard.week", this_week), ("cattax.leaderboard.all_time", all_time)):
            lines.append("")
            lines.append(f"__{i18n.bilingual(heading, chinese=chinese)}__")
            lines.extend(self._leaderboard_lines(guild, entries, chinese))
        await interaction.response.send_message("\n".join(lines), allowed_mentions=discord.AllowedMentions.none())

    @app_commands.command(name="random", description=_("A random cat-tax photo, for a smile", key="commands.cattax.random.description"))
    @app_commands.guild_only()
    @requires_module(MODULE)
    async def random(self, interaction: discord.Interaction) -> None:
        payment = await self.store.random_payment(interaction.guild_id)
        if payment is None:
            await interaction.response.send_message(self.bot.i18n.t("cattax.random.none", reader_locale(interaction)), ephemeral=True)
            return
        member = interaction.guild.get_member(payment.author_id)
        name = plain(member.display_name if member else payment.author_name)
        link = jump_url(payment.guild_id, payment.channel_id, payment.message_id)
        lines = [self.bot.i18n.bilingual("cattax.random.shown", chinese=reader_locale(interaction), name=name, link=link)]
        lines.extend(payment.attachment_urls[:1])
        await interaction.response.send_message("\n".join(lines), allowed_mentions=discord.AllowedMentions.none())

    # ---- events --------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply) or not self.bot.accepting_work:
            return
        config = await self.store.config(message.guild.id)
        if config is None:
            return
        channel = message.channel
        in_thread = isinstance(channel, discord.Thread) and channel.parent_id == config.channel_id
        if channel.id != config.channel_id and not in_thread:
            return
        if not await self.bot.guild_config.module_enabled(message.guild.id, MODULE):
            return
        if in_thread:
            await self._relay_conversation(message, channel)
            return
        verdict = classify_post(
            AttachmentInfo(attachment.filename, attachment.content_type, attachment.size, attachment.url)
            for attachment in message.attachments
        )
        if verdict.is_tax:
            await self._collect_tax(message, config, verdict)
        else:
            await self._answer_untaxed_post(message, config, verdict)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        await self._forget_deleted(payload.guild_id, payload.channel_id, [payload.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        await self._forget_deleted(payload.guild_id, payload.channel_id, list(payload.message_ids))

    async def _forget_deleted(self, guild_id: int | None, channel_id: int, message_ids: list[int]) -> None:
        # Any channel that ever held a payment, not only today's cat-tax channel: moving the
        # channel (or turning cat tax off) must not make old posts undeletable from the ledger.
        if guild_id is None or channel_id not in await self.store.payment_channels(guild_id):
            return
        # The role a deleted post earned stays: taking it back would punish tidying up.
        removed = await self.store.remove_payments(message_ids, guild_id=guild_id)
        if removed:
            log.info("cattax: forgot %d payment(s) for deleted posts guild=%s", removed, guild_id)

    # ---- paying the tax --------------------------------------------------------------------------

    async def _collect_tax(self, message: discord.Message, config: CatTaxConfig, verdict: PostVerdict) -> None:
        guild = message.guild
        author = message.author
        name = author.display_name
        await self._react(message, config)
        thread = await self._open_thread(message, config, name)
        await self.store.record_payment(
            Payment(
                message_id=message.id,
                guild_id=guild.id,
                channel_id=message.channel.id,
                author_id=author.id,
                author_name=name,
                attachment_urls=tuple(attachment.url for attachment in verdict.media),
                created_at=message.created_at,
                thread_id=thread.id if thread else None,
            )
        )
        await self._grant_role_once(message, config)
        if thread is not None:
            await self._send_quietly(thread, self.bot.i18n.bilingual("cattax.thread.welcome", separator="\n", name=plain(name)))
            await self._relay_caption(message, thread)
        if config.thank_in_channel:
            await self._reply_quietly(message, self.bot.i18n.bilingual("cattax.thanks", separator="\n", name=plain(name)))

    async def _react(self, message: discord.Message, config: CatTaxConfig) -> None:
        try:
            await message.add_reaction(discord.PartialEmoji.from_str(config.emoji))
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(
                message.guild, PROBLEM_REACTIONS, "cattax.notice.missing_reactions", channel=message.channel.mention
            )
        except discord.HTTPException as error:  # e.g. the custom emoji was deleted since setup
            log.warning("cattax: could not react with %s guild=%s: %s", config.emoji, message.guild.id, error)
        else:
            self.bot.moderator_notices.forget(message.guild.id, PROBLEM_REACTIONS)

    async def _open_thread(self, message: discord.Message, config: CatTaxConfig, name: str) -> discord.Thread | None:
        title = fit_title(lambda shown: self.bot.i18n.bilingual("cattax.thread.title", name=shown), name)
        try:
            thread = await message.create_thread(name=title, auto_archive_duration=config.archive_after_minutes)
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(
                message.guild, PROBLEM_THREADS, "cattax.notice.missing_threads", channel=message.channel.mention
            )
            return None
        except discord.HTTPException as error:
            if error.code == THREAD_ALREADY_EXISTS:
                return message.guild.get_thread(message.id)
            log.warning("cattax: no thread for message=%s guild=%s: %s", message.id, message.guild.id, error)
            return None
        self.bot.moderator_notices.forget(message.guild.id, PROBLEM_THREADS)
        return thread

    async def _grant_role_once(self, message: discord.Message, config: CatTaxConfig) -> None:
        if config.role_id is None:
            return
        guild = message.guild
        role = guild.get_role(config.role_id)
        if role is None:
            await self.bot.moderator_notices.notify_once(guild, PROBLEM_ROLE_GONE, "cattax.notice.role_gone")
            return
        member = message.author if isinstance(message.author, discord.Member) else guild.get_member(message.author.id)
        if member is None:
            return
        claimed = await self.store.claim_role_grant(guild.id, member.id, role.id)
        if not claimed or member.get_role(role.id) is not None:
            return
        try:
            await member.add_roles(role, reason="Paid the cat tax (猫税)")
        except discord.HTTPException as error:
            await self.store.release_role_grant(guild.id, member.id, role.id)
            if isinstance(error, discord.Forbidden):
                await self.bot.moderator_notices.notify_once(
                    guild, PROBLEM_ROLES, "cattax.notice.missing_roles", role=role.mention
                )
            else:
                log.warning("cattax: could not grant role=%s guild=%s: %s", role.id, guild.id, error)
            return
        self.bot.moderator_notices.forget(guild.id, PROBLEM_ROLES)
        log.info("cattax: granted the tax-paid role guild=%s member=%s", guild.id, member.id)

    # ---- translation inside the threads -----------------------------------------------------------

    async def _relay_caption(self, message: discord.Message, thread: discord.Thread) -> None:
        if not await self._relay_through_bridge(message, thread):
            await self._post_own_translation(message, thread)

    async def _relay_conversation(self, message: discord.Message, thread: discord.Thread) -> None:
        if not await self._relay_through_bridge(message, thread):
            await self._post_own_translation(message, thread)

    async def _relay_through_bridge(self, message: discord.Message, thread: discord.Thread) -> bool:
        """INTEGRATION POINT with the bridge (`bot.bridge_relay`, None when the bridge cog is not loaded).

        Its `relay_mixed` posts the translation right under the message, in `thread`, under the
        author's name, as in a mixed bridge channel. Without the bridge, Qiao translates here itself.
        """
        bridge = getattr(self.bot, "bridge_relay", None)
        if bridge is None:
            return False
        try:
            await bridge.relay_mixed(message, thread=thread)
        except Exception:
            log.exception("cattax: the bridge could not relay message=%s; translating here instead", message.id)
            return False
        return True

    async def _post_own_translation(self, message: discord.Message, thread: discord.Thread) -> None:
        translation = await translate_caption(message.content, self.translator, message.guild.id)
        if translation is None:
            return
        reader_locale = "zh-CN" if translation.target.startswith("zh") else "en-US"
        text = self.bot.i18n.t(
            "cattax.caption.translated", reader_locale, name=plain(message.author.display_name), text=translation.text
        )
        await self._send_quietly(thread, text[:2000])

    # ---- posts without a photo ---------------------------------------------------------------------

    async def _answer_untaxed_post(self, message: discord.Message, config: CatTaxConfig, verdict: PostVerdict) -> None:
        removed = False
        if config.text_only_action is TextOnlyAction.REMOVE:
            removed = await self._remove(message)
        if not self.nudge_cooldown.ready(message.channel.id, message.author.id, config.nudge_cooldown_seconds):
            return
        nudge_text = self._nudge_text(verdict.kind, plain(message.author.display_name), removed)
        try:
            if removed:
                nudge = await message.channel.send(
                    f"{message.author.mention}\n{nudge_text}",
                    allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=[message.author]),
                )
            else:
                # A reply that pings its author only: the nudge must reach them, nobody else.
                nudge = await message.reply(
                    nudge_text,
                    mention_author=True,
                    allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=False, replied_user=True),
                )
        except discord.HTTPException as error:
            log.warning("cattax: could not nudge in channel=%s guild=%s: %s", message.channel.id, message.guild.id, error)
            return
        lifetime = config.nudge_lifetime_seconds
        self._delete_later(nudge, self.nudge_lifetime if lifetime is None else float(lifetime))

    def _nudge_text(self, kind: PostKind, name: str, removed: bool) -> str:
        fields = {"name": name, "photo_mb": MAX_PHOTO_BYTES // MEGABYTE, "video_mb": MAX_VIDEO_BYTES // MEGABYTE}
        texts = []
        for locale in ("en-US", "zh-CN"):
            text = self.bot.i18n.t(NUDGE_KEYS[kind], locale, **fields)
            if removed:
                text = f"{self.bot.i18n.t('cattax.nudge.removed', locale)} {text}"
            texts.append(text)
        return "\n".join(texts)

    async def _remove(self, message: discord.Message) -> bool:
        try:
            await message.delete()
        except discord.NotFound:
            return True
        except discord.Forbidden:
            await self.bot.moderator_notices.notify_once(
                message.guild, PROBLEM_REMOVAL, "cattax.notice.missing_manage_messages", channel=message.channel.mention
            )
            return False
        except discord.HTTPException as error:
            log.warning("cattax: could not remove message=%s guild=%s: %s", message.id, message.guild.id, error)
            return False
        self.bot.moderator_notices.forget(message.guild.id, PROBLEM_REMOVAL)
        return True

    def _delete_later(self, nudge: discord.Message, delay: float) -> None:
        task = asyncio.create_task(self._delete_after(nudge, delay), name=f"cattax-nudge-{nudge.id}")
        self._nudge_tasks.add(task)
        self._nudges_waiting[task] = nudge
        task.add_done_callback(self._nudge_task_done)

    def _nudge_task_done(self, task: asyncio.Task[None]) -> None:
        self._nudge_tasks.discard(task)
        self._nudges_waiting.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("cattax: deleting a nudge failed", exc_info=task.exception())

    async def _delete_after(self, nudge: discord.Message, delay: float) -> None:
        await asyncio.sleep(delay)
        self._nudges_waiting.pop(asyncio.current_task(), None)
        await self._delete_quietly(nudge)

    @staticmethod
    async def _delete_quietly(nudge: discord.Message) -> None:
        try:
            await nudge.delete()
        except discord.HTTPException as error:
            if not isinstance(error, discord.NotFound):
                log.warning("cattax: could not delete nudge=%s: %s", nudge.id, error)

    # ---- helpers ---------------------------------------------------------------------------------

    async def _send_quietly(self, channel: discord.abc.Messageable, text: str) -> None:
        try:
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("cattax: could not post in channel=%s: %s", getattr(channel, "id", "?"), error)

    async def _reply_quietly(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(text, mention_author=False, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("cattax: could not thank in channel=%s: %s", message.channel.id, error)

    def _check_grantable(self, role: discord.Role, guild: discord.Guild) -> None:
        problem = role_grant_problem(role, guild)
        if problem is not None:
            raise UserFacingError(f"cattax.error.role_{problem}", role=role.mention)

    def _missing_permissions(self, channel: discord.abc.GuildChannel, config: CatTaxConfig) -> list[str]:
        granted = channel.permissions_for(channel.guild.me)
        needed = needed_permissions(
            grants_role=config.role_id is not None,
            removes_posts=config.text_only_action is TextOnlyAction.REMOVE,
        )
        return missing_permissions(lambda name: getattr(granted, name), needed)

    def _permission_names(self, names: list[str], locale: discord.Locale) -> str:
        return ", ".join(self.bot.i18n.t(f"cattax.permission.{name}", locale) for name in names)

    async def _summary(self, guild: discord.Guild, config: CatTaxConfig, locale: discord.Locale) -> str:
        i18n = self.bot.i18n
        channel = guild.get_channel(config.channel_id)
        role = guild.get_role(config.role_id) if config.role_id else None
        duration = i18n.t(f"commands.cattax.choice.archive.{config.archive_after_minutes}", locale)
        lines = [
            i18n.t("cattax.status.channel", locale, channel=channel.mention if channel else f"#{config.channel_id}"),
            i18n.t("cattax.status.role", locale, role=role.mention if role else i18n.t("cattax.status.no_role", locale)),
            i18n.t("cattax.status.emoji", locale, emoji=config.emoji),
            i18n.t("cattax.status.archive", locale, duration=duration),
            i18n.t("cattax.status.thanks_in_channel" if config.thank_in_channel else "cattax.status.thanks_in_thread", locale),
            i18n.t(f"cattax.status.text_only.{config.text_only_action.value}", locale),
            i18n.t(
                "cattax.status.nudges", locale,
                cooldown=int(config.nudge_cooldown_seconds or self.nudge_cooldown.seconds) // 60,
                lifetime=config.nudge_lifetime_seconds or round(self.nudge_lifetime),
            ),
            i18n.t("cattax.status.payments", locale, count=await self.store.payment_count(guild.id)),
        ]
        if channel is not None:
            missing = self._missing_permissions(channel, config)
            if missing:
                lines.append(i18n.t("cattax.status.missing", locale, permissions=self._permission_names(missing, locale)))
        return "\n".join(lines)

    def _leaderboard_lines(self, guild: discord.Guild, entries: list[LeaderboardEntry], chinese: object = "zh-CN") -> list[str]:
        if not entries:
            return [self.bot.i18n.bilingual("cattax.leaderboard.empty", chinese=chinese)]
        lines = []
        for rank, entry in enumerate(entries, start=1):
            member = guild.get_member(entry.author_id)
            name = plain(member.display_name if member else entry.author_name)
            lines.append(self.bot.i18n.t("cattax.leaderboard.line", "en-US", rank=rank, name=name, count=entry.payments))
        return lines


async def setup(bot) -> None:
    await bot.add_cog(CatTax(bot))
