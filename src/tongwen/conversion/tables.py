"""Dictionary tables: immutable ``key -> candidates`` maps, loaded lazily from package data."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from tongwen.errors import DataError, InputError

__all__ = ["Table", "load_table", "parse_user_phrases", "read_user_phrases"]


@dataclass(frozen=True)
class Table:
    """A named, read-only table; the first candidate of each key is its default."""

    name: str
    entries: Mapping[str, tuple[str, ...]]


def _parse(lines: Sequence[str], name: str) -> dict[str, tuple[str, ...]]:
    entries: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        key, sep, values = line.partition("\t")
        if not sep or not key or not values:
            raise DataError(f"table {name}, line {number}: not 'key<TAB>candidates'")
        entries[key] = tuple(values.split(" "))
    return entries


@cache
def load_table(name: str) -> Table:
    """The packaged table ``name`` (tables/NAME.tsv), parsed once per process."""
    resource = resources.files("tongwen").joinpath(f"data/tables/{name}.tsv")
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"packaged table {name!r} is missing; reinstall tongwen") from None
    return Table(name, MappingProxyType(_parse(text.splitlines(), name)))


def parse_user_phrases(
    phrases: Mapping[str, str | Sequence[str]],
) -> dict[str, tuple[str, ...]]:
    """Check user phrases (``{"key": "value"}`` or ``{"key": ["value", ...]}``); tuples out."""
    out: dict[str, tuple[str, ...]] = {}
    for key, value in phrases.items():
        values = (value,) if isinstance(value, str) else tuple(value)
        if not key or not values or not all(values):
            raise InputError(f"user phrase {key!r}: key and value must be non-empty")
        if any(c in key + "".join(values) for c in "\n\r"):
            raise InputError(f"user phrase {key!r}: keys and values cannot hold line breaks")
        out[key] = values
    return out


def read_user_phrases(path: str | os.PathLike[str]) -> dict[str, tuple[str, ...]]:
    """Read a user dictionary: UTF-8 TSV lines ``key<TAB>value [value ...]``, '#' comments."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as error:
        raise InputError("user dictionary is not UTF-8", source=name,
                         byte_offset=error.start) from None
    except OSError as error:
        raise InputError(f"cannot read user dictionary: {error.strerror}", source=name) from None
    phrases: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, values = line.partition("\t")
        if not sep or not key.strip() or not values.split():
            raise InputError("want 'key<TAB>value [value ...]'", source=name, line=number)
        phrases[key.strip()] = tuple(values.split())
    return phrases
