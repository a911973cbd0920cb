import subprocess
import sys
import textwrap

from bot.chinese_scripts import TRADITIONAL_FORMS_T2S_KEEPS, converter, is_traditional, to_simplified, to_traditional

_CJK = [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]


def test_one_converter_per_configuration() -> None:
    assert converter("t2s") is converter("t2s")
    assert converter("s2twp") is not converter("s2t")
    assert to_traditional("软件") == "軟體" and to_traditional("软件", taiwan=False) == "軟件"
    assert to_simplified("軟體") == "软体"
    assert is_traditional("這是中文") and not is_traditional("这是中文") and not is_traditional("plain English")


def test_traditional_forms_t2s_keeps_match_opencc_dictionaries() -> None:
    t2s = converter("t2s")
    found: dict[str, str] = {}
    for config in ("s2t", "s2twp"):
        for code in _CJK:
            character = chr(code)
            if t2s.convert(character) != character:
                continue  # not Simplified: catalogue terms are written in Simplified
            for form in converter(config).convert(character):
                if form != character and t2s.convert(form) == form:
                    found[character] = form
    assert found == TRADITIONAL_FORMS_T2S_KEEPS


_PROBE = textwrap.dedent("""
    import importlib, json
    import bot.app, bot.chinese_scripts as scripts
    from bot.client import DEFAULT_EXTENSIONS
    from bot.guidance.catalogue import Catalogue
    from bot.learning.slang import shared_matcher
    from bot.pipeline.detect import detect_language, warm_up
    from bot.translation.languages import ensure_script
    for extension in DEFAULT_EXTENSIONS:
        importlib.import_module(extension)
    warm_up()
    Catalogue.load()
    matcher = shared_matcher()
    for text in ("这次考试真的好内卷", "Hello there, no cap", "什么意思？"):
        detect_language(text)
        matcher.find(text)
    ensure_script("你好", "zh-Hans", provider_wrote_traditional=False)
    simplified_only = sorted(scripts._converters)
    hit = [h.entry.id for h in matcher.find("這次考試真的好內捲")]
    print(json.dumps({"simplified_only": simplified_only, "after_traditional": sorted(scripts._converters), "hit": hit}))
""")


def test_a_bot_that_meets_no_traditional_text_loads_no_traditional_dictionaries() -> None:
    import json

    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["simplified_only"] == ["t2s"]
    assert set(figures["after_traditional"]) >= {"s2t", "s2twp"}
    assert figures["hit"]
