"""Combined posts: attribution per line, the 2,000-character limit, when to combine."""

from __future__ import annotations

from bot.bridge.deliver.coalescing import CombinedLine, can_be_combined, lines_fitting, render_combined, should_coalesce


def test_each_line_is_attributed_to_its_author_with_names_escaped() -> None:
    text = render_combined([CombinedLine("Ana", "hi"), CombinedLine("b_o*b", "你好")], footer="-# 🌐")
    assert text == "**Ana**: hi\n**b\\_o\\*b**: 你好\n-# 🌐"


def test_lines_fitting_stops_before_the_limit_and_keeps_the_footer_room() -> None:
    lines = [CombinedLine("A", "x" * 500) for _ in range(10)]
    count = lines_fitting(lines, footer="-# f")
    assert count == 3
    assert len(render_combined(lines[:count], footer="-# f")) <= 2000
    assert len("\n".join(line.render() for line in lines[: count + 1])) + len("\n-# f") > 2000


def test_a_single_oversized_line_is_cut_not_dropped() -> None:
    rendered = render_combined([CombinedLine("A", "y" * 3000)])
    assert len(rendered) <= 2000 and rendered.endswith("…")


def test_coalesce_only_when_one_by_one_would_lag_behind() -> None:
    assert not should_coalesce(1, True)
    assert not should_coalesce(5, False)
    assert should_coalesce(5, True)


def test_long_or_split_copies_go_out_alone() -> None:
    assert can_be_combined("short", 1)
    assert not can_be_combined("short", 2)
    assert not can_be_combined("z" * 1600, 1)


def test_a_heavy_surge_packs_lines_up_to_the_character_limit_not_the_line_cap() -> None:
    lines = [CombinedLine("A", "short") for _ in range(200)]
    assert lines_fitting(lines) == 40
    assert 40 < lines_fitting(lines, max_lines=None) <= 2000 // len(lines[0].render())
