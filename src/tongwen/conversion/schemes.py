"""Conversion schemes as data: ordered dictionary layers, and which scheme a (source, target) takes.

The schemes live in ``data/schemes.toml`` (built into ``tongwen/data/schemes.json``); this module
only reads them. See that file for how a scheme runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from tongwen.errors import UnknownSchemeError

__all__ = [
    "SCRIPTS",
    "SOURCES",
    "TARGETS",
    "Scheme",
    "check_source",
    "check_target",
    "get_scheme",
    "normalization",
    "route",
    "scheme_names",
]

#: Target scripts: Simplified, Traditional (OpenCC standard), Taiwan, Hong Kong,
#: Taiwan with Taiwan vocabulary.
TARGETS: tuple[str, ...] = ("s", "t", "tw", "hk", "twp")
#: Source scripts; "auto" detects the script of the text.
SOURCES: tuple[str, ...] = ("auto", "s", "t", "tw", "hk")
#: Concrete scripts a text can be written in.
SCRIPTS: tuple[str, ...] = ("s", "t", "tw", "hk")


@dataclass(frozen=True)
class Scheme:
    """A named conversion: ``layers`` are tuples of table names, applied in order;
    ``context`` is the context model's region for the first layer's choices (None: none)."""

    name: str
    description: str
    layers: tuple[tuple[str, ...], ...]
    context: str | None = None


@cache
def _spec() -> dict[str, Any]:
    text = resources.files("tongwen").joinpath("data/schemes.json").read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


def _scheme(name: str, raw: dict[str, Any]) -> Scheme:
    layers = tuple(tuple(layer) for layer in raw["layers"])
    context = raw.get("context")
    return Scheme(name, str(raw.get("description", name)), layers,
                  None if context is None else str(context))


def scheme_names() -> tuple[str, ...]:
    """Names of every packaged scheme (s2t, s2tw, t2s, ...)."""
    return tuple(_spec()["schemes"])


def get_scheme(name: str) -> Scheme:
    """The packaged scheme called ``name``."""
    raw = _spec()["schemes"].get(name)
    if raw is None:
        raise UnknownSchemeError(
            f"unknown scheme {name!r}; known: {', '.join(scheme_names())}"
        )
    return _scheme(name, raw)


def normalization() -> Scheme:
    """The optional normalisation stage (CJK compatibility ideographs to unified ones)."""
    return _scheme("normalize", _spec()["normalize"])


def check_target(target: str) -> str:
    """``target`` if it is a known target script, else UnknownSchemeError."""
    if target not in TARGETS:
        raise UnknownSchemeError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    return target


def check_source(source: str) -> str:
    """``source`` if it is a known source script (or "auto"), else UnknownSchemeError."""
    if source not in SOURCES:
        raise UnknownSchemeError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")
    return source


def route(source: str, target: str) -> Scheme | None:
    """The scheme that converts ``source`` to ``target``; None when the text is already there."""
    check_target(target)
    if source not in SCRIPTS:
        raise UnknownSchemeError(f"unknown source script {source!r}; choose one of {SCRIPTS}")
    name = _spec()["routes"].get(f"{source}>{target}")
    return None if name is None else get_scheme(name)
