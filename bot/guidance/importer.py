"""Turn an uploaded keyword file into a preview the moderator can check before committing.

Accepts a plain list (one term per line, `#` comments, blank lines ignored) or a CSV/TSV in
the layout of public research lists such as Citizen Lab's chat-censorship data (a header row
with a `keyword` / `word` / `term` column, optional `category`). Decoding: UTF-8 (with or
without BOM), UTF-16 with BOM, else GB18030. A cell whose words are separated by spaces and
include Chinese, or that uses `+`, becomes a multi-part term: all parts must be present, as
in those lists ("自由门 翻墙"). Pure logic; the cog shows the preview, stores and can undo.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.guidance.catalogue import PART_SEPARATOR, split_parts, standalone_term_problem
from bot.guidance.matcher import is_han, normalise

__all__ = [
    "COMMON_WORDS",
    "MAX_TERM_LENGTH",
    "ImportPreview",
    "NotATextFile",
    "ImportedTerm",
    "RejectReason",
    "RejectedRow",
    "parse_keyword_file",
]

MAX_TERM_LENGTH = 50

TERM_COLUMNS = (
    "keyword", "keywords", "term", "terms", "word", "words", "phrase", "text",
    "关键词", "关键字", "敏感词", "词语", "词",
)
CATEGORY_COLUMNS = ("category", "theme", "类别", "分类", "类型")
OTHER_COLUMNS = (
    "id", "word_id", "date", "date added", "translation", "machine translation",
    "human translation", "human_translation", "machine_translation", "pinyin", "notes",
    "description", "source", "client", "lists", "category_id", "日期", "翻译", "备注", "来源",
)

# Words that research lists contain (lists record everything a filter matched) but that on
# their own would flag ordinary chat. Importing them would turn guidance into noise.
COMMON_WORDS = frozenset(normalise(word) for word in (
    "中国", "中国人", "中华", "日本", "美国", "台湾", "香港", "西藏", "新疆", "北京", "上海",
    "天安门", "天安门广场", "政府", "警察", "公安", "公司", "电话", "手机", "我们", "你们",
    "他们", "今天", "明天", "朋友", "老师", "学生", "医生", "医院", "学校", "工作", "时间",
    "问题", "事情", "新闻", "网络", "互联网", "上网", "共产党", "中共", "党", "主席", "总理",
    "领导", "政治", "民主", "自由", "人权", "法律", "宗教", "军队", "解放军", "坦克", "广场",
    "包子", "维尼", "小熊维尼", "病毒", "疫情", "新冠", "核酸", "口罩", "检测", "游行", "抗议",
    "翻译", "视频", "图片", "微信", "微博", "淘宝", "银行", "房子", "孩子", "妈妈", "爸爸",
    "吃饭", "睡觉", "喜欢", "谢谢", "你好", "哈哈", "没有", "什么", "怎么", "为什么", "可以",
    "知道", "东西", "地方", "国家", "人民", "社会", "历史", "文化", "经济", "发展", "世界",
    "国际", "记者", "媒体", "电视", "报纸", "天气", "周末", "晚上", "早上", "生日", "快乐",
    "六月", "四日", "白纸", "蜡烛", "大大", "皇帝", "emoji",
    "china", "chinese", "japan", "america", "american", "taiwan", "hong kong", "tibet",
    "xinjiang", "beijing", "shanghai", "tiananmen", "tiananmen square", "government", "police",
    "company", "phone", "president", "party", "communist", "communist party", "democracy",
    "freedom", "human rights", "protest", "tank", "student", "students", "news", "internet",
    "virus", "covid", "the", "and", "you", "fuck", "shit", "sex", "porn", "love", "free",
))


# Signatures of files people upload by mistake (a screenshot, a spreadsheet, a PDF): GB18030
# decodes nearly any bytes, so without this they would come out as a list of odd "terms".
BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"%PDF-": "PDF",
    b"PK\x03\x04": "ZIP",  # also .xlsx, .docx, .odt
    b"PK\x05\x06": "ZIP",
    b"\x1f\x8b": "GZIP",
    b"RIFF": "RIFF",  # WEBP, WAV, AVI
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "OLE",  # old .xls/.doc
    b"7z\xbc\xaf\x27\x1c": "7Z",
    b"Rar!\x1a\x07": "RAR",
}


class NotATextFile(ValueError):
    """The upload is not a text or CSV file at all (an image, a PDF, a spreadsheet...)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file `data` is ("PNG", "PDF", ...), or None for text.

    UTF-16 text (with its BOM) is text though it has NUL bytes; any other NUL byte in the first
    8 KB means binary, as `git` and `grep` decide."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return kind
    if b"\x00" in data[:8192]:
        return "binary"
    return None


class RejectReason(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON_WORD = "common_word"
    DUPLICATE = "duplicate"
    ALREADY_LISTED = "already_listed"
    UNDECODABLE = "undecodable"


@dataclass(frozen=True, slots=True)
class ImportedTerm:
    term: str  # normalised; parts of a multi-part term joined by " + "
    original: str
    line: int
    category: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        return split_parts(self.term)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    text: str
    reason: RejectReason


@dataclass(frozen=True, slots=True)
class ImportPreview:
    format: str  # "list" or "csv"
    encoding: str
    term_column: str | None
    accepted: tuple[ImportedTerm, ...]
    rejected: tuple[RejectedRow, ...]

    @property
    def terms(self) -> tuple[str, ...]:
        """What to store: normalised, deduplicated, in file order."""
        return tuple(t.term for t in self.accepted)

    def counts(self) -> dict[str, int]:
        by_reason = Counter(row.reason.value for row in self.rejected)
        return {"accepted": len(self.accepted), "rejected": len(self.rejected), **by_reason}


def parse_keyword_file(data: bytes, *, existing_terms: Iterable[str] = ()) -> ImportPreview:
    """Parse an uploaded list. `existing_terms` (already in the guild's effective catalogue)
    are reported as already listed rather than imported twice. Raises NotATextFile for an
    image, PDF, archive or other binary upload: the whole file is refused, no row is read."""
    kind = binary_kind(data)
    if kind is not None:
        raise NotATextFile(kind)
    lines, encoding, undecodable = _decode_lines(data)
    rejected = [RejectedRow(number, text, RejectReason.UNDECODABLE) for number, text in undecodable]

    delimiter = _detect_delimiter(lines)
    if delimiter is None:
        file_format, term_column, candidates = "list", None, _list_candidates(lines)
    else:
        file_format = "csv"
        term_column, candidates = _csv_candidates(lines, delimiter)

    existing = {normalise(term) for term in existing_terms}
    accepted: list[ImportedTerm] = []
    seen: set[str] = set()
    for number, raw, category in candidates:
        term, reason = _clean_term(raw)
        if reason is None and term in seen:
            reason = RejectReason.DUPLICATE
        elif reason is None and term in existing:
            reason = RejectReason.ALREADY_LISTED
        if reason is not None:
            rejected.append(RejectedRow(number, raw, reason))
            continue
        seen.add(term)
        accepted.append(ImportedTerm(term, raw, number, category or None))
    rejected.sort(key=lambda row: row.line)
    return ImportPreview(file_format, encoding, term_column, tuple(accepted), tuple(rejected))


def _decode_lines(data: bytes) -> tuple[list[str], str, list[tuple[int, str]]]:
    """Lines (numbered from 1 by position), the encoding, and the lines that would not decode
    (left empty in the returned lines so numbering holds)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").splitlines(), "utf-16", []
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8").splitlines(), "utf-8", []
    except UnicodeDecodeError:
        pass
    raw_lines = data.split(b"\n")
    # GB18030 decodes most byte soup, including UTF-8 Chinese, into the wrong characters; a
    # file with any valid non-ASCII UTF-8 line is UTF-8 with a few broken lines.
    encoding = "utf-8" if any(_is_non_ascii_utf8(line) for line in raw_lines) else "gb18030"
    lines: list[str] = []
    undecodable: list[tuple[int, str]] = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode(encoding).rstrip("\r"))
        except UnicodeDecodeError:
            lines.append("")
            undecodable.append((number, raw.decode(encoding, errors="replace").strip()))
    return lines, encoding, undecodable


def _is_non_ascii_utf8(line: bytes) -> bool:
    if line.isascii():
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _detect_delimiter(lines: list[str]) -> str | None:
    sample = [line for line in lines if _is_content(line)][:50]
    if not sample:
        return None
    for delimiter in ("\t", ",", ";"):
        with_delimiter = sum(delimiter in line for line in sample)
        if delimiter in sample[0] and with_delimiter >= 0.8 * len(sample):
            return delimiter
    return None


def _list_candidates(lines: list[str]) -> list[tuple[int, str, str]]:
    candidates = []
    for number, line in enumerate(lines, start=1):
        if not _is_content(line):
            continue
        if not candidates and _header_name(line) in TERM_COLUMNS:
            continue  # a one-column file with a header row
        candidates.append((number, line.strip(), ""))
    return candidates


def _csv_candidates(
    lines: list[str], delimiter: str
) -> tuple[str | None, list[tuple[int, str, str]]]:
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if _is_content(line)]
    rows = list(csv.reader(io.StringIO("\n".join(line for _, line in numbered)), delimiter=delimiter))
    # Quoted cells may span lines; line numbers then drift, which only affects the report.
    numbers = [n for n, _ in numbered]
    header = [_header_name(cell) for cell in rows[0]] if rows else []
    term_index, category_index = _pick_columns(header)
    has_header = term_index is not None
    if not has_header:
        term_index, category_index = 0, None

    candidates = []
    for position in range(1 if has_header else 0, len(rows)):
        row = rows[position]
        if not row:
            continue
        number = numbers[min(position, len(numbers) - 1)]
        term = row[term_index].strip() if term_index < len(row) else ""
        category = ""
        if category_index is not None and category_index < len(row):
            category = row[category_index].strip()
        candidates.append((number, term, category))
    term_column = rows[0][term_index].strip().lstrip("\ufeff") if has_header else None
    return term_column, candidates


def _pick_columns(header: list[str]) -> tuple[int | None, int | None]:
    """(term column, category column) from a header row, or (None, None) if it is data."""
    known = set(TERM_COLUMNS + CATEGORY_COLUMNS + OTHER_COLUMNS)
    if not any(cell in known for cell in header):
        return None, None
    term_index = next((header.index(name) for name in TERM_COLUMNS if name in header), None)
    if term_index is None:  # a header without a term column we know: first unknown column
        term_index = next((i for i, cell in enumerate(header) if cell not in known), 0)
    category_index = next((header.index(name) for name in CATEGORY_COLUMNS if name in header), None)
    return term_index, category_index


def _header_name(cell: str) -> str:
    return cell.strip().strip("\ufeff").strip('"').strip().casefold()


_PLUS = re.compile(r"\s*\+\s*")


def _split_raw_parts(raw: str) -> list[str]:
    if "+" in raw and not raw.strip().startswith("+"):
        return [part for part in _PLUS.split(raw) if part.strip()]
    tokens = raw.split()
    if len(tokens) < 2 or not any(is_han(char) for char in raw):
        return [raw]
    # Chinese words separated by spaces are separate parts; neighbouring Latin words stay
    # one phrase ("Xi Jinping 小熊维尼" -> "Xi Jinping", "小熊维尼").
    parts: list[str] = []
    for token in tokens:
        latin = not any(is_han(char) for char in token)
        if latin and parts and not any(is_han(char) for char in parts[-1]):
            parts[-1] = f"{parts[-1]} {token}"
        else:
            parts.append(token)
    return parts


def _clean_term(raw: str) -> tuple[str, RejectReason | None]:
    if not raw.strip():
        return "", RejectReason.EMPTY
    parts = [normalise(part) for part in _split_raw_parts(raw)]
    parts = [part for part in parts if part]
    if not parts:
        return "", RejectReason.EMPTY
    term = PART_SEPARATOR.join(parts)
    if len(term) > MAX_TERM_LENGTH:
        return term, RejectReason.TOO_LONG
    if len(parts) == 1:
        if standalone_term_problem(term):
            return term, RejectReason.TOO_SHORT
        if term in COMMON_WORDS:
            return term, RejectReason.COMMON_WORD
    else:
        if any(len(part) < 2 for part in parts if not is_han(part[0])):
            return term, RejectReason.TOO_SHORT
        if all(part in COMMON_WORDS or len(part) == 1 for part in parts):
            return term, RejectReason.COMMON_WORD
    return term, None
