"""Is a document polluted? Readings pasted after a site's list of converted characters.

Evidence: how many ``字(reading)`` pairs there are per Han character (learner text annotates
nearly every character, a textbook gloss one or two, a polluted page a steady share), whether the
readings fit their characters (Cantonese ``字(jyut6)`` does not parse as pinyin), how many of the
annotated characters are script-specific (the polluter's list is characters its conversion
changed), how often the same characters come back (a fixed list), and GBK garbles.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace
from functools import cache

from tongwen.conversion.detect import traditional_only
from tongwen.readings.lexicon import char_ranks
from tongwen.repair.gbk import GARBLE
from tongwen.repair.result import Detection
from tongwen.repair.strip import reading_fits, simplified_forms, tally

__all__ = ["detect", "detect_with_pairs"]

#: Fewer readings than this is a gloss or a note, not a site's list.
MIN_ANNOTATIONS = 3
#: Characters ranked below this count as rare.
RARE_RANK = 2000


@cache
def _script_specific() -> frozenset[str]:
    """Characters that Simplified and Traditional write differently (團 and 团, 關 and 关)."""
    from tongwen.conversion.tables import load_table

    simplified_only = {
        char for char, values in load_table("STCharacters").entries.items() if char not in values
    }
    return frozenset(simplified_only | traditional_only())


Pairs = Counter[tuple[str, str]]


def _consistency(text: str, chars: Counter[str]) -> float:
    """Share of the occurrences of the annotated characters that carry a reading: a site's
    list annotates every occurrence, ruby and glosses only some."""
    total = sum(text.count(char) for char in chars)
    return sum(chars.values()) / total if total else 0.0


def _rare_share(chars: Counter[str]) -> float:
    """Share of annotated characters outside the most frequent 2,000 (glosses pick rare ones)."""
    ranks, simplified = char_ranks(), simplified_forms()
    rare = sum(n for char, n in chars.items()
               if ranks.get(simplified.get(char, char), RARE_RANK + 1) > RARE_RANK)
    return rare / sum(chars.values())


def _score(text: str, han: int, pairs: Pairs, fitting: int, converted: int,
           garbles: int) -> float:
    """A score in [0, 1]; 0.5 and above is polluted."""
    n = sum(pairs.values())
    fit = fitting / n if n else 0.0
    if garbles and (n == 0 or fit >= 0.5):
        return 0.95  # '?reading)' is the polluter's own mark
    if n < MIN_ANNOTATIONS:
        return 0.0
    chars: Counter[str] = Counter()
    for (char, _), count in pairs.items():
        chars[char] += count
    lift = converted / n - _specific_share(text, han)
    density = n / max(han, 1)
    evidence = (
        6.0 * (fit - 0.8)
        + 8.0 * (_consistency(text, chars) - 0.8)
        + 1.2 * math.log(n)
        + 2.0 * lift
        - 25.0 * max(0.0, density - 0.35)  # learner text and ruby annotate most characters
        - 3.0 * _rare_share(chars)
        - 3.0
    )
    return 1 / (1 + math.exp(-evidence))


def _specific_share(text: str, han: int) -> float:
    """Share of the Han characters that are script-specific."""
    if not han:
        return 0.0
    counts = Counter(text)
    specific = _script_specific()
    return sum(n for char, n in counts.items() if char in specific) / han


def detect_with_pairs(text: str) -> tuple[Detection, Pairs]:
    """The detection and the ``(char, reading)`` pairs it counted."""
    pairs = tally(text)
    garbles = len(GARBLE.findall(text)) if pairs or "?" in text else 0
    if not pairs and not garbles:
        return Detection(False, 0.0, 0, 0, 0, 0, text), pairs
    specific = _script_specific()
    fitting = sum(n for (char, reading), n in pairs.items() if reading_fits(char, reading))
    converted = sum(n for (char, _), n in pairs.items() if char in specific)
    detection = Detection(
        polluted=False, score=0.0, annotations=sum(pairs.values()), fitting=fitting,
        converted=converted, garbles=garbles, text=text,
    )
    score = _score(text, detection.han, pairs, fitting, converted, garbles)
    detection = replace(detection, polluted=score >= 0.5, score=round(score, 6))
    return detection, pairs


def detect(text: str) -> Detection:
    """Whether ``text`` is polluted, with a score in [0, 1] and the evidence."""
    return detect_with_pairs(text)[0]

