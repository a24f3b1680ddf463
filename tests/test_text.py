"""Character classes: the fast Han count agrees with the definition of Han."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.text import HAN_RANGES, han_count, is_han

EDGES = [chr(c) for lo, hi in HAN_RANGES for c in (lo - 1, lo, hi, hi + 1)] + [
    "\u4dc0", "\u4dff", "\u3000", "\u3004", "\u3008", "\u3020", "\u302a", "\u3037", "\u303c",
    "\u33ff", "a", "é", "😀", "\U0003ffff", "\U00040000",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(EDGES), st.characters()), max_size=40).map("".join))
def test_han_count_matches_is_han(text: str) -> None:
    assert han_count(text) == sum(is_han(c) for c in text)


def test_every_edge() -> None:
    for char in EDGES:
        assert han_count(char) == is_han(char), hex(ord(char))
