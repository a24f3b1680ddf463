"""Character classes and optional normalisation. Every character passes through as it came."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads on first use, not when tongwen is imported
    import numpy as np
    import numpy.typing as npt

__all__ = ["HAN_RANGES", "HAN_RE", "code_points", "han_count", "is_han", "searchable"]

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


# Han characters by their UTF-8 bytes: whole lead bytes where a lead byte is all Han, short
# patterns elsewhere. Continuation bytes never look like lead bytes, so counts are exact.
#: Every byte but the lead bytes of U+4000-U+9FFF (E4-E9): deleting them leaves those leads.
_NOT_CJK_LEADS = bytes(b for b in range(256) if not 0xE4 <= b <= 0xE9)
_PARTLY_HAN = {
    b"\xe2": re.compile(rb"\xe2(?:[\xba-\xbe][\x80-\xbf]|\xbf[\x80-\x9f])"),  # radicals
    b"\xe3": re.compile(rb"\xe3(?:[\x90-\xbf]|\x80[\x85-\x87\xa1-\xa9\xb8-\xbb])"),
    b"\xef": re.compile(rb"\xef[\xa4-\xab]"),  # compatibility ideographs
    b"\xf0": re.compile(rb"\xf0[\xa0-\xbf]"),  # U+20000-U+3FFFF
}


def han_count(text: str) -> int:
    """Number of Han characters in ``text`` (fast: byte counts over its UTF-8)."""
    data = text.encode("utf-8", "surrogatepass")
    count = len(data.translate(None, _NOT_CJK_LEADS))  # U+4000-U+9FFF ...
    count -= data.count(b"\xe4\xb7")  # ... but the hexagrams U+4DC0-U+4DFF
    for lead, pattern in _PARTLY_HAN.items():
        if lead in data:
            count += len(pattern.findall(data))
    return count


def code_points(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text`` as a read-only uint32 array (lone surrogates included)."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


_SURROGATE = re.compile("[\ud800-\udfff]")


def searchable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (same length, same indices): what
    a string automaton, which reads UTF-8, accepts. No dictionary key holds either character,
    so the matches are the same."""
    return _SURROGATE.sub("\ufffd", text)
