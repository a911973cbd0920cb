"""Who gets which copy of a message, in which language. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bridge.models import Bridge, BridgeChannel, TargetLanguage
from bot.pipeline.detect import Detection

SourceLanguage = str  # a bot.translation SourceLang: "en", "zh", "zh-Hans", "zh-Hant" or "auto"


@dataclass(frozen=True, slots=True)
class CopyPlan:
    """One copy to post.

    `translate_to` is None when the text goes across as it is (already in the channel's
    language, or nothing to translate); `convert_script` then says whether Chinese text is
    converted locally between Simplified and Traditional (OpenCC, no provider call).
    `under_original` marks a translation posted in the original's own channel.
    """

    channel: BridgeChannel
    translate_to: TargetLanguage | None
    source_language: SourceLanguage
    under_original: bool = False
    convert_script: TargetLanguage | None = None

    @property
    def is_translation(self) -> bool:
        return self.translate_to is not None


def source_language(detection: Detection) -> SourceLanguage:
    if detection.language == "en":
        return "en"
    if detection.language == "zh":
        return "zh-Hant" if detection.script == "traditional" else "zh-Hans"
    return "auto"


def target_for(channel: BridgeChannel, language: str) -> TargetLanguage:
    return "en" if language == "en" else channel.chinese_target


def plan_copies(bridge: Bridge, source_channel_id: int, detection: Detection) -> list[CopyPlan]:
    """Copies of a message posted in `source_channel_id` whose text was detected as `detection`.

    Linked bridge: every other channel gets the message in its own language (translated, or as
    it is when already in that language; text without words goes across untouched). A message
    written in the other language than its channel's also gets a translation under it, so
    readers of that channel can follow too. Mixed channel: English gets a Chinese translation
    under it and Chinese an English one; anything else is left alone.
    """
    source = bridge.channel(source_channel_id)
    if source is None:
        return []
    language = detection.language
    source_lang = source_language(detection)
    if source.language == "mixed":
        if language == "en":
            return [CopyPlan(source, source.chinese_target, source_lang, under_original=True)]
        if language == "zh":
            return [CopyPlan(source, "en", source_lang, under_original=True)]
        return []

    plans: list[CopyPlan] = []
    for channel in bridge.channels:
        if channel.channel_id == source_channel_id or channel.language == "mixed":
            continue
        plans.append(_copy_for(channel, language, detection, source_lang))
    if language in ("en", "zh") and language != source.language:
        plans.append(CopyPlan(source, target_for(source, source.language), source_lang, under_original=True))
    return plans


def _copy_for(channel: BridgeChannel, language: str, detection: Detection, source_lang: SourceLanguage) -> CopyPlan:
    if language == "none":
        return CopyPlan(channel, None, source_lang)
    if language == channel.language:
        if language == "zh" and (detection.script or "simplified") != channel.script:
            return CopyPlan(channel, None, source_lang, convert_script=channel.chinese_target)
        return CopyPlan(channel, None, source_lang)
    return CopyPlan(channel, target_for(channel, channel.language), source_lang)
