"""Simplified ↔ Traditional Chinese with OpenCC: one place hands out converters, built on first use.

OpenCC loads a configuration's dictionaries when a converter is built and shares them between the
converters of a process, so what costs memory is loading a dictionary at all: ``t2s`` about 2.5 MB,
``s2t`` about 26 MB and ``s2twp`` about 16 MB more. Nothing is built at import, so a bot that never
converts to Traditional never loads those dictionaries.
"""

from __future__ import annotations

import threading

import opencc

_converters: dict[str, opencc.OpenCC] = {}
_building = threading.Lock()


def converter(config: str) -> opencc.OpenCC:
    """The process's converter for an OpenCC configuration ("t2s", "s2t", "s2twp", "s2tw"…)."""
    built = _converters.get(config)
    if built is None:
        with _building:  # asked for from two threads at once, it is still built once
            built = _converters.get(config)
            if built is None:
                built = _converters[config] = opencc.OpenCC(config)
    return built


def to_simplified(text: str) -> str:
    return converter("t2s").convert(text)


def to_traditional(text: str, *, taiwan: bool = True) -> str:
    """Simplified → Traditional; ``taiwan=True`` writes it as in Taiwan, with its vocabulary (s2twp:
    软件 → 軟體), otherwise character by character (s2t)."""
    return converter("s2twp" if taiwan else "s2t").convert(text)


def is_traditional(text: str) -> bool:
    """True when t2s changes the text (it has Traditional-only characters or phrases)."""
    return converter("t2s").convert(text) != text


# Simplified characters whose Traditional form (s2t or s2twp, character by character) is a character
# t2s leaves as it is, so text holding that form does not look Traditional (躺着 -> 躺著: t2s keeps
# 著). tests/test_chinese_scripts.py recomputes this from OpenCC's own dictionaries.
TRADITIONAL_FORMS_T2S_KEEPS: dict[str, str] = {
    "幺": "么", "昵": "暱", "潨": "潀", "痹": "痺", "睾": "睪", "硅": "矽", "砹": "砈", "檐": "簷",
    "縆": "緪", "着": "著", "酰": "醯", "锎": "鉲",
}
