"""A layer: the tables of one conversion step merged into phrase and character maps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from tongwen.conversion.tables import load_table

__all__ = ["REMOVES", "Layer", "get_layer", "user_layer"]

#: A table named with this prefix in a layer removes its keys from the tables listed after it
#: (``-TWContestedPhrases``: no phrase under those keys; its values are never output).
REMOVES = "-"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: get_layer shares them
class Layer:
    """Phrases (keys of two or more characters, or whose output is not one character) and
    characters (one character to one character) of one step.

    The longest key wins at a position; on a key held by several tables the first table wins.
    ``final`` layers (user phrases) give output that no later layer touches.
    """

    name: str
    phrases: Mapping[str, tuple[str, ...]]
    chars: Mapping[str, tuple[str, ...]]
    final: bool = False
    #: Length of the longest phrase key (1 when there are none).
    max_len: int = 1

    def longest_match(self, text: str, start: int) -> int:
        """Length of the longest phrase key at ``text[start:]``, or 0 when none starts there."""
        for length in range(min(self.max_len, len(text) - start), 0, -1):
            if text[start : start + length] in self.phrases:
                return length
        return 0

    def apply_within(self, text: str) -> str:
        """Convert ``text`` as one segment: longest key first, defaults only."""
        out = []
        i = 0
        while i < len(text):
            length = self.longest_match(text, i)
            if length:
                out.append(self.phrases[text[i : i + length]][0])
                i += length
            else:
                out.append(self.chars.get(text[i], (text[i],))[0])
                i += 1
        return "".join(out)


def _merge(
    entries: list[tuple[bool, Mapping[str, tuple[str, ...]]]],
) -> dict[str, tuple[str, ...]]:
    """The tables' entries, the first table holding a key winning; a removing table's keys
    (``(True, table)``) are held by no one."""
    merged: dict[str, tuple[str, ...]] = {}
    removed: set[str] = set()
    for removes, table in entries:
        for key, values in table.items():
            if key in merged or key in removed:
                continue
            if removes:
                removed.add(key)
            else:
                merged[key] = values
    return merged


def _is_char_entry(key: str, values: tuple[str, ...], final: bool) -> bool:
    """One character whose default is one character; anything else is matched as a phrase."""
    return not final and len(key) == 1 and len(values[0]) == 1


def _split(name: str, merged: dict[str, tuple[str, ...]], final: bool) -> Layer:
    phrases = {k: v for k, v in merged.items() if not _is_char_entry(k, v, final)}
    chars = {k: v for k, v in merged.items() if _is_char_entry(k, v, final)}
    longest = max(map(len, phrases), default=1)
    return Layer(name, MappingProxyType(phrases), MappingProxyType(chars), final, longest)


@cache
def get_layer(tables: tuple[str, ...]) -> Layer:
    """The layer made of the packaged ``tables``, in priority order (built once per process);
    a name starting with ``REMOVES`` removes that table's keys from the tables after it."""
    merged = _merge([(name.startswith(REMOVES), load_table(name.removeprefix(REMOVES)).entries)
                     for name in tables])
    return _split("+".join(tables), merged, final=False)


def user_layer(phrases: Mapping[str, tuple[str, ...]]) -> Layer:
    """A final layer of user phrases and characters."""
    return _split("user", dict(phrases), final=True)
