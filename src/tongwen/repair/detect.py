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
from functools import cache

from tongwen.conversion.detect import traditional_only
from tongwen.readings.lexicon import char_ranks
from tongwen.repair.gbk import GARBLE
from tongwen.repair.result import Detection
from tongwen.repair.strip import Annotation, find_annotations, simplified_forms
from tongwen.text import HAN_RANGES

__all__ = ["detect", "detect_with_annotations"]

#: Fewer readings than this is a gloss or a note, not a site's list.
MIN_ANNOTATIONS = 3
#: Characters ranked below this count as rare.
RARE_RANK = 2000


def _han_count(text: str) -> int:
    import numpy as np  # not at import time: `import tongwen` stays light

    codepoints = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    count = 0
    for lo, hi in HAN_RANGES:
        count += int(np.count_nonzero((codepoints >= lo) & (codepoints <= hi)))
    return count


@cache
def _script_specific() -> frozenset[str]:
    """Characters that Simplified and Traditional write differently (團 and 团, 關 and 关)."""
    from tongwen.conversion.tables import load_table

    simplified_only = {
        char for char, values in load_table("STCharacters").entries.items() if char not in values
    }
    return frozenset(simplified_only | traditional_only())


def _consistency(text: str, annotations: list[Annotation]) -> float:
    """Share of the occurrences of the annotated characters that carry a reading: a site's
    list annotates every occurrence, ruby and glosses only some."""
    annotated = Counter(a.char for a in annotations)
    total = sum(text.count(char) for char in annotated)
    return sum(annotated.values()) / total if total else 0.0


def _rare_share(annotations: list[Annotation]) -> float:
    """Share of annotated characters outside the most frequent 2,000 (glosses pick rare ones)."""
    ranks, simplified = char_ranks(), simplified_forms()
    rare = sum(ranks.get(simplified.get(a.char, a.char), RARE_RANK + 1) > RARE_RANK
               for a in annotations)
    return rare / len(annotations)


def _score(text: str, han: int, annotations: list[Annotation], garbles: int) -> float:
    """A score in [0, 1]; 0.5 and above is polluted."""
    n = len(annotations)
    fitting = sum(a.fits for a in annotations) / n if n else 0.0
    if garbles and (n == 0 or fitting >= 0.5):
        return 0.95  # '?reading)' is the polluter's own mark
    if n < MIN_ANNOTATIONS:
        return 0.0
    specific = _script_specific()
    lift = sum(a.char in specific for a in annotations) / n - _specific_share(text, han)
    density = n / max(han, 1)
    evidence = (
        6.0 * (fitting - 0.8)
        + 8.0 * (_consistency(text, annotations) - 0.8)
        + 1.2 * math.log(n)
        + 2.0 * lift
        - 25.0 * max(0.0, density - 0.35)  # learner text and ruby annotate most characters
        - 3.0 * _rare_share(annotations)
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


def detect_with_annotations(text: str) -> tuple[Detection, list[Annotation]]:
    """The detection and the annotations it found (cleaning strips those)."""
    annotations = find_annotations(text)
    garbles = len(GARBLE.findall(text)) if annotations or "?" in text else 0
    han = _han_count(text)
    score = _score(text, han, annotations, garbles)
    specific = _script_specific()
    detection = Detection(
        polluted=score >= 0.5,
        score=round(score, 6),
        han=han,
        annotations=len(annotations),
        fitting=sum(a.fits for a in annotations),
        converted=sum(a.char in specific for a in annotations),
        garbles=garbles,
    )
    return detection, annotations


def detect(text: str) -> Detection:
    """Whether ``text`` is polluted, with a score in [0, 1] and the evidence."""
    return detect_with_annotations(text)[0]

