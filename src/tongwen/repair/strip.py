"""Readings pasted after characters, ``團(tuán)``: find them, check them, strip them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from tongwen.conversion.tables import load_table
from tongwen.errors import InputError
from tongwen.readings.lexicon import load_lexicon
from tongwen.readings.syllable import parse
from tongwen.text import HAN_RANGES

__all__ = [
    "ANNOTATION",
    "PINYIN",
    "Annotation",
    "find_annotations",
    "reading_fits",
    "simplified_forms",
    "strip",
]

_HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
#: One pinyin syllable as pasted by converters: tone marks or a tone digit.
PINYIN = r"[a-zA-ZāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüÜêÊḿńňǹ]{1,7}[1-5]?"
#: A Han character followed by one syllable in ASCII parentheses.
ANNOTATION = re.compile(f"([{_HAN}])\\(({PINYIN})\\)")


@dataclass(frozen=True)
class Annotation:
    """``char(reading)`` at ``start``; ``fits`` when the reading is one of the char's readings."""

    start: int
    char: str
    reading: str
    fits: bool

    @property
    def end(self) -> int:
        """Where the closing parenthesis ends."""
        return self.start + len(self.reading) + 3


@cache
def simplified_forms() -> dict[str, str]:
    """Traditional character -> its simplified form, for looking readings up."""
    return {k: v[0] for k, v in load_table("TSCharacters").entries.items()}


@lru_cache(maxsize=1 << 16)
def reading_fits(char: str, reading: str) -> bool:
    """True when ``reading`` (marks or numbers) is one of ``char``'s readings."""
    try:
        syllable = parse(reading)
    except InputError:
        return False
    numbered = f"{syllable.letters}{syllable.tone}"
    chars = load_lexicon().chars
    simple = simplified_forms().get(char, char)
    return numbered in chars.get(char, ()) or numbered in chars.get(simple, ())


def find_annotations(text: str) -> list[Annotation]:
    """Every ``字(reading)`` in ``text``, in order."""
    if "(" not in text:
        return []
    return [
        Annotation(m.start(), m.group(1), m.group(2), reading_fits(m.group(1), m.group(2)))
        for m in ANNOTATION.finditer(text)
    ]


def strip(text: str, annotations: list[Annotation]) -> str:
    """``text`` without the parenthesised readings of ``annotations`` (the characters stay)."""
    pieces = []
    at = 0
    for annotation in annotations:
        pieces.append(text[at : annotation.start + 1])
        at = annotation.end
    pieces.append(text[at:])
    return "".join(pieces)
