"""Regional usage tables mined from human-typed traditional text (tools/train_conversion.py).

Every match of the s2t layer's phrases in a region's training lines is compared with what the
line really writes there (up to orthographic variants). Three tables come out of it:

- *corrected* phrases (TWUsagePhrases, HKUsagePhrases): one other form makes at least
  ``share`` of the phrase's occurrences (宣布 not 宣佈 in Taiwan); the table gives that form.
- *contested* phrases (TWContestedPhrases): the phrase's output is contradicted more often
  than not (below ``CONTESTED``) in every register that uses it (legal and gazette text, and
  the rest), no one form taking over: 编制 (編制 and 編製), 不准 (不准 and 不準). The region's
  layer drops them, so the characters and the context model decide. Occurrences that a
  lexicon word straddles (处理发展 holds 理发 across a word boundary) are left out of that count,
  except for a phrase whose output is just its characters' defaults: such a phrase only
  blocks other matches (要了 blocks 了解 in 要了解), and its straddled occurrences are the case.
- *boundary* phrases (TWMinedBoundaryPhrases): where words straddle a phrase of the region's
  layer (传统制造 holds 统制; 来了解 holds 来了), the span of the phrase and those words
  becomes a key when the text writes one form of it 90% of the time and the phrase is wrong
  there; longer, or starting sooner, the key wins over the phrase.

Occurrences count with their source's weight (spoken and everyday text up). The held-out
slice is never counted; its occurrences give the check in the report.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from tongwen.conversion import compiled as cmp
from tongwen.conversion.converter import Converter
from tongwen.conversion.layers import get_layer

__all__ = ["CONTESTED", "FORMAL", "Usage", "boundary_phrases", "gather", "straddles"]

#: A phrase whose output makes less than this share of its occurrences is contested.
CONTESTED = 0.5
#: The sources of the formal register (the others are spoken or everyday text).
FORMAL = frozenset({"tw_ey_gazette", "tw_moj_law"})
#: A register counts for the contested test from this many occurrences of the phrase.
REGISTER_MIN = 5
#: Longest lexicon word looked for across a phrase's edges.
MAX_WORD = 4
STEP = 20000

#: (name, region, weight, traditional lines, simplified lines, line numbers) of one source.
Texts = tuple[str, str, float, list[str], list[str], list[int]]


@dataclass
class _Tally:
    """Weighted total, weighted right (the phrase's output), and the raw count."""

    total: float = 0.0
    right: float = 0.0
    count: int = 0

    def add(self, weight: float, right: bool) -> None:
        self.total += weight
        self.right += weight * right
        self.count += 1

    def contradicted(self) -> bool:
        return self.right < CONTESTED * self.total


def _same(canon: np.ndarray, a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are the same text up to orthographic variants."""
    return len(a) == len(b) and all(
        canon[ord(x)] == canon[ord(y)] for x, y in zip(a, b, strict=True))


def _share(canon: np.ndarray, per: dict[str, float], text: str) -> float:
    """The weighted share of the forms ``per`` (form -> weight) that write ``text``."""
    return sum(n for g, n in per.items() if _same(canon, g, text)) / sum(per.values())


def _leading_form(canon: np.ndarray, per: dict[str, float]) -> str:
    """The most frequent spelling of the most frequent form (up to variants) in ``per``."""
    by_canon: dict[tuple[int, ...], tuple[float, str]] = {}
    for gold, n in per.items():
        c = tuple(int(canon[ord(x)]) for x in gold)
        old = by_canon.get(c, (0.0, gold))
        by_canon[c] = (old[0] + n, old[1] if old[0] >= n else gold)
    return max(by_canon.values(), key=lambda v: v[0])[1]


def _standard(candidates: tuple[str, ...], form: str, canon: np.ndarray) -> str:
    """The first of a character's ``candidates`` (the s2t layer's, OpenCC standard forms) that
    is ``form`` up to variants, else ``form``."""
    return next((c for c in candidates if canon[ord(c)] == canon[ord(form)]), form)


@dataclass
class Usage:
    """The phrases' occurrences in one region's training lines, and the held-out ones."""

    region: str
    keys: list[str]
    outputs: list[str]
    canon: np.ndarray
    forms: dict[int, dict[str, float]] = field(default_factory=dict)  # weighted, per form
    raw: dict[int, int] = field(default_factory=dict)
    #: (phrase, formal register?, straddled?) -> tally
    tallies: dict[tuple[int, bool, bool], _Tally] = field(default_factory=dict)
    checks: list[tuple[int, str]] = field(default_factory=list)  # held out: (phrase, form)

    def same(self, a: str, b: str) -> bool:
        """True when ``a`` and ``b`` are the same text up to orthographic variants."""
        return _same(self.canon, a, b)

    def share(self, p: int, text: str) -> float:
        """The weighted share of phrase ``p``'s training occurrences that write ``text``."""
        return _share(self.canon, self.forms[p], text)

    def corrected(self, minimum: int, share: float) -> dict[int, str]:
        """Phrase -> the form one other spelling takes at least ``share`` of the time, when it
        differs only where a character has several candidates and converts back (t2s)."""
        layer = get_layer(("STPhrases", "STCharacters"))
        to_s = Converter(to="s", source="t", context=False)
        fixes: dict[int, str] = {}
        for p, per in self.forms.items():
            key, out = self.keys[p], self.outputs[p]
            if self.raw[p] < minimum or len(out) != len(key):
                continue
            gold = _leading_form(self.canon, per)
            if self.same(gold, out) or self.share(p, gold) < share or len(gold) != len(key):
                continue
            value = []
            for k_char, o_char, g_char in zip(key, out, gold, strict=True):
                if self.canon[ord(o_char)] == self.canon[ord(g_char)]:
                    value.append(o_char)
                    continue
                # a candidate of the character's when one is the form, else the corpora's
                # form (計畫 for 计划, which t2s reads back by phrase)
                value.append(_standard(layer.chars.get(k_char, ()), g_char, self.canon))
            text = "".join(value)
            if to_s.convert(text) == key:
                fixes[p] = text
        return fixes

    def contested(self, minimum: int, skip: Collection[int]) -> list[int]:
        """The phrases (not in ``skip``) that every register using them contradicts."""
        layer = get_layer(("STPhrases", "STCharacters"))
        boundary = get_layer(("STBoundaryPhrases",)).phrases  # hand-written: kept
        out = []
        for p in self.forms:
            key = self.keys[p]
            if p in skip or self.raw[p] < minimum or key in boundary:
                continue
            defaults = "".join(layer.chars.get(c, (c,))[0] for c in key)
            blocks = self.same(defaults, self.outputs[p])  # it only keeps other phrases off
            straddled = (False, True) if blocks else (False,)
            registers = [self._merged(p, formal, straddled) for formal in (False, True)]
            counted = [t for t in registers if t.count >= REGISTER_MIN]
            if (sum(t.count for t in registers) >= minimum and counted
                    and all(t.contradicted() for t in counted)):
                out.append(p)
        return sorted(out, key=lambda q: self.keys[q])

    def _merged(self, p: int, formal: bool, straddled: Iterable[bool]) -> _Tally:
        out = _Tally()
        for s in straddled:
            t = self.tallies.get((p, formal, s))
            if t is not None:
                out.total, out.right, out.count = (out.total + t.total, out.right + t.right,
                                                   out.count + t.count)
        return out

    def held_out_right(self, chosen: Collection[int], form: Callable[[int], str]) -> int:
        """Held-out occurrences of the ``chosen`` phrases that write ``form(phrase)``."""
        return sum(self.same(g, form(p)) for p, g in self.checks if p in chosen)


def _occurrences(texts: Iterable[Texts], region: str, matcher: cmp._PhraseMatcher,
                 held_out: Callable[[str, int], bool]
                 ) -> Iterator[tuple[str, str, str, int, int, float, bool]]:
    """Every match of ``matcher`` in the ``region`` sources of ``texts``, read in chunks of
    lines: (source, simplified chunk, traditional chunk, pattern, start, weight, held out?)."""
    for name, reg, weight, trad_lines, simp_lines, numbers in texts:
        if reg != region:
            continue
        for lo in range(0, len(trad_lines), STEP):
            nums = numbers[lo : lo + STEP]
            trad = "\n".join(trad_lines[lo : lo + STEP])
            simp = "\n".join(simp_lines[lo : lo + STEP])
            line_of = np.cumsum(cmp._codepoints(simp) == 0x0A)
            patterns, starts = matcher.find(cmp._codepoints(simp))
            for p, a in zip(patterns.tolist(), starts.tolist(), strict=True):
                yield name, simp, trad, p, a, weight, held_out(name, nums[int(line_of[a])])


def gather(texts: Iterable[Texts], region: str, canon: np.ndarray, words: Collection[str],
           held_out: Callable[[str, int], bool]) -> Usage:
    """Every s2t phrase match in the ``region`` sources of ``texts``: training occurrences
    tallied, held-out ones kept as checks; ``words``: the lexicon that tells straddling."""
    layer = get_layer(("STBoundaryPhrases", "STPhrases", "STCharacters"))
    keys = list(layer.phrases)
    usage = Usage(region, keys, [layer.phrases[k][0] for k in keys], canon)
    matcher = cmp._PhraseMatcher(keys, usage.outputs)
    for name, simp, trad, p, a, weight, held in _occurrences(texts, region, matcher, held_out):
        b = a + len(keys[p])
        gold = trad[a:b]
        if held:
            usage.checks.append((p, gold))
            continue
        per = usage.forms.setdefault(p, {})
        per[gold] = per.get(gold, 0.0) + weight
        usage.raw[p] = usage.raw.get(p, 0) + 1
        tally = usage.tallies.setdefault(
            (p, name in FORMAL, straddles(simp, a, b, words)), _Tally())
        tally.add(weight, usage.same(gold, usage.outputs[p]))
    return usage


def straddles(text: str, a: int, b: int, words: Collection[str]) -> bool:
    """True when a word of ``words`` (2..MAX_WORD characters) crosses an edge of ``text[a:b]``:
    it starts before ``a`` and ends inside, or starts inside and ends after ``b``."""
    return straddle_span(text, a, b, words) != (a, b)


def straddle_span(text: str, a: int, b: int, words: Collection[str]) -> tuple[int, int]:
    """The smallest span of ``text`` that holds ``text[a:b]`` and every word of ``words``
    (2..MAX_WORD characters) that crosses one of its edges."""
    lo, hi = a, b
    for length in range(2, MAX_WORD + 1):
        for start in range(max(a - length + 1, 0), a):
            if a < start + length < b and text[start : start + length] in words:
                lo = min(lo, start)
        for start in range(max(a + 1, b - length + 1), b):
            if start + length <= len(text) and text[start : start + length] in words:
                hi = max(hi, start + length)
    return lo, hi


def boundary_phrases(texts: Iterable[Texts], region: str, canon: np.ndarray,
                     words: Collection[str], held_out: Callable[[str, int], bool],
                     phrases: dict[str, str], minimum: int
                     ) -> tuple[list[str], dict[str, int]]:
    """Keys for the spans where words straddle a phrase of ``phrases`` (key -> output, the
    region's layer) and the region's text writes one form at least 90% of the time (weighted),
    at least ``minimum`` times, the phrase's output being wrong there: 传统制造 for 统制 in
    传统制造, 来了解 for 来了. Longer, or starting sooner, they win over the phrase. As table
    lines (key, value, reason), and a report with the held-out check."""
    keys = list(phrases)
    matcher = cmp._PhraseMatcher(keys, [phrases[k] for k in keys])
    forms: dict[str, dict[str, float]] = {}
    raw: dict[str, int] = {}
    inner: dict[str, tuple[int, str]] = {}  # span -> (offset, phrase) of its first occurrence
    checks: list[tuple[str, str]] = []
    for _, simp, trad, p, a, weight, held in _occurrences(texts, region, matcher, held_out):
        b = a + len(keys[p])
        lo, hi = straddle_span(simp, a, b, words)  # words hold no line break
        if (lo, hi) == (a, b):
            continue
        span, gold = simp[lo:hi], trad[lo:hi]
        if held:
            checks.append((span, gold))
            continue
        per = forms.setdefault(span, {})
        per[gold] = per.get(gold, 0.0) + weight
        raw[span] = raw.get(span, 0) + 1
        inner.setdefault(span, (a - lo, keys[p]))
    layer = get_layer(("STPhrases", "STCharacters"))
    to_s = Converter(to="s", source="t", context=False)
    found: dict[str, tuple[str, float]] = {}  # span -> (value, share)
    for span, per in forms.items():
        if raw[span] < minimum or span in phrases:
            continue
        gold = _leading_form(canon, per)
        share = _share(canon, per, gold)
        offset, key = inner[span]
        if share < 0.9 or _same(canon, gold[offset : offset + len(key)], phrases[key]):
            continue
        value = "".join(_standard(layer.chars.get(k, ()), g, canon)
                        for k, g in zip(span, gold, strict=True))
        if to_s.convert(value) == span:
            found[span] = (value, share)
    lines = [f"{span}\t{value}\tboundary: a word straddles {inner[span][1]} here; {region} "
             f"corpora write {value} {share:.0%} of {raw[span]} times, weighted (the phrase "
             f"gives {phrases[inner[span][1]]})"
             for span, (value, share) in sorted(found.items())]
    report = {"phrases": len(found),
              "held_out_occurrences": sum(span in found for span, _ in checks),
              "held_out_right_after": sum(_same(canon, g, found[span][0]) for span, g in checks
                                          if span in found)}
    return lines, report



def table_lines(usage: Usage, fixes: dict[int, str], contested: list[int]
                ) -> tuple[list[str], list[str]]:
    """The lines of the corrected table and of the contested table (key, value, reason)."""
    def others(p: int) -> str:
        return ", ".join(sorted(g for g in usage.forms[p]
                                if not usage.same(g, usage.outputs[p]))[:3])

    corrected = [
        f"{usage.keys[p]}\t{fixes[p]}\tmined: {usage.region} corpora write {fixes[p]} "
        f"{usage.share(p, fixes[p]):.0%} of {usage.raw[p]} times, weighted "
        f"(STPhrases: {usage.outputs[p]})"
        for p in sorted(fixes, key=lambda q: usage.keys[q])
    ]
    dropped = [
        f"{usage.keys[p]}\t{usage.outputs[p]}\tcontested: {usage.region} corpora write "
        f"{usage.outputs[p]} {usage.share(p, usage.outputs[p]):.0%} of {usage.raw[p]} times, "
        f"weighted (others: {others(p)})"
        for p in contested
    ]
    return corrected, dropped


def report(usage: Usage, fixes: dict[int, str], contested: list[int]) -> dict[str, int]:
    """Counts, and the held-out check: how often the phrases' old and new outputs are right."""
    chosen = set(contested)
    return {
        "phrases": len(fixes),
        "held_out_occurrences": sum(p in fixes for p, _ in usage.checks),
        "held_out_right_before": usage.held_out_right(fixes, lambda p: usage.outputs[p]),
        "held_out_right_after": usage.held_out_right(fixes, lambda p: fixes[p]),
        "contested": len(contested),
        "contested_held_out_occurrences": sum(p in chosen for p, _ in usage.checks),
        "contested_held_out_right_by_phrase": usage.held_out_right(
            chosen, lambda p: usage.outputs[p]),
    }
