"""Assign each character its reading: user words, then lexicon words, then the disambiguator,
then the character's default. Readings are tone-numbered (``zhang3``); rendering comes later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tongwen.readings.lexicon import ReadingLexicon
from tongwen.readings.words import fmm, word_index

__all__ = ["Choice", "Disambiguator", "assign", "make_choice", "segment"]


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


_new = object.__new__


def make_choice(
    reading: str | None,
    source: str,
    candidates: tuple[str, ...],
    word: tuple[int, int] | None = None,
    confidence: float | None = None,
) -> Choice:
    """``Choice(...)`` without the frozen dataclass's per-field ``__setattr__`` calls (a
    third of the time; the annotator makes one per character). Same object, same fields."""
    choice: Choice = _new(Choice)
    choice.__dict__.update(
        reading=reading, source=source, candidates=candidates, word=word, confidence=confidence
    )
    return choice


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
    if not user:
        index = word_index(lexicon)
        for pid, start, end in fmm(index.matches(text)):
            for offset, reading in enumerate(index.readings[pid]):
                char = text[start + offset]
                candidates = lexicon.chars.get(char, (reading,))
                chosen[start + offset] = make_choice(reading, "phrase", candidates, (start, end))
        return chosen
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
    single = word_index(lexicon).singles
    out: list[Choice] = []
    for i, char in enumerate(text):
        choice = chosen.get(i) or single.get(char)
        if choice is None:
            choice = single[char] = _single_choice(lexicon, char)
        out.append(choice)
    if disambiguator is None:
        return out
    queries = [(i, c.candidates) for i, c in enumerate(out) if c.source == "default"]
    answers = disambiguator.choose(text, queries) if queries else []
    for (i, candidates), answer in zip(queries, answers, strict=True):
        if answer is not None and answer[0] in candidates:
            out[i] = Choice(answer[0], "model", candidates, confidence=answer[1])
    return out


def _single_choice(lexicon: ReadingLexicon, char: str) -> Choice:
    """The Choice of ``char`` where no word covers it: no reading, its only one, or its
    default (for a disambiguator to revisit). Choices are immutable: these are shared."""
    candidates = lexicon.chars.get(char)
    if candidates is None:
        return Choice(None, "none", ())
    if len(candidates) == 1:
        return Choice(candidates[0], "char", candidates)
    return Choice(candidates[0], "default", candidates)
