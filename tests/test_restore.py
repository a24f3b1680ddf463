"""Back to Simplified through the inverse of the polluter's character table (repair.restore)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.repair.generate import TABLES, char_convert, conversion_table
from tongwen.repair.restore import (
    ALREADY_SIMPLIFIED,
    costs,
    hypothesis,
    restore,
    unrestorable,
)

# Forms a char-by-char converter leaves alone and phrase-aware t2s would "fix".
ORIGINAL = "我们一起打拚，提昇国家竞争力，这个计画瞭解民情，头发里面有干部。"


@pytest.mark.parametrize("table", TABLES)
def test_restore_inverts_the_table(table: str) -> None:
    page = char_convert(ORIGINAL, table)
    assert page != ORIGINAL
    found = hypothesis(page)  # "tw" and "seed" write this text alike: either may be found
    assert char_convert(ORIGINAL, found) == page
    assert restore(page) == ORIGINAL


def test_simplified_page_is_left_alone() -> None:
    """A page a cleaner has simplified already: nothing to undo, nothing converted again."""
    assert hypothesis(ORIGINAL) == ALREADY_SIMPLIFIED
    assert restore(ORIGINAL) == ORIGINAL


def test_costs_count_characters_against_each_hypothesis() -> None:
    found = costs(char_convert(ORIGINAL, "tw"))  # 裡 counts against "opencc" (裏), 拚 all
    assert found["tw"] == 1 and found["opencc"] == 2 and found[ALREADY_SIMPLIFIED] == 13
    assert costs("") == dict.fromkeys(found, 0)


_SOURCES = sorted(set(conversion_table("opencc")) - unrestorable("opencc"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_SOURCES), min_size=1, max_size=40))
def test_every_restorable_character_comes_back(chars: list[str]) -> None:
    """Any text of characters the table does not write like another comes back exactly."""
    text = "".join(chars)
    assert restore(char_convert(text, "opencc"), "opencc") == text
