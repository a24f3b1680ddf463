"""Every lexicon word in a text at once, from one Aho-Corasick automaton.

The automaton holds the lexicon's words (2 characters or more) and reports every occurrence,
overlapping ones included; forward maximum matching (``fmm``) and the polyphone model's
covering and edge words are read off that one list. The last text's matches are remembered,
because the annotator asks for them twice (segmentation, then the model).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from typing import Any

from tongwen.readings.lexicon import ReadingLexicon
from tongwen.text import searchable

__all__ = ["Match", "WordIndex", "fmm", "word_index"]

#: (pattern id, start, end) of one occurrence, in character offsets.
Match = tuple[int, int, int]


class WordIndex:
    """The words of ``lexicon`` as one automaton; ``words[pid]`` is pattern ``pid`` and
    ``readings[pid]`` its readings."""

    def __init__(self, lexicon: ReadingLexicon) -> None:
        import ahocorasick_rs  # not at import time: ``import tongwen`` stays light

        words = list(lexicon.words)
        if words and min(map(len, words)) < 2:
            words = [w for w in words if len(w) > 1]
            self.readings: list[tuple[str, ...]] = [lexicon.words[w] for w in words]
        else:
            self.readings = list(lexicon.words.values())
        self.words: list[str] = words
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                words, implementation=ahocorasick_rs.Implementation.ContiguousNFA
            )
            if words
            else None
        )
        self._last = threading.local()
        #: Per-character Choices outside words, shared (``tongwen.readings.assign``).
        self.singles: dict[str, Any] = {}

    def matches(self, text: str) -> list[Match]:
        """Every occurrence of every word in ``text`` (overlapping), in order of end."""
        last = getattr(self._last, "value", None)
        if last is not None and last[0] is text:
            return last[1]  # type: ignore[no-any-return]
        found: list[Match] = []
        if self._automaton is not None and len(text) > 1:
            try:
                found = self._automaton.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:  # lone surrogates: they pass through, unread
                found = self._automaton.find_matches_as_indexes(searchable(text), overlapping=True)
        self._last.value = (text, found)
        return found


def fmm(matches: Sequence[Match]) -> list[Match]:
    """The words forward maximum matching picks from ``matches`` (all occurrences): at each
    position the longest word starting there, then on after it; sorted by start."""
    longest: dict[int, Match] = {}
    for match in matches:
        best = longest.get(match[1])
        if best is None or match[2] > best[2]:
            longest[match[1]] = match
    picked, end = [], 0
    for start in sorted(longest):
        if start >= end:
            match = longest[start]
            picked.append(match)
            end = match[2]
    return picked


@cache
def word_index(lexicon: ReadingLexicon) -> WordIndex:
    """The automaton of ``lexicon``, built once per lexicon."""
    return WordIndex(lexicon)
