"""The reference conversion: layer by layer over tokens, slow and plain.

It defines what a scheme does (see data/schemes.toml) and records, for every token, where its
answer came from and which candidates it had. ``compiled.py`` must give the same text, faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tongwen.conversion.layers import Layer
from tongwen.text import code_points

if TYPE_CHECKING:  # numpy and the model load on first use, not at import
    from tongwen.conversion.context import ContextUse

__all__ = ["ConvertedToken", "Stage", "convert_tokens"]

#: Where a token's text came from.
SOURCES = ("user", "phrase", "context", "default", "char", "none")


@dataclass(frozen=True)
class ConvertedToken:
    """One converted piece: ``original`` (input[start:end]) became ``text``.

    ``source`` is "user" or "phrase" (a dictionary key of several characters, or a user entry),
    "context" (a character with several candidates: the context model chose),
    "default" (a character with several candidates: the first was taken), "char" (a character
    with one candidate) or "none" (no entry: unchanged). ``candidates`` are the possible outputs,
    the chosen one first.
    """

    original: str
    text: str
    start: int
    end: int
    source: str
    candidates: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """True when the conversion changed this piece."""
        return self.text != self.original


@dataclass(frozen=True)
class Stage:
    """The text after one layer, for ``Converter.inspect``."""

    layer: str
    text: str


def _dedupe(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _convert_segment(token: ConvertedToken, layer: Layer) -> ConvertedToken:
    """A phrase token goes through a later layer as one segment of its own."""
    candidates = _dedupe([layer.apply_within(c) for c in token.candidates])
    return replace(token, text=candidates[0], candidates=candidates)


def _convert_char(token: ConvertedToken, layer: Layer) -> ConvertedToken:
    entry = layer.chars.get(token.text)
    if entry is None:
        return token
    candidates = _dedupe([out for c in token.candidates for out in layer.chars.get(c, (c,))])
    # A character with several candidates stays a real choice through the later layers.
    source = "char"
    if token.source in ("default", "context"):
        source = token.source
    elif len(entry) > 1:
        source = "default"
    return replace(token, text=candidates[0], candidates=candidates, source=source)


def _convert_run(run: list[ConvertedToken], layer: Layer) -> list[ConvertedToken]:
    """Characters that no phrase took: match this layer's phrases across them, then characters."""
    text = "".join(t.text for t in run)  # every run token is one character long
    out: list[ConvertedToken] = []
    i = 0
    while i < len(run):
        length = layer.longest_match(text, i)
        if length:
            values = layer.phrases[text[i : i + length]]
            first, last = run[i], run[i + length - 1]
            original = "".join(t.original for t in run[i : i + length])
            source = "user" if layer.final else "phrase"
            out.append(ConvertedToken(original, values[0], first.start, last.end, source, values))
            i += length
        else:
            out.append(_convert_char(run[i], layer))
            i += 1
    return out


def _in_run(token: ConvertedToken) -> bool:
    return token.source in ("none", "char", "default", "context")


def _apply_context(
    text: str, before: dict[int, str], tokens: list[ConvertedToken], context: ContextUse
) -> list[ConvertedToken]:
    """Let the model choose at the characters of the layer that no phrase took.

    ``before`` holds each run character as it was before the layer, by its start. The model
    reads ``text`` with those characters (normalised when asked), as compiled.py reads it.
    """
    model = context.model
    text = "".join(before.get(i, c) for i, c in enumerate(text))
    at = [k for k, t in enumerate(tokens)
          if _in_run(t) and t.end - t.start == 1 and before.get(t.start, "") in model.char_set]
    if not at:
        return tokens
    import numpy as np

    codepoints = code_points(text)
    positions = np.array([tokens[k].start for k in at], dtype=np.int64)
    classes = model.choose(codepoints, positions, context.region)
    out = list(tokens)
    for k, cls in zip(at, classes.tolist(), strict=True):
        token = tokens[k]
        row = int(model.lookup[ord(before[token.start])])
        chosen = chr(int(model.candidates[row, cls]))
        rest = tuple(c for c in token.candidates if c != chosen)
        out[k] = replace(token, text=chosen, candidates=(chosen, *rest), source="context")
    return out


def _apply_layer(tokens: list[ConvertedToken], layer: Layer) -> list[ConvertedToken]:
    out: list[ConvertedToken] = []
    run: list[ConvertedToken] = []
    for token in tokens:
        if _in_run(token):
            run.append(token)
            continue
        if run:
            out += _convert_run(run, layer)
            run = []
        out.append(token if token.source == "user" else _convert_segment(token, layer))
    if run:
        out += _convert_run(run, layer)
    return out


def convert_tokens(
    text: str, layers: Sequence[Layer], context: ContextUse | None = None
) -> tuple[list[ConvertedToken], list[Stage]]:
    """Run ``layers`` over ``text``; return the tokens and the text after each layer.

    With ``context``, the model chooses among the candidates of the characters that layer
    ``context.layer`` leaves open.
    """
    tokens = [ConvertedToken(c, c, i, i + 1, "none", (c,)) for i, c in enumerate(text)]
    stages = []
    for k, layer in enumerate(layers):
        if context is not None and k == context.layer:
            before = {t.start: t.text for t in tokens if _in_run(t) and len(t.text) == 1}
            # what the model reads: the text through the character maps before this layer
            # (normalisation), user phrases not applied (compiled.py applies them last)
            for layer_before in layers[:k]:
                if not layer_before.final:
                    for i, c in enumerate(text):
                        if i not in before:
                            before[i] = layer_before.chars.get(c, (c,))[0]
            tokens = _apply_context(text, before, _apply_layer(tokens, layer), context)
        else:
            tokens = _apply_layer(tokens, layer)
        stages.append(Stage(layer.name, "".join(t.text for t in tokens)))
    return tokens, stages
