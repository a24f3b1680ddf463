"""The reference repair: the plain, slow statement of what detection and cleaning compute.

``tongwen.detect`` and ``tongwen.clean`` (``detect.py``, ``clean.py``, ``gbk.py``) give exactly
what these functions give, faster: pairs counted with a ``Counter``, characters counted one by
one, a line's bytes rebuilt one character at a time. The tests hold the fast path to it on
generated pages; nothing else calls this module.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection

from tongwen.conversion.converter import convert
from tongwen.readings.lexicon import char_ranks
from tongwen.repair.detect import RARE_RANK, Evidence, decide, script_specific
from tongwen.repair.gbk import BEAM, GARBLE, LONE, _characters_after, lost_options
from tongwen.repair.restore import hypotheses, inverse, unlikely
from tongwen.repair.result import Cleaned, Detection
from tongwen.repair.strip import ANNOTATION, reading_fits, simplified_forms, strip, tally
from tongwen.text import han_count

__all__ = ["clean", "detect", "evidence", "repair_line", "to_simplified"]

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


def _units(line: str) -> list[bytes | str | None] | None:
    """The line's byte stream, one unit per character (an unknown byte: its reading, a str; a
    lost pair, a bare '?' after a garble: None), inserted readings removed; None if not
    GBK."""
    out: list[bytes | str | None] = []
    for match in _UNIT.finditer(line):
        garble_reading, lone_reading, char = match.group(1), match.group(2), match.group(3)
        if garble_reading is not None or lone_reading is not None:
            out.append(garble_reading or lone_reading)
            continue
        if match.group(0) == "?" and any(isinstance(u, str) for u in out):
            out.append(None)
            continue
        try:
            out.append((char if char is not None else match.group(0)).encode("gbk"))
        except UnicodeEncodeError:
            return None
    return out


def _plausibility(data: bytes, known: Collection[str]) -> int:
    """How many characters of ``data`` decode to frequent characters (either script), less
    three for each byte pair that does not decode at all."""
    text = data.decode("gbk", errors="replace")
    simplified = simplified_forms()
    return sum(simplified.get(c, c) in known for c in text) - 3 * text.count("\ufffd")


def repair_line(line: str, fits: Callable[[str, str], bool] = reading_fits,
                preferred: Collection[str] = ()) -> str | None:
    """What ``gbk.repair_line`` answers."""
    units = _units(line)
    if units is None:
        return None
    known = char_ranks()
    beam: list[bytearray] = [bytearray()]
    for i, unit in enumerate(units):
        if isinstance(unit, bytes):
            for data in beam:
                data += unit
            continue
        following = b"".join(u for u in units[i + 1 : i + 9] if isinstance(u, bytes))[:12]
        if unit is None:  # a lost pair: each choice takes its best option, unless the first ties
            solved: list[bytearray] = []
            for rank, data in enumerate(beam):
                if not data or data[-1] < 0x81:
                    continue
                before = bytes(data[:-1]).decode("gbk", errors="replace")[-1:]
                options = lost_options(data[-1], before, following)
                if not options:
                    continue
                if rank == 0 and len(options) > 1 and options[0][0] == options[1][0]:
                    return None
                solved.append(data + bytes(options[0][1:]))
            if not solved:
                return None
            beam = solved[:BEAM]
            continue
        scored: list[tuple[int, int, bytearray]] = []
        for data in (d for d in beam if d):
            for byte, char in _characters_after(data[-1]):
                if fits(char, unit):
                    score = _plausibility(bytes((byte,)) + following, known) + (char in preferred)
                    scored.append((-score, len(scored), data + bytes((byte,))))
        if not scored:
            return None
        beam = [data for _, _, data in sorted(scored)[:BEAM]]
    for data in beam:
        try:
            return bytes(data).decode("gbk")
        except UnicodeDecodeError:
            continue
    return None


def to_simplified(text: str, rebuilt: Collection[int] = ()) -> str:
    """What ``clean.to_simplified`` answers: the hypothesis (a character table, or "s":
    simplified already) with the fewest characters of the text against it, the first on a
    tie; then each character through that table's inverse; for "s", the lines rebuilt from
    their bytes (``rebuilt``) converted with phrases, Taiwan forms to Simplified."""
    counts = Counter(text)
    cost = {h: sum(n for c, n in counts.items() if c in unlikely(h)) for h in hypotheses()}
    best = min(hypotheses(), key=lambda h: cost[h])
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
    preferred = frozenset(char for char, _ in pairs)
    for line in text.split("\n"):
        garbles = len(GARBLE.findall(line))
        fixed = repair_line(line, reading_fits, preferred) if garbles else None
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
    return Cleaned(out, detection, stripped=detection.annotations, repaired=repaired,
                   converted=converted)
