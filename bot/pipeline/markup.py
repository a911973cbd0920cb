"""Protect a Discord message's markup so that only its prose is translated, then put it back.

``protect(text, glossary)`` splits a message into a skeleton that is never sent (code blocks,
line prefixes such as ``> `` ``-# `` ``# `` ``- ``, newlines, and markup at either end of a
line) and prose segments, one per line. Markup *inside* a line (mentions, emoji, URLs, inline
code, emphasis markers, glossary terms...) is replaced by a numbered placeholder ``⟦n⟧`` so
the sentence keeps its word order. ``reassemble`` puts every token back whatever the
translator did to the placeholders: dropped ones are appended to their line, duplicated or
invented ones are removed, and variants (``[ 1 ]``, ``【１】``, ``⟦1 ⟧``) are recognised. Text in
the original that looks like a placeholder is itself protected, so a recognised placeholder in
the output is never the user's own text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.pipeline.patterns import (
    CODE_BLOCK,
    DISCORD_ENTITY,
    EMOJI,
    INLINE_CODE,
    MASS_MENTION,
    URL,
)

_OPENING_BRACKETS = "⟦[［【〖{｛"
_CLOSING_BRACKETS = "⟧]］】〗}｝"
_PLACEHOLDER_LOOKALIKE = rf"[{re.escape(_OPENING_BRACKETS)}]\s*\d+\s*[{re.escape(_CLOSING_BRACKETS)}]"
# Also accepts a placeholder that lost one of its ⟦ ⟧ brackets.
_PLACEHOLDER_IN_TRANSLATION = re.compile(
    rf"[{re.escape(_OPENING_BRACKETS)}]\s*(\d+)\s*[{re.escape(_CLOSING_BRACKETS)}]"
    r"|⟦\s*(\d+)|(\d+)\s*⟧"
)
_STRAY_PLACEHOLDER_BRACKET = re.compile("[⟦⟧]")

_CODE_BLOCK = re.compile(CODE_BLOCK)
_LINE_PREFIX = re.compile(r"(?:[ \t]*(?:>>> |> |-# |#{1,3} |[-*+] |\d{1,3}[.)] ))+")
_INLINE_TOKEN_PATTERNS = (
    INLINE_CODE,
    URL,
    DISCORD_ENTITY,
    MASS_MENTION,
    EMOJI,
    _PLACEHOLDER_LOOKALIKE,
    "[⟦⟧]",
)
_MARKDOWN_MARKER = (
    r"\|\|"  # spoiler
    r"|\\[\\*_~`|>#-]"  # escaped markdown character
    r"|\*+|~~|`"
    r"|(?<![^\W_])_+|_+(?![^\W_])"  # underscores, but not inside snake_case words
)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_HAS_WORD = re.compile(r"[^\W\d_]")
_LATIN_EDGE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]")
_HAN_RANGES = "\u3400-\u9fff\uf900-\ufaff"


def _placeholder(number: int) -> str:
    return f"⟦{number}⟧"


@dataclass(frozen=True, slots=True)
class _Glossary:
    pattern: str | None
    replacements: Mapping[str, str]  # casefolded Latin term or exact Han term -> output

    def output_for(self, written: str) -> str | None:
        replacement = self.replacements.get(written) or self.replacements.get(written.casefold())
        if replacement is None:
            return None
        # A term mapped to itself is kept as the author wrote it (e.g. "qiao" stays lower-case).
        return written if replacement.casefold() == written.casefold() else replacement


@functools.lru_cache(maxsize=512)
def _compile_glossary(items: tuple[tuple[str, str], ...]) -> tuple[_Glossary, re.Pattern[str]]:
    alternatives: list[str] = []
    replacements: dict[str, str] = {}
    for term, output in sorted(items, key=lambda item: -len(item[0])):
        if not term.strip():
            continue
        escaped = re.escape(term)
        # Whole words for Latin edges (a Latin term may touch Chinese: 今天yyds); Han has no
        # spaces, so Han edges match exactly.
        if _LATIN_EDGE.match(term[0]):
            escaped = rf"(?<![^\W_{_HAN_RANGES}])" + escaped
        if _LATIN_EDGE.match(term[-1]):
            escaped += rf"(?![^\W_{_HAN_RANGES}])"
        alternatives.append(escaped)
        replacements[term] = output
        replacements.setdefault(term.casefold(), output)
    glossary_pattern = "(?i:" + "|".join(alternatives) + ")" if alternatives else None
    glossary = _Glossary(glossary_pattern, replacements)
    parts = [*_INLINE_TOKEN_PATTERNS]
    if glossary_pattern:
        parts.append(f"(?P<glossary>{glossary_pattern})")
    parts.append(_MARKDOWN_MARKER)
    return glossary, re.compile("|".join(parts))


@dataclass(frozen=True, slots=True)
class _ProseSlot:
    segment_index: int
    tokens: Mapping[int, str]  # placeholder number -> what goes back in its place


@dataclass(slots=True)
class ProtectedText:
    """A message split into what to translate (``prose_segments``) and what to keep."""

    prose_segments: list[str] = field(default_factory=list)
    _parts: list[str | _ProseSlot] = field(default_factory=list)

    def reassemble(self, translated_segments: Sequence[str]) -> str:
        if len(translated_segments) != len(self.prose_segments):
            raise ValueError(
                f"expected {len(self.prose_segments)} translated segments, got {len(translated_segments)}"
            )
        pieces: list[str] = []
        for part in self._parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                pieces.append(_restore_tokens(translated_segments[part.segment_index], part.tokens))
        return "".join(pieces)

    @property
    def untranslated(self) -> str:
        """The message as it would be sent with every segment left untranslated."""
        return self.reassemble(self.prose_segments)


def protect(text: str, glossary: Mapping[str, str] | None = None) -> ProtectedText:
    glossary_rules, inline_token = _compile_glossary(tuple(sorted((glossary or {}).items())))
    protected = ProtectedText()
    position = 0
    at_line_start = True
    for block in _CODE_BLOCK.finditer(text):
        _protect_lines(text[position : block.start()], at_line_start, protected, inline_token, glossary_rules)
        protected._parts.append(block.group())
        position = block.end()
        at_line_start = False
    _protect_lines(text[position:], at_line_start, protected, inline_token, glossary_rules)
    return protected


def _protect_lines(
    chunk: str,
    at_line_start: bool,
    protected: ProtectedText,
    inline_token: re.Pattern[str],
    glossary: _Glossary,
) -> None:
    for index, line in enumerate(chunk.split("\n")):
        if index:
            protected._parts.append("\n")
        if index or at_line_start:
            prefix = _LINE_PREFIX.match(line)
            if prefix:
                protected._parts.append(prefix.group())
                line = line[prefix.end() :]
        if line:
            _protect_line(line, protected, inline_token, glossary)


def _protect_line(
    line: str, protected: ProtectedText, inline_token: re.Pattern[str], glossary: _Glossary
) -> None:
    # Alternate prose pieces and tokens: pieces[0], token, pieces[1], token, ... pieces[-1].
    prose_pieces: list[str] = []
    token_outputs: list[str] = []
    position = 0
    for match in inline_token.finditer(line):
        if match.start() == match.end():
            continue
        prose_pieces.append(line[position : match.start()])
        written = match.group()
        output = glossary.output_for(written) if match.lastgroup == "glossary" else None
        token_outputs.append(written if output is None else output)
        position = match.end()
    prose_pieces.append(line[position:])
    prose_pieces = [_ZERO_WIDTH.sub("", piece) for piece in prose_pieces]

    if not any(_HAS_WORD.search(piece) for piece in prose_pieces):
        protected._parts.append(_interleave(prose_pieces, token_outputs))
        return

    # Tokens (and spaces) before the first and after the last word stay in the skeleton.
    first = next(i for i, piece in enumerate(prose_pieces) if _HAS_WORD.search(piece))
    last = max(i for i, piece in enumerate(prose_pieces) if _HAS_WORD.search(piece))
    head = _interleave(prose_pieces[:first], token_outputs[:first])
    tail = _interleave(prose_pieces[last + 1 :], token_outputs[last:], tokens_first=True)
    middle_pieces = prose_pieces[first : last + 1]
    middle_tokens = token_outputs[first:last]

    numbered: dict[int, str] = {}
    sendable: list[str] = [middle_pieces[0]]
    for token, piece in zip(middle_tokens, middle_pieces[1:], strict=True):
        number = len(numbered) + 1
        numbered[number] = token
        sendable.append(_placeholder(number))
        sendable.append(piece)
    segment = "".join(sendable)
    stripped = segment.strip()
    leading = segment[: len(segment) - len(segment.lstrip())]
    trailing = segment[len(segment.rstrip()) :]

    protected._parts.append(head + leading)
    protected._parts.append(_ProseSlot(len(protected.prose_segments), numbered))
    protected._parts.append(trailing + tail)
    protected.prose_segments.append(stripped)


def _interleave(pieces: Sequence[str], tokens: Sequence[str], *, tokens_first: bool = False) -> str:
    out: list[str] = []
    if tokens_first:
        for token, piece in zip(tokens, pieces, strict=False):
            out.append(token)
            out.append(piece)
        out.extend(tokens[len(pieces) :])
    else:
        for index, piece in enumerate(pieces):
            out.append(piece)
            if index < len(tokens):
                out.append(tokens[index])
    return "".join(out)


def _restore_tokens(translated: str, tokens: Mapping[int, str]) -> str:
    """Put ``tokens`` back into ``translated`` in place of their placeholders, leaving no trace."""
    pieces: list[str] = []
    restored: set[int] = set()
    position = 0
    for match in _PLACEHOLDER_IN_TRANSLATION.finditer(translated):
        if match.start() < position:
            continue
        before = translated[position : match.start()]
        pieces.append(_STRAY_PLACEHOLDER_BRACKET.sub("", before))
        number = int(next(filter(None, match.groups())))  # int() reads full-width digits too
        position = match.end()
        if number in tokens and number not in restored:
            restored.add(number)
            pieces.append(tokens[number])
        elif not before or before[-1] in " \t":
            # An invented or repeated placeholder goes, with the spaces that set it apart.
            while position < len(translated) and translated[position] in " \t":
                position += 1
    pieces.append(_STRAY_PLACEHOLDER_BRACKET.sub("", translated[position:]))
    missing = [tokens[number] for number in sorted(tokens) if number not in restored]
    text = "".join(pieces).strip()
    if missing:
        text = " ".join([text, *missing]) if text else " ".join(missing)
    return text
