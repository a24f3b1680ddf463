"""The default disambiguator: neighbours' evidence from the word lexicon.

For a polyphonic character that no word covered, every lexicon word holding the same character
next to the same left (or right) neighbour votes for the reading it gives there: 很长 finds no
word, but 长 after 很 ... Words are the only evidence; no corpus, no training. The trained model
(tongwen.readings.model) plugs in through the same ``Disambiguator`` protocol; ``Chain`` asks
it first and these votes for the characters it has no answer for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cached_property

from tongwen.readings.assign import Choice, Disambiguator
from tongwen.readings.lexicon import ReadingLexicon

__all__ = ["Chain", "NeighbourVotes", "read_with"]


class NeighbourVotes:
    """Votes from lexicon words that share a neighbouring character (a sound default)."""

    def __init__(self, lexicon: ReadingLexicon, min_votes: int = 2) -> None:
        self.lexicon = lexicon
        self.min_votes = min_votes

    @cached_property
    def _votes(self) -> dict[str, tuple[tuple[str, int], ...]]:
        """'L' + left + char, or 'R' + char + right -> (reading of char in such words, how
        many), in the order first seen (kept as tuples: a Counter each would cost far more)."""
        votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
        polyphonic = self.lexicon.is_polyphonic
        for word, readings in self.lexicon.words.items():
            for j, char in enumerate(word):
                if not polyphonic(char):
                    continue
                if j > 0:
                    votes["L" + word[j - 1] + char][readings[j]] += 1
                if j + 1 < len(word):
                    votes["R" + char + word[j + 1]][readings[j]] += 1
        return {key: tuple(counts.items()) for key, counts in votes.items()}

    def choose(
        self, text: str, queries: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[tuple[str, float] | None]:
        """The reading most words with the same neighbour give, when enough of them agree."""
        votes = self._votes
        answers: list[tuple[str, float] | None] = []
        for i, candidates in queries:
            tally: Counter[str] = Counter()
            char = text[i]
            if i > 0:
                tally.update(dict(votes.get("L" + text[i - 1] + char, ())))
            if i + 1 < len(text):
                tally.update(dict(votes.get("R" + char + text[i + 1], ())))
            best = tally.most_common(1)
            total = sum(tally.values())
            if best and best[0][1] >= self.min_votes and best[0][0] in candidates:
                answers.append((best[0][0], best[0][1] / total))
            else:
                answers.append(None)
        return answers


class Chain:
    """Disambiguators asked in turn: each query gets the first answer that is not None. The
    first one's ``revise`` (if it has one) re-reads lexicon words' readings."""

    def __init__(self, *members: Disambiguator) -> None:
        self.members = members

    def choose(
        self, text: str, queries: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[tuple[str, float] | None]:
        """For each query, the first member's answer that is not None (else None)."""
        answers: list[tuple[str, float] | None] = [None] * len(queries)
        for member in self.members:
            open_ = [k for k, answer in enumerate(answers) if answer is None]
            if not open_:
                break
            got = member.choose(text, [queries[k] for k in open_])
            for k, answer in zip(open_, got, strict=True):
                answers[k] = answer
        return answers

    def read(self, text: str, choices: Sequence[Choice]) -> list[Choice]:
        """The first member's ``read`` of ``choices`` (defaults and lexicon words in one
        pass; ``choose`` then ``revise`` when it has no ``read``), then the other members'
        answers for the characters still on their default reading."""
        if not self.members:
            return list(choices)
        head, rest = self.members[0], self.members[1:]
        out = read_with(head, text, choices)
        queries = [(i, c.candidates) for i, c in enumerate(out) if c.source == "default"]
        for member in rest:
            if not queries:
                break
            got = member.choose(text, queries)
            for (i, candidates), answer in zip(queries, got, strict=True):
                if answer is not None and answer[0] in candidates:
                    out[i] = Choice(answer[0], "model", candidates, confidence=answer[1])
            queries = [(i, c) for i, c in queries if out[i].source == "default"]
        return out

    def revise(self, text: str, choices: Sequence[Choice]) -> list[Choice]:
        """The first member's revision of ``choices`` (unchanged when it has none)."""
        revise = getattr(self.members[0], "revise", None) if self.members else None
        return list(choices) if revise is None else revise(text, choices)


def read_with(member: Disambiguator, text: str, choices: Sequence[Choice]) -> list[Choice]:
    """``member.read`` if it has one, else its answers for the defaults and its revision."""
    read = getattr(member, "read", None)
    if read is not None:
        return list(read(text, choices))
    out = list(choices)
    queries = [(i, c.candidates) for i, c in enumerate(out) if c.source == "default"]
    answers = member.choose(text, queries) if queries else []
    for (i, candidates), answer in zip(queries, answers, strict=True):
        if answer is not None and answer[0] in candidates:
            out[i] = Choice(answer[0], "model", candidates, confidence=answer[1])
    revise = getattr(member, "revise", None)
    return out if revise is None else list(revise(text, out))
