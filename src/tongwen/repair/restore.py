"""Back to Simplified: undo the polluter's character map, character by character.

A polluted page was made by a character map ``M`` (each simplified character to one fixed
traditional form: ``generate.conversion_table``), not by a phrase-aware converter. Phrase-aware
t2s would "fix" what the original wrote on purpose (提昇 → 提升, 计画 → 计划, 服役於 → 服役于 is
right but 瞭解 → 了解 is not), so the page is taken back through ``M``'s inverse instead: each
character ``t`` goes back to the simplified character ``x`` with ``M(x) = t`` (the most frequent
one when several map to ``t``: 于 for 於, 为 for 為, 里 for 裡), and stays itself when nothing
else maps to it (昇 stays 昇).

Which map made the page is read from the page (:func:`hypothesis`): under each known table some
characters cannot occur (those it converts: 为 on any table's page, 后 on a "tw" page) or would
come back traditional (為 under "opencc", which writes 爲); the table with the fewest such
characters wins. A page that a cleaner has already converted to simplified has no traditional
characters at all; it is left as it is (hypothesis ``"s"``), since converting it again could only
destroy more.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from tongwen.text import code_points

if TYPE_CHECKING:  # numpy loads on first use
    import numpy as np

__all__ = ["ALREADY_SIMPLIFIED", "costs", "hypothesis", "inverse", "restore", "tables"]

#: The hypothesis that the page is simplified already (a cleaner converted it back).
ALREADY_SIMPLIFIED = "s"


@cache
def tables() -> tuple[str, ...]:
    """The character tables a page may have been made with (``generate.TABLES``)."""
    from tongwen.repair.generate import TABLES

    return TABLES


@cache
def inverse(table: str) -> Mapping[str, str]:
    """Character on a page -> the character that ``table`` converted to it, where that is
    another: of the characters that ``table`` makes ``t`` (``t`` itself among them when the
    table leaves it as it is), the most frequent (ranked before unranked; on a tie another
    before ``t``, then by code point).
    于 and 於 both give 於 in "opencc": 於 -> 于; "tw" writes 群 for 群 and for 羣: 群 stays."""
    from tongwen.readings.lexicon import char_ranks
    from tongwen.repair.generate import conversion_table

    ranks = char_ranks()
    unranked = len(ranks) + 1
    conv = conversion_table(table)
    sources: dict[str, set[str]] = {}
    for s, t in conv.items():
        sources.setdefault(t, set()).add(s)
    best: dict[str, str] = {}
    for t, found in sources.items():
        if t not in conv:  # the table leaves t itself as it is: t may stand for itself
            found.add(t)
        choice = min(found, key=lambda c: (ranks.get(c, unranked), c == t, c))
        if choice != t:
            best[t] = choice
    return best


@cache
def _traditional() -> frozenset[str]:
    from tongwen.conversion.detect import traditional_only

    return traditional_only()


@cache
def unlikely(hypothesis: str) -> frozenset[str]:
    """Characters that count against ``hypothesis``: for a table, those it converts to
    something else (they cannot be on its page) and traditional ones it would leave as they
    are; for :data:`ALREADY_SIMPLIFIED`, traditional characters."""
    if hypothesis == ALREADY_SIMPLIFIED:
        return _traditional()
    from tongwen.repair.generate import conversion_table

    conv = conversion_table(hypothesis)
    images = set(conv.values())
    impossible = {s for s in conv if s not in images}
    inv = inverse(hypothesis)
    kept = {c for c in _traditional() if c not in inv and c not in impossible}
    return frozenset(impossible | kept)


def hypotheses() -> tuple[str, ...]:
    """What a page may be, in order of preference on a tie."""
    return (ALREADY_SIMPLIFIED, *tables())


@cache
def _against() -> np.ndarray:
    """One byte per code point: bit ``k`` set when the character counts against the ``k``-th
    hypothesis (:func:`unlikely`)."""
    import numpy as np

    assert len(hypotheses()) <= 8
    table = np.zeros(0x110000, dtype=np.uint8)
    for bit, h in enumerate(hypotheses()):
        table[[ord(c) for c in unlikely(h)]] |= 1 << bit
    return table


def costs(text: str) -> dict[str, int]:
    """How many characters of ``text`` count against each hypothesis (one numpy pass)."""
    import numpy as np

    marks = _against().take(code_points(text))
    return {h: int(np.count_nonzero(marks & (1 << bit))) for bit, h in enumerate(hypotheses())}


def hypothesis(text: str) -> str:
    """The most likely origin of ``text``: a character table, or already simplified."""
    found = costs(text)
    return min(hypotheses(), key=found.__getitem__)  # the first of the cheapest


@cache
def _translation(table: str) -> dict[int, str]:
    return {ord(t): s for t, s in inverse(table).items()}


def restore(text: str, found: str | None = None) -> str:
    """``text`` (a stripped, repaired page) back in Simplified: through the inverse of the
    table that made it (``found``, else :func:`hypothesis`), or as it is when it is
    simplified already."""
    found = hypothesis(text) if found is None else found
    if found == ALREADY_SIMPLIFIED:
        return text
    return text.translate(_translation(found))


@cache
def unrestorable(table: str) -> frozenset[str]:
    """Characters that ``table`` writes like another, more frequent one (in "opencc" 於 like
    于, 谘 like 咨): going back, the page does not say which was meant, and :func:`inverse`
    chooses the other."""
    from tongwen.repair.generate import conversion_table

    conv = conversion_table(table)
    inv = inverse(table)
    out = set()
    for s, t in conv.items():
        if inv.get(t, t) != s:
            out.add(s)
    for t in inv:
        if t not in conv:  # the table leaves t as it is, and inverse() takes it for another
            out.add(t)
    return frozenset(out)
