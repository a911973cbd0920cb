import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.pipeline.detect import (
    Detection,
    detect_language,
    is_traditional,
    to_simplified,
    to_traditional,
)

ROOT = Path(__file__).resolve().parents[2]
SHARED_MESSAGES = ROOT / ".." / "shared" / "data" / "detect" / "messages.jsonl"
SMS_CHAT = ROOT / "bench" / "data" / "chat"


def language(text: str) -> str:
    return detect_language(text).language


@pytest.mark.parametrize("text", ["lol", "ok", "OK", "gg", "brb", "thanks!", "see you tomorrow", "I love 北京 so much"])
def test_english_chat_is_english(text: str) -> None:
    assert language(text) == "en"


@pytest.mark.parametrize("text", ["哈哈", "好的ok", "明天meeting几点", "我今天去Costco买了eggs", "hello 你好", "你好！"])
def test_chinese_and_han_dominated_mixed_chat_is_chinese(text: str) -> None:
    assert language(text) == "zh"


def test_simplified_and_traditional_are_told_apart() -> None:
    assert detect_language("我们明天见") == Detection("zh", "simplified")
    assert detect_language("我們明天見") == Detection("zh", "traditional")


@pytest.mark.parametrize(
    "text",
    ["ありがとう", "カタカナ", "これは日本語です", "東京へ行きます", "안녕하세요", "한국어 좋아요", "好きです", "漢字とかな"],
)
def test_kana_and_hangul_are_never_chinese(text: str) -> None:
    assert language(text) == "other"


@pytest.mark.parametrize("text", ["関心度", "駅前", "円高", "気持ち", "様々", "読売新聞", "図書館の単語", "払込"])
def test_all_kanji_japanese_with_japanese_only_forms_is_not_chinese(text: str) -> None:
    assert language(text) == "other"


def test_a_stray_japanese_form_in_a_chinese_sentence_stays_chinese() -> None:
    assert language("你大约遅了三天。") == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "👍",
        "😂😂😂",
        "👨‍👩‍👧 🇨🇳 1️⃣",
        "666",
        "...",
        "?!",
        "https://example.com/path?q=1",
        "<https://example.com>",
        "<@123456789012345678>",
        "<@!123456789012345678> <@&42> <#99>",
        "@everyone",
        "<:pepe:123456789012345678> <a:dance:42>",
        "<t:1700000000:R>",
        "```py\nprint('hi')\n```",
        "`x = 1`",
    ],
)
def test_messages_without_prose_have_nothing_to_translate(text: str) -> None:
    detection = detect_language(text)
    assert detection.language == "none"
    assert not detection.has_text


@pytest.mark.parametrize("text", ["¿Qué tal?", "Wie geht es dir?", "Het gaat goed met mij, en met jou?", "Привет, как дела?", "مرحبا"])
def test_other_languages_are_other(text: str) -> None:
    assert language(text) == "other"


def test_prose_around_markup_is_still_detected() -> None:
    assert language("<@123> look at https://example.com it is great") == "en"
    assert language("`code` 这个怎么用") == "zh"


def test_detection_is_deterministic() -> None:
    samples = ["Ik ben iemand die geïnteresseerd is in kunst", "No comment.", "明天meeting几点", "lol"] * 3
    first = [detect_language(text) for text in samples]
    assert [detect_language(text) for text in samples] == first


def test_chinese_script_conversion_helpers() -> None:
    assert is_traditional("這是中文")
    assert not is_traditional("这是中文")
    assert to_simplified("這是中文") == "这是中文"
    assert to_traditional("这是中文", taiwan=False) == "這是中文"
    assert to_traditional("软件") == "軟體"  # Taiwan vocabulary


_LETTER = re.compile(r"[^\W\d_]")
_JAPANESE = re.compile("[\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def shared_messages() -> list[dict]:
    if not SHARED_MESSAGES.exists():
        pytest.skip(f"shared detection data not found at {SHARED_MESSAGES.resolve()}")
    return [json.loads(line) for line in SHARED_MESSAGES.read_text(encoding="utf-8").splitlines() if line]


def accuracy(rows: list[dict]) -> float:
    def correct(row: dict) -> bool:
        answer = language(row["text"])
        # A letterless message ("1963") has no language whatever its label says.
        return answer == row["gold"] or (answer == "none" and not _LETTER.search(row["text"]))

    return sum(correct(row) for row in rows) / len(rows)


@pytest.mark.parametrize("gold", ["en", "zh"])
def test_accuracy_on_shared_data_meets_target(shared_messages: list[dict], gold: str) -> None:
    rows = [row for row in shared_messages if row["gold"] == gold]
    assert accuracy(rows) >= 0.995
    assert accuracy([row for row in rows if row["short"]]) >= 0.995


def test_japanese_in_shared_data_is_rarely_called_chinese(shared_messages: list[dict]) -> None:
    japanese = [row["text"] for row in shared_messages if row["gold"] == "other" and _JAPANESE.search(row["text"])]
    called_chinese = [text for text in japanese if language(text) == "zh"]
    assert len(called_chinese) / len(japanese) <= 0.005, called_chinese


@pytest.mark.parametrize("text", ["株式市場", "株主。", "多分？", "人間。", "会社の", "大丈夫", "銃"])
def test_all_kanji_japanese_words_are_not_chinese(text: str) -> None:
    assert language(text) != "zh"


@pytest.mark.parametrize("text", ["你多分一点给他", "他很勉強", "这本人間失格很好看", "我在部屋里", "化学", "股票市场"])
def test_chinese_lines_borrowing_those_words_stay_chinese(text: str) -> None:
    assert language(text) == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "Dunno leh.. Mayb not goin la..",
        "aiya.. anyhow buy la..",
        "Ok da..",
        "Haha can la. Enough.",
        "So ü pay first lar... Then when is da stock comin...",
        "Ok... Thanx... Gd nite 2 ü too...",
        "U wan me to go suntec look 4 u? tmr can?",
        "I think i am disturbing her da",
        "Please da call me any mistake from my side sorry da.",
        "Aiyo please ü got time meh.",
    ],
)
def test_sms_style_english_is_english(text: str) -> None:
    assert language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Saya tak tahu lah, nanti kita pergi makan",  # Malay
        "Jom makan, aku lapar gila",
        "Kya kar rahe ho yaar, main ghar ja raha hoon",  # romanised Hindi
        "Aap kaise ho? Sab theek hai?",
        "la casa es bonita",
        "Ik ben de man",
        "No lo hago, no.",
        "Hai sentito la notizia?",
    ],
)
def test_romanised_and_latin_languages_with_chat_particles_stay_other(text: str) -> None:
    assert language(text) == "other"


def test_a_chat_particle_alone_in_a_foreign_line_is_still_evidence() -> None:
    # "la" and "de" are Singlish/Tamil-English particles but also articles: without any English
    # chat shorthand around them they still count against English.
    assert language("Wat is de Middeleeuwen?") == "other"
    assert language("La regola dei robot.") == "other"


def test_detection_never_loads_langdetect() -> None:
    code = (
        "import sys\n"
        "from bot.pipeline.detect import detect_language, warm_up\n"
        "warm_up()\n"
        "for text in ('Ik ben de man', 'Ok da..', 'Wie geht es dir?', '我們明天見', 'hello'):\n"
        "    detect_language(text)\n"
        "print(sorted(m for m in sys.modules if m.startswith('langdetect')))"
    )
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"


def test_the_traditional_converters_are_built_only_when_asked_for() -> None:
    code = (
        "import bot.pipeline.detect as detect, bot.chinese_scripts as scripts\n"
        "detect.detect_language('我們明天見')\n"
        "print(','.join(sorted(scripts._converters)))\n"
        "detect.to_traditional('软件')\n"
        "print(','.join(sorted(scripts._converters)))"
    )
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.split() == ["t2s", "s2twp,t2s"]


@pytest.mark.parametrize("split", ["sms-dev", "sms-heldout"])
def test_accuracy_on_real_sms_chat(split: str) -> None:
    rows = [json.loads(line) for line in (SMS_CHAT / f"{split}.jsonl").read_text(encoding="utf-8").splitlines() if line]
    english = [row for row in rows if row["gold"] == "en"]
    assert len(english) > 250
    assert accuracy(english) >= 0.98
