"""Which script a text is written in: Simplified, Traditional, and which Traditional standard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from tongwen.conversion.tables import load_table

__all__ = ["ScriptGuess", "detect_script", "traditional_only"]

_SIMPLIFIED, _TRADITIONAL, _TW, _HK, _OPENCC = 1, 2, 4, 8, 16


@dataclass(frozen=True)
class ScriptGuess:
    """The detected ``script`` ("s", "t", "tw", "hk" or "unknown") and the evidence.

    ``simplified`` and ``traditional`` count characters found only in that script;
    ``confidence`` is the share of that evidence which agrees with the decision.
    """

    script: str
    simplified: int
    traditional: int
    confidence: float


@cache
def _markers() -> dict[str, int]:
    """Character -> flags: written only in Simplified / Traditional, and regional forms."""
    st = load_table("STCharacters").entries
    ts = load_table("TSCharacters").entries
    flags: dict[str, int] = {}
    for char, values in st.items():
        if char not in values and char not in ts:
            flags[char] = flags.get(char, 0) | _SIMPLIFIED
    for char, values in ts.items():
        if char not in values and char not in st:
            flags[char] = flags.get(char, 0) | _TRADITIONAL
    tw = load_table("TWVariants").entries
    hk = load_table("HKVariants").entries
    standard = {v for values in st.values() for v in values}  # what s2t can write anyway
    tw_forms = {v for k, vs in tw.items() for v in vs if v != k} - standard
    hk_forms = {v for k, vs in hk.items() for v in vs if v != k} - standard
    for char in tw_forms - hk_forms:
        flags[char] = flags.get(char, 0) | _TW
    for char in hk_forms - tw_forms:
        flags[char] = flags.get(char, 0) | _HK
    for char in set(tw) & set(hk):
        if char not in tw[char] and char not in hk[char]:
            flags[char] = flags.get(char, 0) | _OPENCC
    return flags


def detect_script(text: str) -> ScriptGuess:
    """Guess the script of ``text`` from the characters that only one script uses."""
    markers = _markers()
    counts = dict.fromkeys((_SIMPLIFIED, _TRADITIONAL, _TW, _HK, _OPENCC), 0)
    for char, n in Counter(text).items():  # counting distinct characters runs in C
        flags = markers.get(char)
        if flags:
            for flag in counts:
                if flags & flag:
                    counts[flag] += n
    simplified, traditional = counts[_SIMPLIFIED], counts[_TRADITIONAL]
    total = simplified + traditional
    if simplified == traditional:
        return ScriptGuess("unknown", simplified, traditional, 0.0)
    if simplified > traditional:
        return ScriptGuess("s", simplified, traditional, simplified / total)
    regional = {"tw": counts[_TW], "hk": counts[_HK], "t": counts[_OPENCC]}
    best = max(regional.values())
    script = "t" if best == 0 or list(regional.values()).count(best) > 1 else (
        max(regional, key=regional.__getitem__)
    )
    return ScriptGuess(script, simplified, traditional, traditional / total)


@cache
def traditional_only() -> frozenset[str]:
    """Characters written only in traditional script (長, 發, 後 ...; not 干 or 后)."""
    return frozenset(char for char, flags in _markers().items() if flags & _TRADITIONAL)
