"""The 30-day chart `/bridge stats` attaches: messages per day by language, characters sent to each
provider, and failures, as a PNG drawn with matplotlib (its Agg backend: no display needed).

matplotlib (with numpy) is imported on the first chart only, so a bot nobody asks for a chart from
never carries it. Chinese labels need a font with Chinese glyphs: the first of `CJK_FONTS` installed
(the Docker image installs Noto Sans CJK); without one a chart asked for in Chinese is labelled in
English rather than drawn with empty boxes. Discord-free.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from functools import cache

from bot.bridge.stats_by_day import AS_WRITTEN, WRITTEN_IN_CHINESE, WRITTEN_IN_ENGLISH, StatsByDay

log = logging.getLogger(__name__)

WIDTH_PX, HEIGHT_PX, DPI = 1000, 900, 100
# Families with Simplified / Traditional glyphs, most likely first (Debian: fonts-noto-cjk, fonts-wqy-*).
CJK_FONTS = {
    "zh-CN": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
              "Noto Sans CJK TC", "Microsoft YaHei", "PingFang SC"),
    "zh-TW": ("Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans CJK HK", "WenQuanYi Micro Hei",
              "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft JhengHei", "PingFang TC"),
}
LATIN_FONT = "DejaVu Sans"  # ships with matplotlib
COLOURS = {WRITTEN_IN_ENGLISH: "#4C72B0", WRITTEN_IN_CHINESE: "#DD8452", AS_WRITTEN: "#8C8C8C"}
PROVIDER_COLOURS = ("#55A868", "#8172B3", "#937860", "#DA8BC3", "#CCB974", "#64B5CD", "#C44E52")
FAILURE_COLOURS = ("#C44E52", "#8C613C")

# matplotlib's font settings are process-wide: one chart at a time.
_drawing = threading.Lock()


@dataclass(frozen=True)
class ChartLabels:
    title: str
    messages: str
    written_in_english: str
    written_in_chinese: str
    as_written: str
    characters: str
    failures: str
    translation_failures: str
    relay_failures: str


def chart_font(locale: str) -> str | None:
    """The font family to label a chart in `locale` with; None when no installed font has its script."""
    families = CJK_FONTS.get(locale)
    if families is None:
        return LATIN_FONT
    return _installed(families)


@cache
def _installed(families: tuple[str, ...]) -> str | None:
    from matplotlib import font_manager

    present = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in families if family in present), None)


def render_chart(stats: StatsByDay, labels: ChartLabels, *, font: str = LATIN_FONT) -> bytes:
    """The chart as PNG bytes, WIDTH_PX x HEIGHT_PX. CPU-bound (a few hundred ms): run it in a thread."""

    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    families = [font] if font == LATIN_FONT else [font, LATIN_FONT]
    with _drawing, rc_context({"font.family": families, "axes.unicode_minus": False}):
        figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(labels.title, fontsize=15)
        messages, characters, failures = figure.subplots(3, 1, sharex=True)
        positions = list(range(len(stats.days)))

        bottom = [0] * len(positions)
        names = {WRITTEN_IN_ENGLISH: labels.written_in_english, WRITTEN_IN_CHINESE: labels.written_in_chinese,
                 AS_WRITTEN: labels.as_written}
        for group, name in names.items():
            values = stats.messages[group]
            messages.bar(positions, values, bottom=bottom, label=name, color=COLOURS[group], width=0.8)
            bottom = [below + value for below, value in zip(bottom, values)]
        messages.set_title(labels.messages, loc="left", fontsize=12)

        bottom = [0] * len(positions)
        for number, (provider, values) in enumerate(stats.characters.items()):
            characters.bar(positions, values, bottom=bottom, label=provider,
                           color=PROVIDER_COLOURS[number % len(PROVIDER_COLOURS)], width=0.8)
            bottom = [below + value for below, value in zip(bottom, values)]
        characters.set_title(labels.characters, loc="left", fontsize=12)

        for offset, colour, values, name in (
            (-0.2, FAILURE_COLOURS[0], stats.translation_failures, labels.translation_failures),
            (0.2, FAILURE_COLOURS[1], stats.relay_failures, labels.relay_failures),
        ):
            failures.bar([position + offset for position in positions], values, width=0.4, color=colour, label=name)
        failures.set_title(labels.failures, loc="left", fontsize=12)

        for axes in (messages, characters, failures):
            axes.yaxis.get_major_locator().set_params(integer=True)
            axes.grid(axis="y", alpha=0.3)
            axes.set_ylim(bottom=0)
            if axes.get_legend_handles_labels()[0]:
                axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=9, frameon=False)
        ticks = positions[::-5][::-1]  # every fifth day, ending today
        failures.set_xticks(ticks, [stats.days[position].strftime("%m-%d") for position in ticks])
        failures.set_xlim(-0.6, len(positions) - 0.4)

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
