"""The reference repair: the plain, slow statement of what detection and cleaning compute.

``tongwen.detect`` and ``tongwen.clean`` (``detect.py``, ``clean.py``, ``gbk.py``) give exactly
what these functions give, faster: pairs counted with a ``Counter``, characters counted one by
one, a garbled line cut into units one character at a time (the search that then solves its
unknown bytes is shared: :func:`repair_line`). The tests hold the fast path to it on generated
pages; nothing else calls this module.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection

from tongwen.conversion.converter import convert
from tongwen.readings.lexicon import char_ranks
from tongwen.repair.charlm import BOUNDARY, CharLM
from tongwen.repair.detect import RARE_RANK, Evidence, decide, script_specific
from tongwen.repair.gbk import (
    CLAIMED,
    GARBLE,
    LONE,
    Lost,
    Unit,
    Unknown,
    repair_units,
    with_variants,
)
from tongwen.repair.generate import TABLES, char_convert, pollute
from tongwen.repair.restore import hypotheses, inverse, unlikely
from tongwen.repair.result import Cleaned, Detection
from tongwen.repair.strip import (
    ANNOTATION,
    reading_fits,
    simplified_forms,
    strip,
    tally,
    traditional_forms,
)
from tongwen.text import han_count

__all__ = ["charlm_score", "clean", "detect", "evidence", "repair_line", "to_simplified"]

_UNIT = re.compile(f"{GARBLE.pattern}|{LONE.pattern}|{ANNOTATION.pattern}|.", re.DOTALL)


def evidence(text: str) -> tuple[Evidence, Counter[tuple[str, str]]]:
    """The evidence for ``text``, counted character by character, and its pairs."""
    pairs = tally(text)
    chars: Counter[str] = Counter()
    for (char, _), count in pairs.items():
        chars[char] += count
    specific, ranks, simplified = script_specific(), char_ranks(), simplified_forms()
    return Evidence(
        annotations=sum(pairs.values()),
        fitting=sum(n for (c, r), n in pairs.items() if reading_fits(c, r)),
        converted=sum(n for (c, _), n in pairs.items() if c in specific),
        garbles=len(GARBLE.findall(text)),
        han=han_count(text),
        specific=sum(n for c, n in Counter(text).items() if c in specific),
        occurrences=sum(text.count(c) for c in chars),
        rare=sum(n for c, n in chars.items()
                 if ranks.get(simplified.get(c, c), RARE_RANK + 1) > RARE_RANK),
    ), pairs


def detect(text: str) -> Detection:
    """What ``tongwen.detect`` answers."""
    return decide(evidence(text)[0], text)


def _units(line: str) -> list[str | Unknown | Lost]:
    """The line cut into text and unknown units one character at a time: a garble or a lone
    '?(reading)' is an :class:`Unknown`, a bare '?' after the first of them a :class:`Lost`
    pair; inserted readings removed, a reading pasted after the ASCII character just after
    a lost pair or a garble moved into that unit (``gbk.CLAIMED``), and any other reading
    pasted after an ASCII character after the first garble removed."""
    out: list[str | Unknown | Lost] = []
    for match in _UNIT.finditer(line):
        garble_reading, lone_reading, char = match.group(1), match.group(2), match.group(3)
        if garble_reading is not None or lone_reading is not None:
            out.append(Unknown(garble_reading or lone_reading))
        elif match.group(0) == "?" and any(isinstance(u, Unknown) for u in out):
            out.append(Lost())
        elif out and isinstance(out[-1], str):
            out[-1] += char if char is not None else match.group(0)
        else:
            out.append(char if char is not None else match.group(0))
    for k in range(1, len(out)):
        text, before = out[k], out[k - 1]
        if not isinstance(text, str):
            continue
        claimed = CLAIMED.match(text)
        if claimed and isinstance(before, Lost):
            out[k - 1] = Lost(claimed.group(2))
        elif claimed and isinstance(before, Unknown):
            out[k - 1] = Unknown(before.reading, (ord(claimed.group(1)), claimed.group(2)))
        if claimed and isinstance(before, Lost | Unknown):
            text = claimed.group(1) + text[claimed.end():]
        # after the first garble, any other reading pasted after an ASCII byte goes too
        out[k] = CLAIMED.sub(lambda m: m.group(1), text)
    return out


def repair_line(line: str, fits: Callable[[str, str], bool] = reading_fits,
                site: dict[str, str] | None = None, converted: bool = False,
                at_end: bool = False) -> str | None:
    """What the fast path answers for one line with garbles. The search itself is shared
    (``gbk.repair_units``: a beam over the options of each unknown unit, scored by the
    character model, whose own tests hold it to a plain scorer); this states its inputs
    plainly: the units, the preferred characters (the page's annotated ones, ``site``), and
    the check that a repair, polluted again with ``site`` (the characters read as one of the
    line's garbles first), gives the line; on a page a cleaner ``converted`` to Simplified,
    the units around the garbles are variants (``gbk.with_variants``) and the check converts
    the polluted line as the cleaner did."""
    site = site or {}
    garbled = set(re.findall(f"{GARBLE.pattern}|{LONE.pattern}", line))
    readings = {r for pair in garbled for r in pair if r}
    order = [c for c in site if site[c] in readings] + [c for c in site
                                                        if site[c] not in readings]

    def explains(text: str) -> bool:
        text = strip(text)  # a reading left after an ASCII byte the repair completed
        if not converted:
            return pollute(text, site_chars=order, readings=site, convert=False) == line
        for table in TABLES:
            written = {char_convert(c, table): site[c] for c in order}
            page = pollute(text, site_chars=list(written), readings=written, table=table)
            if convert(page, to="s") == line:
                return True
        return False

    found: list[str | Unit] = list(_units(line))
    if converted:
        found = with_variants(found, traditional_forms)
    return repair_units(found, fits, frozenset(site), explains, at_end)


def _best_hypothesis(text: str) -> str:
    """The hypothesis (a character table, or "s": simplified already) with the fewest
    characters of the text against it, the first on a tie."""
    counts = Counter(text)
    cost = {h: sum(n for c, n in counts.items() if c in unlikely(h)) for h in hypotheses()}
    return min(hypotheses(), key=lambda h: cost[h])


def to_simplified(text: str, rebuilt: Collection[int] = ()) -> str:
    """What ``clean.to_simplified`` answers: the hypothesis (a character table, or "s":
    simplified already) with the fewest characters of the text against it, the first on a
    tie; then each character through that table's inverse; for "s", the lines rebuilt from
    their bytes (``rebuilt``) converted with phrases, Taiwan forms to Simplified."""
    best = _best_hypothesis(text)
    if best != "s":
        back = inverse(best)
        return "".join(back.get(c, c) for c in text)
    lines = text.split("\n")
    for i in rebuilt:
        lines[i] = convert(lines[i], to="s", source="tw")
    return "\n".join(lines)


def clean(text: str, to: str = "keep") -> Cleaned:
    """What ``tongwen.clean`` answers (``to`` is "keep" or "s")."""
    found, pairs = evidence(text)
    detection = decide(found, text)
    if not detection.polluted:
        return Cleaned(text, detection, stripped=0, repaired=0, converted=False)
    lines, repaired, rebuilt = [], 0, []
    site: dict[str, str] = {}
    for char, reading in pairs:  # the first reading of each character, in order
        site.setdefault(char, reading)
    converted = _best_hypothesis(strip(text)) == "s"
    page = text.split("\n")
    for k, line in enumerate(page):
        garbles = len(GARBLE.findall(line))
        at_end = k + 1 == len(page)  # the page's last line: nothing after it
        fixed = repair_line(line, reading_fits, site, converted, at_end) if garbles else None
        if fixed is None:
            lines.append(line)
            continue
        repaired += garbles
        for part in fixed.split("\n"):
            rebuilt.append(len(lines))
            lines.append(part)
    out = strip("\n".join(lines))
    converted = False
    if to == "s":
        simplified = to_simplified(out, rebuilt)
        converted, out = simplified != out, simplified
    elif rebuilt and _best_hypothesis(out) == "s":
        out = to_simplified(out, rebuilt)
    return Cleaned(out, detection, stripped=detection.annotations, repaired=repaired,
                   converted=converted)


def charlm_score(model: CharLM, texts: list[str], end: bool = True) -> list[float]:
    """What ``model.score(texts, end)`` answers, one symbol at a time: a line boundary before
    each text and, with ``end``, after it; each symbol's log-probability given the two before
    it (the one before, when that is a line boundary): a seen trigram's, else the bigram's (a
    seen one's, else the first symbol's back-off weight plus the second's unigram) plus the
    context's trigram back-off weight when the context was seen."""
    pairs = {int(k): float(v) for k, v in zip(model.keys, model.logp, strict=True)}
    pair_index = {int(k): i for i, k in enumerate(model.keys)}
    triples = {int(k): float(v) for k, v in zip(model.keys3, model.logp3, strict=True)}
    size, out = model.size, []
    for text in texts:
        symbols = [int(model.ids[ord(c)]) for c in "\n" + text + ("\n" if end else "")]
        total = 0.0
        for k in range(1, len(symbols)):
            a, b = symbols[k - 1], symbols[k]
            bigram = pairs.get(a * size + b, float(model.backoff[a] + model.unigram[b]))
            context = symbols[k - 2] * size + a if k >= 2 and a != BOUNDARY else None
            if context is None or context not in pair_index:
                total += bigram
            elif context * size + b in triples:
                total += triples[context * size + b]
            else:
                total += bigram + float(model.backoff3[pair_index[context]])
        out.append(total)
    return out
