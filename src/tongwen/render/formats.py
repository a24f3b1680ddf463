"""Output formats for annotated text: inline 字(zì), HTML ruby, plain readings, tokens JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tongwen.errors import UnknownSchemeError

if TYPE_CHECKING:
    from tongwen.readings.annotator import Token

__all__ = ["FORMATS", "format_function", "inline", "readings", "ruby", "tokens_json"]


def _shown(token: Token) -> str | None:
    return token.reading if token.selected else None


def inline(text: str, tokens: Sequence[Token]) -> str:
    """Each selected character followed by its reading in parentheses: 團(tuán)."""
    parts = []
    for token in tokens:
        reading = _shown(token)
        parts.append(token.char if reading is None else f"{token.char}({reading})")
    return "".join(parts)


def ruby(text: str, tokens: Sequence[Token]) -> str:
    """HTML: <ruby>字<rp>(</rp><rt>zì</rt><rp>)</rp></ruby> for selected characters; the rest
    of the text escaped, so the result is valid HTML whatever the input held."""
    parts = []
    for token in tokens:
        reading = _shown(token)
        char = html.escape(token.char, quote=False)
        if reading is None:
            parts.append(char)
        else:
            rt = html.escape(reading, quote=False)
            parts.append(f"<ruby>{char}<rp>(</rp><rt>{rt}</rt><rp>)</rp></ruby>")
    return "".join(parts)


def readings(text: str, tokens: Sequence[Token]) -> str:
    """The readings alone, a space between two readings; other characters as they are."""
    parts: list[str] = []
    previous_was_reading = False
    for token in tokens:
        reading = _shown(token)
        if reading is None:
            parts.append(token.char)
            previous_was_reading = False
        else:
            parts.append(f" {reading}" if previous_was_reading else reading)
            previous_was_reading = True
    return "".join(parts)


def tokens_json(text: str, tokens: Sequence[Token]) -> str:
    """One JSON object: the text and one token per character (reading null when none shown)."""
    items = []
    for token in tokens:
        item: dict[str, object] = {
            "char": token.char,
            "reading": _shown(token),
            "source": token.source,
        }
        if len(token.candidates) > 1:
            item["candidates"] = list(token.candidates)
        if token.confidence is not None:
            item["confidence"] = round(token.confidence, 4)
        items.append(item)
    return json.dumps({"text": text, "tokens": items}, ensure_ascii=False)


Formatter = Callable[[str, Sequence["Token"]], str]

#: Format name -> function(text, tokens) -> str.
FORMATS: dict[str, Formatter] = {
    "inline": inline,
    "ruby": ruby,
    "readings": readings,
    "tokens": tokens_json,
}


def format_function(name: str) -> Formatter:
    """The formatter called ``name``."""
    try:
        return FORMATS[name]
    except KeyError:
        raise UnknownSchemeError(
            f"unknown format {name!r}; choose one of {', '.join(FORMATS)}"
        ) from None
