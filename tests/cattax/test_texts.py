"""The reminder under a post that does not pay the tax and the settings summary, from the real
catalogues (no Discord)."""

import pytest

from bot.cattax.rules import PostKind, TextOnlyAction
from bot.cattax.store import CatTaxConfig
from bot.cattax.texts import REMINDER_KEYS, permission_names, reminder_text, settings_summary
from bot.i18n import I18n

I18N = I18n.load()
CONFIG = CatTaxConfig(guild_id=1, channel_id=2)


def test_every_kind_of_untaxed_post_has_a_reminder() -> None:
    assert set(REMINDER_KEYS) == set(PostKind) - {PostKind.TAX}


@pytest.mark.parametrize("kind", list(REMINDER_KEYS))
def test_a_reminder_is_english_then_chinese_with_the_author_s_name(kind: PostKind) -> None:
    english, chinese = reminder_text(I18N, kind, "Alice", removed=False).split("\n")
    assert english == I18N.t(REMINDER_KEYS[kind], "en-US", name="Alice", photo_mb=25, video_mb=50)
    assert chinese == I18N.t(REMINDER_KEYS[kind], "zh-CN", name="Alice", photo_mb=25, video_mb=50)
    assert "Alice" in english and "Alice" in chinese


def test_the_too_large_reminder_names_both_limits_in_megabytes() -> None:
    english, chinese = reminder_text(I18N, PostKind.TOO_LARGE, "Alice", removed=False).split("\n")
    assert "25 MB" in english and "50 MB" in english
    assert "25 MB" in chinese and "50 MB" in chinese
    assert "{" not in english + chinese


def test_a_removed_post_s_reminder_says_so_first_on_each_line() -> None:
    english, chinese = reminder_text(I18N, PostKind.TEXT_ONLY, "王伟", removed=True).split("\n")
    assert english.startswith("Your post was removed. Hi 王伟!")
    assert chinese.startswith("你的帖子已被删除。 ")
    kept = reminder_text(I18N, PostKind.TEXT_ONLY, "王伟", removed=False)
    assert "removed" not in kept and "删除" not in kept


def summary(config: CatTaxConfig = CONFIG, locale: str = "en-US", **facts) -> list[str]:
    facts = {"channel": "<#2>", "role": None, "payments": 0, "default_cooldown_seconds": 120,
             "default_lifetime_seconds": 90.0, **facts}
    return settings_summary(I18N, config, locale, **facts).split("\n")


def test_the_summary_of_a_fresh_setup_shows_qiao_s_defaults() -> None:
    assert summary(payments=3) == [
        "Channel: <#2>",
        "Role for first-time payers: none",
        "Reaction: 🐱",
        "Quiet threads archive after: 24 hours",
        "Payers are thanked in their thread",
        "Posts without a photo: left, with a friendly reminder",
        "Reminders: at most one per person every 2 min, removed after 90 s",
        "Tax paid so far: 3",
    ]


def test_the_summary_shows_what_the_server_chose() -> None:
    config = CatTaxConfig(
        guild_id=1, channel_id=2, role_id=3, emoji="🐶", archive_after_minutes=60, thank_in_channel=True,
        text_only_action=TextOnlyAction.REMOVE, nudge_cooldown_seconds=600, nudge_lifetime_seconds=30,
    )
    lines = summary(config, role="<@&3>")
    assert lines[1:7] == [
        "Role for first-time payers: <@&3>",
        "Reaction: 🐶",
        "Quiet threads archive after: 1 hour",
        "Payers are thanked in their thread and in the channel",
        "Posts without a photo: removed, with a friendly reminder",
        "Reminders: at most one per person every 10 min, removed after 30 s",
    ]


def test_missing_permissions_are_one_warning_line_in_the_reader_s_language() -> None:
    assert not any(line.startswith("⚠️") for line in summary())
    english = summary(missing=["add_reactions", "manage_roles"])
    assert english[-1].startswith("⚠️ ") and english[-1].endswith(": " + permission_names(I18N, ["add_reactions", "manage_roles"], "en-US"))
    assert summary(locale="zh-CN", missing=["add_reactions", "manage_roles"])[-1] == "⚠️ 频道中缺少的权限：添加反应, 管理身份组"
    assert summary(locale="zh-TW", missing=["manage_roles"])[-1] == "⚠️ 頻道中缺少的權限：管理身分組"


def test_the_summary_is_in_the_reader_s_language_with_every_placeholder_filled() -> None:
    for locale in ("zh-CN", "zh-TW"):
        lines = summary(locale=locale, missing=["manage_roles"])
        assert len(lines) == 9
        assert lines[1].endswith("无" if locale == "zh-CN" else "無")
        assert not any("{" in line or "Channel" in line for line in lines)
