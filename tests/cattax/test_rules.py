"""What counts as cat tax, bilingual thread titles, emoji and permission rules (no Discord)."""

import pytest

from bot.cattax.rules import (
    MAX_PHOTO_BYTES,
    MAX_VIDEO_BYTES,
    THREAD_TITLE_LIMIT,
    AttachmentInfo,
    NudgeCooldown,
    PostKind,
    classify_post,
    cut_name,
    emoji_problem,
    fit_title,
    missing_permissions,
    needed_permissions,
    parse_emoji,
    utf16_length,
)
from bot.i18n import I18n

I18N = I18n.load()


def attachment(filename: str, content_type: str | None = None, size: int = 1000) -> AttachmentInfo:
    return AttachmentInfo(filename, content_type, size, f"https://cdn.example/{filename}")


def title_for(name: str) -> str:
    return fit_title(lambda shown: I18N.bilingual("cattax.thread.title", name=shown), name)


def test_a_photo_is_tax() -> None:
    verdict = classify_post([attachment("mochi.jpg", "image/jpeg")])
    assert verdict.kind is PostKind.TAX and [a.filename for a in verdict.media] == ["mochi.jpg"]


def test_a_photo_without_content_type_is_recognised_by_its_extension() -> None:
    assert classify_post([attachment("IMG_0001.HEIC")]).is_tax


def test_a_short_video_is_tax() -> None:
    assert classify_post([attachment("zoomies.mp4", "video/mp4", MAX_VIDEO_BYTES)]).is_tax


def test_a_long_video_is_too_large() -> None:
    assert classify_post([attachment("movie.mp4", "video/mp4", MAX_VIDEO_BYTES + 1)]).kind is PostKind.TOO_LARGE


def test_an_oversized_photo_next_to_a_good_one_still_pays() -> None:
    verdict = classify_post([attachment("huge.png", "image/png", MAX_PHOTO_BYTES + 1), attachment("ok.png", "image/png")])
    assert verdict.is_tax and [a.filename for a in verdict.media] == ["ok.png"]


def test_a_pdf_is_not_a_photo() -> None:
    assert classify_post([attachment("vet-bill.pdf", "application/pdf")]).kind is PostKind.NOT_A_PHOTO


def test_a_content_type_wins_over_a_misleading_extension() -> None:
    assert classify_post([attachment("cat.png", "application/zip")]).kind is PostKind.NOT_A_PHOTO


def test_no_attachments_is_text_only() -> None:
    assert classify_post([]).kind is PostKind.TEXT_ONLY


def test_the_thread_title_is_bilingual() -> None:
    assert title_for("Ana") == "🐱 Cat tax from Ana · 来自 Ana 的猫税"


@pytest.mark.parametrize(
    "name",
    ["A" * 120, "王" * 80, "😺" * 60, "👩‍👩‍👧‍👦" * 20, "🇨🇳🇺🇸" * 30, "e\u0301" * 70, "Ana\nBanana\t" * 20],
)
def test_a_long_name_is_shortened_so_the_title_fits(name: str) -> None:
    title = title_for(name)
    assert utf16_length(title) <= THREAD_TITLE_LIMIT
    assert "…" in title and title.startswith("🐱 Cat tax from ") and "来自" in title
    assert "\n" not in title and "\t" not in title


def test_cutting_a_name_never_splits_an_emoji_sequence_or_a_flag() -> None:
    family = "👩‍👩‍👧‍👦"
    assert cut_name("Ana" + family, 5) == "Ana"
    assert cut_name("🇨🇳🇺🇸", 3) == "🇨🇳"
    assert cut_name("Jose\u0301", 4) == "Jos"


@pytest.mark.parametrize("raw", ["🐱", "🐈‍⬛", "👍🏽", "❤️", "🇨🇳", "1️⃣", " 🐶 "])
def test_unicode_emoji_are_accepted(raw: str) -> None:
    parsed = parse_emoji(raw)
    assert parsed is not None and parsed.text == raw.strip() and not parsed.is_custom


@pytest.mark.parametrize("raw", ["cat", ":cat:", "1", "猫", "🐱 cat", "", "<@123456789012345678>", "🐱" * 20])
def test_words_and_mentions_are_not_emoji(raw: str) -> None:
    assert parse_emoji(raw) is None


def test_a_custom_emoji_of_this_server_is_accepted() -> None:
    parsed, problem = emoji_problem("<:mochi:123456789012345678>", [123456789012345678])
    assert problem is None and parsed.custom_id == 123456789012345678


def test_a_custom_emoji_of_another_server_is_refused() -> None:
    assert emoji_problem("<a:party:123456789012345678>", [42]) == (None, "cattax.error.emoji_other_server")


def test_an_invalid_emoji_is_refused() -> None:
    assert emoji_problem("kitty", []) == (None, "cattax.error.emoji_invalid")


def test_manage_roles_is_needed_only_with_a_role_and_manage_messages_only_when_removing() -> None:
    assert "manage_roles" not in needed_permissions(grants_role=False, removes_posts=False)
    assert "manage_messages" not in needed_permissions(grants_role=True, removes_posts=False)
    assert {"manage_roles", "manage_messages"} <= set(needed_permissions(grants_role=True, removes_posts=True))


def test_missing_permissions_are_listed_in_order() -> None:
    granted = {"view_channel", "send_messages", "read_message_history", "send_messages_in_threads"}
    needed = needed_permissions(grants_role=True, removes_posts=False)
    assert missing_permissions(granted.__contains__, needed) == ["add_reactions", "create_public_threads", "manage_roles"]


def test_a_person_is_nudged_once_per_cooldown_per_channel() -> None:
    now = [0.0]
    cooldown = NudgeCooldown(60, clock=lambda: now[0])
    assert cooldown.ready(1, 7)
    assert not cooldown.ready(1, 7)
    assert cooldown.ready(2, 7) and cooldown.ready(1, 8)
    now[0] = 61
    assert cooldown.ready(1, 7)


def test_a_template_too_long_on_its_own_is_cut_too() -> None:
    title = fit_title(lambda shown: "🐱" * 80 + f" {shown}", "Ana")
    assert utf16_length(title) <= THREAD_TITLE_LIMIT and title.endswith("…")
