"""Converter: one target script, a source (or detection), user phrases; convert, tokens, inspect."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from tongwen.conversion.detect import detect_script
from tongwen.conversion.layers import Layer, get_layer, user_layer
from tongwen.conversion.reference import ConvertedToken, Stage, convert_tokens
from tongwen.conversion.schemes import (
    Scheme,
    check_source,
    check_target,
    normalization,
    route,
)
from tongwen.conversion.tables import parse_user_phrases, read_user_phrases

if TYPE_CHECKING:
    from tongwen.conversion.compiled import CompiledScheme
    from tongwen.conversion.context import ContextUse

__all__ = ["ConvertedToken", "Converter", "Inspection", "convert"]

#: Texts longer than this are converted in pieces cut at line ends (memory stays bounded).
CHUNK_CHARS = 1 << 16

UserPhrases = Mapping[str, "str | Sequence[str]"] | str | os.PathLike[str]


@dataclass(frozen=True)
class Inspection:
    """Every stage of one conversion: the scheme, the text after each layer, the tokens."""

    text: str
    source: str
    target: str
    scheme: str | None
    stages: tuple[Stage, ...]
    tokens: tuple[ConvertedToken, ...]
    output: str

    def __str__(self) -> str:
        lines = [f"{self.source} -> {self.target}: scheme {self.scheme or '(none: unchanged)'}"]
        lines.append(f"  input   {self.text}")
        for stage in self.stages:
            lines.append(f"  {stage.layer}\n          {stage.text}")
        lines.append("  tokens")
        for token in self.tokens:
            if token.source != "none":
                alternatives = "/".join(token.candidates)
                lines.append(
                    f"    {token.start:>5}  {token.original} -> {token.text}"
                    f"  [{token.source}]  {alternatives}"
                )
        lines.append(f"  output  {self.output}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Plan:
    source: str
    scheme: Scheme | None
    layers: tuple[Layer, ...]  # normalisation, user phrases, then the scheme's layers
    context: ContextUse | None = None  # the model, at its index in ``layers``


@cache
def _shared_compiled(
    scheme: str | None, layers: tuple[Layer, ...], context: ContextUse | None
) -> CompiledScheme:
    """Compiled schemes without user phrases are shared by every Converter in the process."""
    return _compile(layers, context)


def _compile(layers: tuple[Layer, ...], context: ContextUse | None = None) -> CompiledScheme:
    from tongwen.conversion.compiled import CompiledScheme, char_map

    prefix = None
    if layers and layers[0].name == normalization().name:
        prefix, layers = char_map(layers[0]), layers[1:]
        if context is not None:
            context = _context_use(context.layer - 1, context.region)
    return CompiledScheme(layers, prefix, context)


@cache
def _context_use(layer: int, region: str) -> ContextUse | None:
    from tongwen.conversion.context import ContextUse, load_model  # numpy: on first use

    model = load_model("conversion")
    return None if model is None else ContextUse(layer, model, region)


class Converter:
    """Converts text to the script ``to`` ("s", "t", "tw", "hk" or "twp").

    ``source`` is "auto" (detected per call) or one of "s", "t", "tw", "hk". ``user_phrases``
    (a mapping, or the path of a TSV file ``key<TAB>value``) are matched first, longest first,
    everywhere in the text, and their output is final: they beat every packaged entry.
    ``normalize`` maps CJK compatibility ideographs to unified ones first; by default every
    character that no table converts comes out exactly as it went in. ``context`` (on by
    default) lets the context model choose, from Simplified to "t", "tw", "hk" and "twp", among
    the candidates of a character that no phrase decided (发 → 發/髮); off, the first
    candidate is taken, as OpenCC does.
    """

    def __init__(
        self,
        to: str = "t",
        source: str = "auto",
        *,
        user_phrases: UserPhrases | None = None,
        normalize: bool = False,
        context: bool = True,
    ) -> None:
        self.to = check_target(to)
        self.source = check_source(source)
        self.normalize = normalize
        self.context = context
        if user_phrases is None:
            phrases: dict[str, tuple[str, ...]] = {}
        elif isinstance(user_phrases, (str, os.PathLike)):
            phrases = read_user_phrases(user_phrases)
        else:
            phrases = parse_user_phrases(user_phrases)
        self._user = user_layer(phrases) if phrases else None
        self._plans: dict[str, _Plan] = {}
        self._compiled: dict[str, CompiledScheme] = {}

    def __repr__(self) -> str:
        return f"Converter(to={self.to!r}, source={self.source!r})"

    def source_of(self, text: str) -> str:
        """The source script used for ``text``: the given one, or the detected one."""
        if self.source != "auto":
            return self.source
        script = detect_script(text).script
        if script == "unknown":  # no evidence either way: assume the other script family
            return "t" if self.to == "s" else "s"
        return script

    def _plan(self, source: str) -> _Plan:
        plan = self._plans.get(source)
        if plan is None:
            scheme = route(source, self.to)
            layers: list[Layer] = []
            if self.normalize:
                layers.append(get_layer(normalization().layers[0]))
            if self._user is not None:
                layers.append(self._user)
            use = None
            if scheme is not None:
                if self.context and scheme.context is not None:
                    use = _context_use(len(layers), scheme.context)
                layers += [get_layer(tables) for tables in scheme.layers]
            plan = self._plans[source] = _Plan(source, scheme, tuple(layers), use)
        return plan

    def _engine(self, plan: _Plan) -> CompiledScheme:
        engine = self._compiled.get(plan.source)
        if engine is None:
            if self._user is None:
                name = plan.scheme.name if plan.scheme else None
                engine = _shared_compiled(name, plan.layers, plan.context)
            else:
                engine = _compile(plan.layers, plan.context)
            self._compiled[plan.source] = engine
        return engine

    def convert(self, text: str) -> str:
        """The converted text; every character no table converts is left as it was."""
        plan = self._plan(self.source_of(text))
        if not plan.layers:
            return text
        engine = self._engine(plan)
        if len(text) <= CHUNK_CHARS:
            return engine.convert(text)
        return "".join(engine.convert(piece) for piece in _pieces(text, engine.find_cut))

    def find_cut(self, text: str) -> int:
        """An index i > 0 where ``text[:i]`` converts the same on its own, or -1 when none.

        Streaming callers cut long lines there; a line end is always such a place.
        """
        plan = self._plan(self.source if self.source != "auto" else "s")
        if not plan.layers:
            return len(text) if text else -1
        return self._engine(plan).find_cut(text)

    def tokens(self, text: str) -> list[ConvertedToken]:
        """The conversion as tokens, each with its source and candidates (slower than convert)."""
        return list(self.inspect(text).tokens)

    def inspect(self, text: str) -> Inspection:
        """Every stage of the conversion of ``text``: read this first when a result looks wrong."""
        plan = self._plan(self.source_of(text))
        tokens, stages = convert_tokens(text, plan.layers, plan.context)
        output = "".join(t.text for t in tokens)
        name = plan.scheme.name if plan.scheme else None
        return Inspection(text, plan.source, self.to, name, tuple(stages), tuple(tokens), output)


def _pieces(text: str, find_cut: object) -> list[str]:
    """Cut ``text`` into pieces of about CHUNK_CHARS at line ends (or other safe places)."""
    assert callable(find_cut)
    pieces = []
    start = 0
    while len(text) - start > CHUNK_CHARS:
        end = start + CHUNK_CHARS
        cut = text.rfind("\n", start, end) + 1
        if cut <= start:
            found = find_cut(text[start:end])
            cut = start + found if found > 0 else len(text)
        pieces.append(text[start:cut])
        start = cut
    if start < len(text):
        pieces.append(text[start:])
    return pieces


@cache
def _default_converter(to: str, source: str) -> Converter:
    return Converter(to=to, source=source)


def convert(text: str, to: str = "t", source: str = "auto") -> str:
    """Convert ``text`` to the script ``to``; see :class:`Converter` for the options."""
    return _default_converter(to, source).convert(text)
