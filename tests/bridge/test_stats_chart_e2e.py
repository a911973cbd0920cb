"""`/bridge stats` attaches the 30-day chart: a PNG of the right size, labelled in the reader's language,
drawn from the server's own counts."""

from __future__ import annotations

import logging
import struct
import subprocess
import sys
from datetime import UTC, datetime

import pytest

import bot.bridge.stats_chart as stats_chart
from bot.bridge.stats_by_day import AS_WRITTEN, WRITTEN_IN_CHINESE, WRITTEN_IN_ENGLISH, stats_by_day
from tests.bridge.conftest import ZH_SAMPLE, Harness
from tests.bot_process import REPO_ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHART_WAIT = 60  # drawing the chart takes seconds on a busy machine


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, data[:16]
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every chart drawn: (stats, labels, font), the real drawing still done."""
    calls = []
    real = stats_chart.render_chart

    def recording(stats, labels, *, font=stats_chart.LATIN_FONT):
        calls.append((stats, labels, font))
        return real(stats, labels, font=font)

    monkeypatch.setattr(stats_chart, "render_chart", recording)
    return calls


async def ask_for_stats(harness: Harness, locale: str):
    handle = await harness.double.invoke_slash(harness.moderator, "bridge stats", channel=harness.general, locale=locale)
    await harness.double.wait_for(lambda: handle.message is not None and handle.message.attachments, CHART_WAIT)
    [attachment] = handle.message.attachments
    data, content_type = harness.double.world.files[int(attachment["id"])]
    return handle, attachment, data, content_type


async def test_stats_attach_a_chart_of_the_servers_last_30_days(harness: Harness, drawn: list) -> None:
    async with harness.running() as bot:
        await harness.link()
        for text in ("Good morning", "How is everyone"):
            await harness.double.post(harness.alice, harness.english, text)
        await harness.double.post(harness.wang, harness.chinese, ZH_SAMPLE)
        await harness.copies(harness.chinese, 2)
        await harness.copies(harness.english, 1)
        await bot.bridge_relay.store.flush()
        handle, attachment, data, _ = await ask_for_stats(harness, "zh-CN")
        expected = await stats_by_day(bot.db, harness.guild.id, last_day=datetime.now(UTC).date())
    assert handle.ephemeral
    assert attachment["filename"] == "qiao-30-days.png"  # Discord shows it as an image by its name
    assert png_size(data) == (stats_chart.WIDTH_PX, stats_chart.HEIGHT_PX)
    [(stats, labels, font)] = drawn
    assert stats == expected and len(stats.days) == 30
    assert (stats.messages[WRITTEN_IN_ENGLISH][-1], stats.messages[WRITTEN_IN_CHINESE][-1], stats.messages[AS_WRITTEN][-1]) == (2, 1, 0)
    assert sum(stats.characters["microsoft"]) > 0 and sum(stats.relay_failures) == 0
    if stats_chart.chart_font("zh-CN") is not None:  # fonts-noto-cjk here and in the Docker image
        assert labels.written_in_english == "英文原文" and font == stats_chart.chart_font("zh-CN")
    else:
        assert labels.written_in_english == "Written in English" and font == stats_chart.LATIN_FONT


async def test_without_a_chinese_font_the_chart_is_labelled_in_english(
    harness: Harness, drawn: list, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setitem(stats_chart.CJK_FONTS, "zh-TW", ("A Font Nobody Installed",))
    caplog.set_level(logging.WARNING)
    async with harness.running():
        await harness.link()
        handle, _, data, _ = await ask_for_stats(harness, "zh-TW")
    assert png_size(data) == (stats_chart.WIDTH_PX, stats_chart.HEIGHT_PX)
    [(_, labels, font)] = drawn
    assert labels.written_in_english == "Written in English" and font == stats_chart.LATIN_FONT
    assert "最近 30 天" in handle.response_text  # the text answer stays in the reader's language
    assert any("fonts-noto-cjk" in record.getMessage() for record in caplog.records)


def test_the_bot_does_not_load_matplotlib_until_a_chart_is_drawn() -> None:
    check = ("import sys, cogs.bridge, bot.bridge.stats_chart, bot.bridge.stats_by_day; "
             "print(sorted(name for name in sys.modules if name.split('.')[0] in ('matplotlib', 'numpy')))")
    result = subprocess.run([sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
