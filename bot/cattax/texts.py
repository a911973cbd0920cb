"""The words of cat tax, built from the locale catalogues without Discord: the reminder under a post
that does not pay the tax, and the settings summary of /cattax status and /cattax options.

The cog finds the facts only Discord knows (the channel's and role's mentions, the permissions
missing in the channel) and passes them in; everything said about them is decided here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from bot.cattax.rules import MAX_PHOTO_BYTES, MAX_VIDEO_BYTES, MEGABYTE, PostKind
from bot.cattax.store import CatTaxConfig

REMINDER_KEYS = {
    PostKind.TEXT_ONLY: "cattax.nudge.text_only",
    PostKind.NOT_A_PHOTO: "cattax.nudge.not_a_photo",
    PostKind.TOO_LARGE: "cattax.nudge.too_large",
}
# A reminder is public, under the post: both sides of the server read it.
REMINDER_LOCALES = ("en-US", "zh-CN")


class Catalogue(Protocol):
    def t(self, key: str, locale: object = ..., /, **fields: object) -> str: ...


def reminder_text(i18n: Catalogue, kind: PostKind, name: str, *, removed: bool) -> str:
    """The reminder in English, then Chinese; `name` is the author's name as plain text. When the post
    was removed, each line says so first."""
    fields = {"name": name, "photo_mb": MAX_PHOTO_BYTES // MEGABYTE, "video_mb": MAX_VIDEO_BYTES // MEGABYTE}
    texts = []
    for locale in REMINDER_LOCALES:
        text = i18n.t(REMINDER_KEYS[kind], locale, **fields)
        if removed:
            text = f"{i18n.t('cattax.nudge.removed', locale)} {text}"
        texts.append(text)
    return "\n".join(texts)


def permission_names(i18n: Catalogue, names: Iterable[str], locale: object) -> str:
    """Discord permission names (`manage_roles`) as the reader's client shows them, comma-separated."""
    return ", ".join(i18n.t(f"cattax.permission.{name}", locale) for name in names)


def settings_summary(
    i18n: Catalogue,
    config: CatTaxConfig,
    locale: object,
    *,
    channel: str,
    role: str | None,
    payments: int,
    missing: Iterable[str] = (),
    default_cooldown_seconds: float,
    default_lifetime_seconds: float,
) -> str:
    """One line per setting, in the reader's language. `channel` and `role` are how to show them (a
    mention; None: no role); `missing` the permissions Qiao lacks in the channel (a warning line when
    any); the defaults are what applies where the server chose nothing."""
    duration = i18n.t(f"commands.cattax.choice.archive.{config.archive_after_minutes}", locale)
    lines = [
        i18n.t("cattax.status.channel", locale, channel=channel),
        i18n.t("cattax.status.role", locale, role=role if role is not None else i18n.t("cattax.status.no_role", locale)),
        i18n.t("cattax.status.emoji", locale, emoji=config.emoji),
        i18n.t("cattax.status.archive", locale, duration=duration),
        i18n.t("cattax.status.thanks_in_channel" if config.thank_in_channel else "cattax.status.thanks_in_thread", locale),
        i18n.t(f"cattax.status.text_only.{config.text_only_action.value}", locale),
        i18n.t(
            "cattax.status.nudges", locale,
            cooldown=int(config.nudge_cooldown_seconds or default_cooldown_seconds) // 60,
            lifetime=config.nudge_lifetime_seconds or round(default_lifetime_seconds),
        ),
        i18n.t("cattax.status.payments", locale, count=payments),
    ]
    missing = list(missing)
    if missing:
        lines.append(i18n.t("cattax.status.missing", locale, permissions=permission_names(i18n, missing, locale)))
    return "\n".join(lines)
