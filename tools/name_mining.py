"""Names the conversion context model would break, to protect as phrases (STNamePhrases).

Called by tools/train_conversion.py with the model it has just trained. Every proper noun of
CC-CEDICT (capitalised pinyin; two or more characters; the two forms of one length) whose
conversion by the s2t layer's phrases and first candidates (no model) is what CC-CEDICT writes,
up to orthographic variants, is put in a few short contexts (after 于, between 在 and 的, ...).
Where the model, shared or with the Hong Kong weights, would then pick another form for one of
its characters (昆明 read as 崑明 after 在, as in 崑山; 莱布尼茨 as 萊佈尼茨), the name becomes a
phrase with the s2t layer's output: 昆明 -> 昆明. The table lines are derived from CC-CEDICT
(CC BY-SA 4.0).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tongwen.conversion import compiled as cmp
from tongwen.conversion.context import ContextModel
from tongwen.conversion.layers import get_layer

__all__ = ["PROBES", "cedict_names", "names_to_protect"]

#: The contexts a name is tried in: (before, after).
PROBES = (("", ""), ("于", ""), ("在", "的"), ("，", "。"), ("是", "人"), ("和", "等"))
_ENTRY = re.compile(r"(\S+) (\S+) \[([^\]]*)\]")


def cedict_names(path: Path) -> Iterator[tuple[str, str]]:
    """(traditional, simplified) of CC-CEDICT's proper nouns of two or more characters whose
    forms have the same length, in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            found = _ENTRY.match(line)
            if line.startswith("#") or not found:
                continue
            trad, simp, pinyin = found.groups()
            if pinyin[:1].isupper() and len(trad) == len(simp) > 1:
                yield trad, simp


def names_to_protect(path: Path, model: ContextModel, canon: np.ndarray) -> dict[str, str]:
    """Name -> its s2t layer output, for the names of ``path`` (CC-CEDICT) that the layer
    gets right and ``model`` would change in one of :data:`PROBES`."""
    layer = get_layer(("STBoundaryPhrases", "STPhrases", "STCharacters"))
    matcher = cmp._PhraseMatcher(list(layer.phrases), [v[0] for v in layer.phrases.values()])
    out: dict[str, str] = {}
    for trad, simp in cedict_names(path):
        if simp in out or not any(c in model.char_set for c in simp):
            continue
        plain = layer.apply_within(simp)
        if len(plain) != len(simp) or any(
                canon[ord(a)] != canon[ord(b)] for a, b in zip(plain, trad, strict=True)):
            continue
        if any(_changed(pre + simp + post, len(pre), len(simp), model, matcher)
               for pre, post in PROBES):
            out[simp] = plain
    return dict(sorted(out.items()))


def _changed(text: str, start: int, length: int, model: ContextModel,
             matcher: cmp._PhraseMatcher) -> bool:
    """Whether ``model`` (shared, or with the Hong Kong weights) picks another candidate than
    the first for a character of ``text[start:start + length]`` that no phrase takes."""
    codes = cmp._codepoints(text)
    taken = np.zeros(len(codes), dtype=np.bool_)
    patterns, starts = matcher.find(codes)
    if len(starts):
        taken[cmp._spans(starts, matcher.out.key_lengths[patterns])] = True
    positions = [i for i in range(start, start + length)
                 if not taken[i] and text[i] in model.char_set]
    if not positions:
        return False
    at = np.array(positions, dtype=np.int64)
    return any(bool(model.choose(codes, at, region).any()) for region in ("shared", "hk"))
