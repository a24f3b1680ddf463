"""Character classes and optional normalisation. Every character passes through as it came."""

from __future__ import annotations

import re

__all__ = ["HAN_RANGES", "HAN_RE", "han_count", "is_han"]

#: Code-point ranges tongwen treats as Han: radicals, the ideographic iteration marks,
#: CJK Unified Ideographs and Extensions A-H, and the Compatibility Ideographs.
HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF),
    (0x3005, 0x3007),
    (0x3021, 0x3029),
    (0x3038, 0x303B),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)

HAN_RE = re.compile(
    "[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES) + "]"
)


def is_han(char: str) -> bool:
    """True when the single character ``char`` is a Han character."""
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


def han_count(text: str) -> int:
    """Number of Han characters in ``text``."""
    return len(HAN_RE.findall(text))
