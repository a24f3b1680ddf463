"""Is a document polluted? Readings pasted after a site's list of converted characters.

Evidence: how many ``字(reading)`` pairs there are per Han character (learner text annotates
nearly every character, a textbook gloss one or two, a polluted page a steady share), whether the
readings fit their characters (Cantonese ``字(jyut6)`` does not parse as pinyin), how many of the
annotated characters are script-specific (the polluter's list is characters its conversion
changed), how often the same characters come back (a fixed list), and GBK garbles.
"""

from __future__ import annotations

import math
from functools import cache

from tongwen.conversion.detect import traditional_only
from tongwen.repair.gbk import GARBLE
from tongwen.repair.result import Detection
from tongwen.repair.strip import Annotation, find_annotations
from tongwen.text import HAN_RANGES

__all__ = ["detect", "detect_with_annotations"]


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


def _score(han: int, annotations: list[Annotation], garbles: int) -> float:
    """A score in [0, 1]; 0.5 and above is polluted."""
    n = len(annotations)
    if n == 0:
        return 0.9 if garbles else 0.0  # '?reading)' is the polluter's own mark
    fitting = sum(a.fits for a in annotations) / n
    specific = _script_specific()
    converted = sum(a.char in specific for a in annotations) / n
    density = n / max(han, 1)
    repeats = 1 - len({a.char for a in annotations}) / n  # a fixed list comes back
    evidence = (
        4.0 * (fitting - 0.8)
        + 3.0 * (converted - 0.55)
        + 1.5 * min(repeats, 0.5)
        + 0.8 * math.log(n)
        - (6.0 * (density - 0.45) if density > 0.45 else 0.0)  # learner text: nearly all
        + 3.0 * min(garbles, 2)
        - 2.5
    )
    return 1 / (1 + math.exp(-evidence))


def detect_with_annotations(text: str) -> tuple[Detection, list[Annotation]]:
    """The detection and the annotations it found (cleaning strips those)."""
    annotations = find_annotations(text)
    garbles = len(GARBLE.findall(text)) if annotations or "?" in text else 0
    han = _han_count(text)
    score = _score(han, annotations, garbles)
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

