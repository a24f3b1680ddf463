"""Assign each character its reading: user words, then lexicon words, then the disambiguator,
then the character's default. Readings are tone-numbered (``zhang3``); rendering comes later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tongwen.readings.lexicon import ReadingLexicon

__all__ = ["Choice", "Disambiguator", "assign", "segment"]


@dataclass(frozen=True)
class Choice:
    """The reading of one character and where it came from.

    ``source``: "user" or "phrase" (a word of the user's or the lexicon's), "model" (the
    disambiguator chose among several readings), "default" (several readings, the most frequent
    taken), "char" (one reading only), "none" (no reading: not a Han character).
    ``word`` is the (start, end) span of the word the character was read in, if any.
    """

    reading: str | None
    source: str
    candidates: tuple[str, ...]
    word: tuple[int, int] | None = None
    confidence: float | None = None


class Disambiguator(Protocol):
    """Chooses readings for the polyphonic characters that no word covered."""

    def choose(
        self, text: str, queries: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[tuple[str, float] | None]:
        """For each (index, candidates): the reading and a confidence in [0, 1], or None."""
        ...


def segment(
    text: str, words: Mapping[str, tuple[str, ...]], max_word: int
) -> list[tuple[int, int]]:
    """Spans of the words found by forward maximum matching (longest word first)."""
    spans = []
    i, n = 0, len(text)
    while i < n:
        for length in range(min(max_word, n - i), 1, -1):
            if text[i : i + length] in words:
                spans.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return spans


def _word_choices(
    text: str,
    lexicon: ReadingLexicon,
    user: Mapping[str, tuple[str, ...]],
    user_max: int,
) -> dict[int, Choice]:
    """Readings from words: the user's first, then the lexicon's in the gaps they leave."""
    chosen: dict[int, Choice] = {}
    layers = ((user, user_max, "user"), (lexicon.words, lexicon.max_word, "phrase"))
    for words, longest, source in layers:
        if not words:
            continue
        for start, end in _gaps(text, chosen, words, longest):
            readings = words[text[start:end]]
            for offset, reading in enumerate(readings):
                char = text[start + offset]
                candidates = lexicon.chars.get(char, (reading,))
                chosen[start + offset] = Choice(reading, source, candidates, (start, end))
    return chosen


def _gaps(
    text: str, taken: dict[int, Choice], words: Mapping[str, tuple[str, ...]], longest: int
) -> list[tuple[int, int]]:
    """Word spans in the stretches of ``text`` that no earlier word took."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i in [*sorted(taken), len(text)]:
        if i > start:
            spans += [(a + start, b + start) for a, b in segment(text[start:i], words, longest)]
        start = max(start, i + 1)
    return spans


def assign(
    text: str,
    lexicon: ReadingLexicon,
    disambiguator: Disambiguator | None = None,
    user_words: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Choice]:
    """One Choice per character of ``text`` (simplified script gives the best readings)."""
    user = user_words or {}
    chosen = _word_choices(text, lexicon, user, max(map(len, user), default=1))
    queries: list[tuple[int, tuple[str, ...]]] = []
    for i, char in enumerate(text):
        if i in chosen:
            continue
        candidates = lexicon.chars.get(char)
        if candidates is None:
            chosen[i] = Choice(None, "none", ())
        elif len(candidates) == 1:
            chosen[i] = Choice(candidates[0], "char", candidates)
        else:
            queries.append((i, candidates))
    answers = disambiguator.choose(text, queries) if disambiguator and queries else []
    for (i, candidates), answer in zip(queries, answers or [None] * len(queries), strict=True):
        if answer is not None and answer[0] in candidates:
            chosen[i] = Choice(answer[0], "model", candidates, confidence=answer[1])
        else:
            chosen[i] = Choice(candidates[0], "default", candidates)
    return [chosen[i] for i in range(len(text))]
