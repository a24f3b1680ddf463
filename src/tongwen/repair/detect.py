"""Is a document polluted? Readings pasted after a site's list of converted characters.

Evidence: how many ``字(reading)`` pairs there are per Han character (learner text annotates
nearly every character, a textbook gloss one or two, a polluted page a steady share), whether the
readings fit their characters (Cantonese ``字(jyut6)`` does not parse as pinyin), how many of the
annotated characters are script-specific (the polluter's list is characters its conversion
changed), how often the same characters come back (a fixed list), and GBK garbles.

The evidence is gathered in a few passes that run at C speed (``scan``, ``counts``); facts about
each distinct ``(char, reading)`` pair are computed once per process and looked up after that.
``reference.py`` gathers the same evidence the plain way.
"""

from __future__ import annotations

import math
from functools import cache
from typing import NamedTuple

from tongwen.conversion.detect import traditional_only
from tongwen.readings.lexicon import char_ranks
from tongwen.repair.counts import count_classes
from tongwen.repair.gbk import GARBLE
from tongwen.repair.result import Detection
from tongwen.repair.scan import Scan, scan
from tongwen.repair.strip import reading_fits, simplified_forms

__all__ = ["Evidence", "decide", "detect", "detect_scan", "script_specific"]

#: Fewer readings than this is a gloss or a note, not a site's list.
MIN_ANNOTATIONS = 3
#: Characters ranked below this count as rare.
RARE_RANK = 2000


@cache
def script_specific() -> frozenset[str]:
    """Characters that Simplified and Traditional write differently (團 and 团, 關 and 关)."""
    from tongwen.conversion.tables import load_table

    simplified_only = {
        char for char, values in load_table("STCharacters").entries.items() if char not in values
    }
    return frozenset(simplified_only | traditional_only())


class Evidence(NamedTuple):
    """What the score is computed from. ``annotations``: pasted readings; ``fitting``: those
    that are a reading of their character; ``converted``: those after a script-specific
    character; ``garbles``: GBK garbles; ``han``: Han characters; ``specific``: script-specific
    characters; ``occurrences``: occurrences of the annotated characters, with a reading or
    not; ``rare``: readings after a character outside the most frequent 2,000. ``han``,
    ``specific`` and ``occurrences`` are only needed (and may be left 0) when ``annotations``
    reaches ``MIN_ANNOTATIONS`` and the garbles do not decide alone."""

    annotations: int
    fitting: int
    converted: int
    garbles: int
    han: int = 0
    specific: int = 0
    occurrences: int = 0
    rare: int = 0


def _marked_by_garbles(e: Evidence) -> bool:
    """Garbles, and readings that mostly fit: '?reading)' is the polluter's own mark."""
    return bool(e.garbles) and (e.annotations == 0 or e.fitting / e.annotations >= 0.5)


def score(e: Evidence) -> float:
    """A score in [0, 1]; 0.5 and above is polluted."""
    n = e.annotations
    if _marked_by_garbles(e):
        return 0.95
    if n < MIN_ANNOTATIONS:
        return 0.0
    fit = e.fitting / n
    # A site's list annotates every occurrence of its characters, ruby and glosses only some.
    consistency = n / e.occurrences if e.occurrences else 0.0
    lift = e.converted / n - (e.specific / e.han if e.han else 0.0)
    density = n / max(e.han, 1)
    evidence = (
        6.0 * (fit - 0.8)
        + 8.0 * (consistency - 0.8)
        + 1.2 * math.log(n)
        + 2.0 * lift
        - 25.0 * max(0.0, density - 0.35)  # learner text and ruby annotate most characters
        - 3.0 * (e.rare / n)  # glosses pick rare characters
        - 3.0
    )
    return 1 / (1 + math.exp(-evidence))


def decide(e: Evidence, text: str) -> Detection:
    """The detection for ``text`` from its evidence."""
    if not e.annotations and not e.garbles:
        return Detection(False, 0.0, 0, 0, 0, 0, text)
    s = score(e)
    return Detection(
        polluted=s >= 0.5, score=round(s, 6), annotations=e.annotations, fitting=e.fitting,
        converted=e.converted, garbles=e.garbles, text=text,
    )


class _PairFacts(dict[tuple[str, str], int]):
    """``(char, reading)`` -> ``fits + (converted << 32) + (rare << 64)``, computed on first
    use: summing the values of a page's pairs counts all three at once (a page has fewer than
    2**32 readings)."""

    LIMIT = 1 << 18  # distinct pairs kept; then the cache starts over

    def __missing__(self, pair: tuple[str, str]) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        char, reading = pair
        rank = char_ranks().get(simplified_forms().get(char, char), RARE_RANK + 1)
        facts = (int(reading_fits(char, reading)) + (int(char in script_specific()) << 32)
                 + (int(rank > RARE_RANK) << 64))
        self[pair] = facts
        return facts


_FACTS = _PairFacts()
_MASK = (1 << 32) - 1


def _evidence(text: str, found: Scan) -> Evidence:
    n = len(found.readings)
    garbles = len(GARBLE.findall(text)) if "?" in text else 0
    if not n:
        return Evidence(0, 0, 0, garbles)
    total = sum(map(_FACTS.__getitem__, zip(found.chars, found.readings, strict=True)))
    fitting, converted, rare = total & _MASK, (total >> 32) & _MASK, total >> 64
    e = Evidence(n, fitting, converted, garbles, rare=rare)
    if n < MIN_ANNOTATIONS or _marked_by_garbles(e):
        return e  # the score needs no counts
    counts = count_classes(found.stripped, "".join(found.chars))
    return Evidence(n, fitting, converted, garbles, han=counts.han, specific=counts.specific,
                    occurrences=counts.marked, rare=rare)


def detect_scan(text: str) -> tuple[Detection, Scan]:
    """The detection, and the scan of ``text`` it was made from (for cleaning)."""
    found = scan(text)
    e = _evidence(text, found)
    detection = decide(e, text)
    if e.han:
        detection.__dict__["han"] = e.han  # counted already (Detection.han is a cached_property)
    return detection, found


def detect(text: str) -> Detection:
    """Whether ``text`` is polluted, with a score in [0, 1] and the evidence."""
    return detect_scan(text)[0]
