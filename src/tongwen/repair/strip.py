"""Readings pasted after characters, ``團(tuán)``: find them, check them, strip them."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache

from tongwen.conversion.tables import load_table
from tongwen.errors import InputError
from tongwen.readings.lexicon import load_lexicon
from tongwen.readings.syllable import parse
from tongwen.text import HAN_RANGES

__all__ = [
    "ANNOTATION", "PINYIN", "reading_fits", "simplified_forms", "strip", "tally",
    "traditional_forms",
]

_HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
#: One pinyin syllable as pasted by converters: tone marks or a tone digit.
PINYIN = r"[a-zA-ZāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜêÊḿńňǹ]{1,7}[1-5]?"
#: A Han character followed by one syllable in ASCII parentheses.
ANNOTATION = re.compile(f"([{_HAN}])\\(({PINYIN})\\)")
#: Just the parenthesised syllable after a Han character (removed with no template). It
#: starts with its literal '(' so that the regex engine skips to each '(' at C speed.
PASTED = re.compile(f"\\((?<=[{_HAN}]\\()({PINYIN})\\)")


@cache
def simplified_forms() -> dict[str, str]:
    """Traditional character -> its simplified form, for looking readings up."""
    return {k: v[0] for k, v in load_table("TSCharacters").entries.items()}


@cache
def _traditional_forms() -> dict[str, tuple[str, ...]]:
    forms: dict[str, list[str]] = {}
    ext = {k: v[0] for k, v in load_table("TSCharactersExt").entries.items()}
    for traditional, simple in [*sorted(simplified_forms().items()), *sorted(ext.items())]:
        found = forms.setdefault(simple, [simple])
        if traditional not in found:
            found.append(traditional)
    return {simple: tuple(found) for simple, found in forms.items() if len(found) > 1}


def traditional_forms(char: str) -> tuple[str, ...]:
    """``char`` and the traditional characters whose simplified form it is: the inverse of
    :func:`simplified_forms` and of ``TSCharactersExt``, the character layer that conversion
    to Simplified reads first (膹 -> 𪱥)."""
    return _traditional_forms().get(char, (char,))


@lru_cache(maxsize=1 << 12)
def _numbered(reading: str) -> str | None:
    """``reading`` (marks or numbers) in tone numbers (``zhang3``), or None if no syllable."""
    try:
        syllable = parse(reading)
    except InputError:
        return None
    return f"{syllable.letters}{syllable.tone}"


@lru_cache(maxsize=1 << 16)
def reading_fits(char: str, reading: str) -> bool:
    """True when ``reading`` (marks or numbers) is one of ``char``'s readings."""
    numbered = _numbered(reading)
    if numbered is None:
        return False
    chars = load_lexicon().chars
    simple = simplified_forms().get(char, char)
    return numbered in chars.get(char, ()) or numbered in chars.get(simple, ())


def tally(text: str) -> Counter[tuple[str, str]]:
    """How often each ``(char, reading)`` pair is pasted in ``text``."""
    if "(" not in text:
        return Counter()
    return Counter(ANNOTATION.findall(text))


def strip(text: str) -> str:
    """``text`` without the parenthesised readings after its characters (the characters stay)."""
    return PASTED.sub("", text) if "(" in text else text
