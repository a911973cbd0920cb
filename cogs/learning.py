"""For learners: the **Pinyin** message menu (installable in servers and by users).

It answers privately with the message's Chinese word by word (tone-marked pinyin, a short English
gloss, the HSK level) and the meaning of any slang from the catalogue. A message without Chinese
gets a private line saying so and its Chinese translation, read the same way. The work is in
`bot/learning/` (readings loaded on first use, the slang matcher); this cog only talks to Discord.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.bridge.deliver.pacing import SlidingWindowLimiter
from bot.bridge.translate import MessageTranslator
from bot.learning.answers import PinyinAnswer, reader_language
from bot.learning.reading import Reader, has_chinese, shared_reader
from bot.learning.slang import SlangMatcher, shared_matcher
from bot.personal_language import reader_locale
from bot.pipeline.detect import detect_language

log = logging.getLogger(__name__)

PINYIN_PER_MINUTE = 10


class LearningCog(commands.Cog, name="Learning"):
    def __init__(self, bot) -> None:
        self.bot = bot
        self.reader: Reader = shared_reader()
        self.slang: SlangMatcher = shared_matcher()
        self.limiter = SlidingWindowLimiter(PINYIN_PER_MINUTE, 60)
        self.menu = app_commands.ContextMenu(
            name=_("Pinyin", key="commands.learning.pinyin_menu.name"), callback=self.pinyin,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def pinyin(self, interaction: discord.Interaction, message: discord.Message) -> None:
        i18n, locale = self.bot.i18n, reader_locale(interaction)
        wait = self.limiter.try_acquire(interaction.user.id)
        if wait:
            await interaction.response.send_message(
                i18n.t("learning.pinyin.rate_limited", locale, seconds=max(1, round(wait))), ephemeral=True)
            return
        text = message.content or ""
        answer = PinyinAnswer(i18n, locale)
        slang = self.slang.find(text)
        if not text.strip():
            await interaction.response.send_message(i18n.t("learning.pinyin.empty", locale), ephemeral=True)
            return
        if has_chinese(text):
            if self.reader.loaded:
                words = self.reader.read(text)
            else:  # the first reading loads the dictionaries (a few seconds): answer within Discord's 3 s
                await interaction.response.defer(ephemeral=True, thinking=True)
                words = await asyncio.to_thread(self.reader.read, text)
            await self._send(interaction, answer.words(words, slang))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        if self._opted_out(message.author.id):
            await interaction.followup.send(answer.no_chinese_opted_out(slang), ephemeral=True)
            return
        target = "zh-Hant" if reader_language(locale) == "zh-Hant" else "zh-Hans"
        source = "en" if detect_language(text).language == "en" else "auto"
        result = await MessageTranslator(self.bot.translation).translate(text, source, target, interaction.guild_id or 0)
        if not result.ok or not has_chinese(result.text):
            await interaction.followup.send(answer.no_chinese_untranslated(slang), ephemeral=True)
            return
        words = await asyncio.to_thread(self.reader.read, result.text)
        await interaction.followup.send(answer.translation(result.text, words, slang), ephemeral=True)

    async def _send(self, interaction: discord.Interaction, text: str) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    def _opted_out(self, user_id: int) -> bool:
        """People who opted out of the bridge have their text sent to no provider."""
        optouts = getattr(self.bot.get_cog("BridgeCog"), "optouts", None)
        return optouts is not None and optouts.is_opted_out(user_id)


async def setup(bot) -> None:
    await bot.add_cog(LearningCog(bot))
