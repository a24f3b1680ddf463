"""The fast twin of reference.py: the same text, from an automaton and numpy arrays.

Each layer's phrase keys become one Aho-Corasick automaton (leftmost-longest, which is the
reference's longest-match scan). The text is matched as compact codes: every character of a key
gets a small code, every other character (and every character a phrase already took) code 0,
written in 1-3 self-synchronising bytes, so no match can start mid-character or cross a taken
phrase. Characters go through a code-point lookup array that holds those bytes directly. A
phrase's output through the later layers is worked out once, when the scheme is compiled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import ahocorasick_rs
import numpy as np
import numpy.typing as npt

from tongwen.conversion.context import ContextUse
from tongwen.conversion.layers import Layer
from tongwen.text import code_points, searchable

__all__ = ["CompiledScheme", "char_map"]

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
MAX_CP = 0x110000
#: Texts shorter than this take the string path (numpy's per-call cost dominates below it).
SHORT_TEXT = 256


def _codepoints(text: str) -> U32:
    codepoints: U32 = code_points(text).copy()  # writable: the layers rewrite it in place
    return codepoints


def _text(codepoints: U32) -> str:
    return str(np.ascontiguousarray(codepoints).data, "utf-32-le", "surrogatepass")  # no copy


def _writable(codepoints: U32) -> U32:
    """``codepoints``, or a copy of it where it is read-only."""
    return codepoints if codepoints.flags.writeable else codepoints.copy()


def _width(distinct: int) -> int:
    """Bytes per character for ``distinct`` codes (code 0 is 'no key character')."""
    if distinct < 0x100:
        return 1
    return 2 if distinct < 0x4000 else 3


def _byte_table(codes: U32, width: int) -> npt.NDArray[np.uint8] | npt.NDArray[np.uint16]:
    """Code point -> the bytes of its code, as one array element (width 1 or 2) or row (3).

    Widths 2 and 3 write the low 7 bits first, with the high bit set (the lead byte), then the
    higher bits in bytes below 0x80: every character starts with the only byte >= 0x80, so a
    key can only match from a character's start. Low bits first spread the automaton's first
    step over 128 lead bytes, which scans faster than leading with the few high values.
    """
    if width == 1:
        return codes.astype(np.uint8)
    if width == 2:
        # little-endian, so the lead byte comes first in memory
        table: npt.NDArray[np.uint16] = ((codes >> 7) << 8 | 0x80 | (codes & 0x7F)).astype("<u2")
        return table
    rows = np.empty((len(codes), 3), dtype=np.uint8)
    rows[:, 0] = 0x80 | (codes & 0x7F)
    rows[:, 1] = (codes >> 7) & 0x7F
    rows[:, 2] = codes >> 14
    return rows


@dataclass
class _Outputs:
    """Final outputs of one layer's phrases, indexed like its automaton's patterns."""

    texts: list[str]
    key_lengths: I64  # characters each key covers
    same_length: npt.NDArray[np.bool_]  # output as long as its key
    flat: U32  # all outputs, concatenated code points
    offsets: I64  # where each output starts in ``flat``


class _PhraseMatcher:
    """Leftmost-longest matching of one layer's keys over code-point arrays (or short strings)."""

    def __init__(self, keys: list[str], outputs: list[str]) -> None:
        self.keys = keys
        self._short: ahocorasick_rs.AhoCorasick | None = None
        chars = sorted({c for key in keys for c in key})
        self.width = _width(len(chars) + 1)
        codes = np.zeros(MAX_CP, dtype=np.uint32)
        codes[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1, dtype=np.uint32)
        #: Code point -> the bytes the automaton reads for it (code 0: no key holds it).
        self.table = _byte_table(codes, self.width)
        self.blank = self.table[0]  # the bytes of code 0, written over taken characters
        patterns = [self.table[_codepoints(key)].tobytes() for key in keys]
        self.automaton = ahocorasick_rs.BytesAhoCorasick(
            patterns,
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        lengths = np.array([len(o) for o in outputs], dtype=np.int64)
        key_lengths = np.array([len(k) for k in keys], dtype=np.int64)
        self.out = _Outputs(
            texts=outputs,
            key_lengths=key_lengths,
            same_length=lengths == key_lengths,
            flat=_codepoints("".join(outputs)),
            offsets=np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64),
        )
        self.all_same_length = bool(self.out.same_length.all())

    def find(self, current: U32, taken: Sequence[I64] = ()) -> tuple[I64, I64]:
        """(pattern, start) arrays of the matches, skipping the indices in ``taken``."""
        encoded = self.table.take(current, axis=0)  # take: faster than indexing
        for at in taken:
            encoded[at] = self.blank
        found = self.automaton.find_matches_as_indexes(encoded.reshape(-1).view(np.uint8).data)
        if not found:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
        table = flat.reshape(-1, 3)  # pattern, start, end (in bytes)
        if self.width == 1:
            return table[:, 0], table[:, 1]
        if self.width == 2:
            return table[:, 0], table[:, 1] >> 1
        return table[:, 0], table[:, 1] // 3

    def find_short(self, text: str) -> list[tuple[int, int, int]]:
        """(pattern, start, end) of the matches in a short string; built on first use."""
        if self._short is None:
            self._short = ahocorasick_rs.AhoCorasick(
                self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
            )
        try:
            found: list[tuple[int, int, int]] = self._short.find_matches_as_indexes(text)
        except UnicodeEncodeError:  # lone surrogates: they pass through, unconverted
            found = self._short.find_matches_as_indexes(searchable(text))
        return found


def char_map(layer: Layer) -> U32:
    """Code point -> code point array of the layer's one-character conversions."""
    table = np.arange(MAX_CP, dtype=np.uint32)
    for key, values in layer.chars.items():
        table[ord(key)] = ord(values[0])
    return table


@dataclass
class _Step:
    matcher: _PhraseMatcher | None
    char_map: U32 | None
    #: The context model decides this step's character choices.
    context: bool = False
    #: Character maps folded in after a context step: applied to the model's choices.
    post: U32 | None = None

    def translation(self) -> dict[int, int]:
        """The character map as a ``str.translate`` table (changed characters only)."""
        if self.char_map is None:
            return {}
        changed = np.flatnonzero(self.char_map != np.arange(MAX_CP, dtype=np.uint32))
        return dict(zip(changed.tolist(), self.char_map[changed].tolist(), strict=True))


class CompiledScheme:
    """Layers compiled for speed; ``convert`` equals the reference conversion's text."""

    def __init__(
        self,
        layers: Sequence[Layer],
        prefix: U32 | None = None,
        context: ContextUse | None = None,
    ) -> None:
        self.steps: list[_Step] = []
        self.context = context
        # Characters that start or continue a phrase anywhere; all others are safe cut points.
        self.key_chars = np.zeros(MAX_CP, dtype=np.bool_)
        for k, layer in enumerate(layers):
            later = layers[k + 1 :]
            keys = list(layer.phrases)
            matcher = None
            if keys:
                outputs = [_through(layer.phrases[key][0], later, layer.final) for key in keys]
                matcher = _PhraseMatcher(keys, outputs)
                self.key_chars[[ord(c) for key in keys for c in key]] = True
            chars = None if layer.final or not layer.chars else char_map(layer)
            uses_context = context is not None and context.layer == k
            self.steps.append(_Step(matcher, chars, uses_context))
        self.prefix = prefix
        self._fold_char_maps()

    def _fold_char_maps(self) -> None:
        """Character maps with no phrase step between them compose into one lookup."""
        folded: list[_Step] = []
        for step in self.steps:
            if folded and step.matcher is None and folded[-1].char_map is not None:
                previous = folded[-1].char_map
                assert previous is not None
                if step.char_map is not None:
                    last = folded[-1]
                    post = None
                    if last.context:
                        post = step.char_map if last.post is None else step.char_map[last.post]
                    folded[-1] = _Step(last.matcher, step.char_map[previous], last.context, post)
                continue
            folded.append(step)
        self.steps = folded
        self.any_phrases = any(step.matcher is not None for step in self.steps)
        self._translations: list[dict[int, int]] | None = None

    def convert(self, text: str) -> str:
        """The converted text."""
        if len(text) < SHORT_TEXT:
            return self._convert_short(text) if text else text
        return self._convert_arrays(text)

    def _convert_arrays(self, text: str) -> str:
        """The conversion over code-point arrays: for all but short texts."""
        current = code_points(text)  # read-only: every step below writes a new array
        if self.prefix is not None:
            current = self.prefix.take(current)
        found: list[_Found] = []
        for step in self.steps:
            if step.matcher is not None:
                patterns, starts = step.matcher.find(current, [f.at for f in found])
                if len(patterns):
                    found.append(_Found(step.matcher, patterns, starts))
            chosen = None
            if step.context:
                positions, chosen = self._choose(current, found)
            if step.char_map is not None:
                current = step.char_map.take(current)
            if chosen is not None and len(chosen):
                current = _writable(current)
                current[positions] = chosen if step.post is None else step.post[chosen]
        splices: list[tuple[int, int, str]] = []
        for match in found:
            current = _writable(current)
            splices += match.write(current)
        out = _text(current)
        if splices:
            out = _splice(out, sorted(splices))
        return out

    def _choose(self, current: U32, found: list[_Found]) -> tuple[I64, U32]:
        """Positions of the context step's choices (every character the model decides that no
        phrase in ``found`` took) and the model's candidate for each."""
        assert self.context is not None
        model = self.context.model
        choice = model.decides.take(current)
        for match in found:
            choice[match.at] = False
        positions = np.flatnonzero(choice)
        classes = model.choose(current, positions, self.context.region)
        chosen: U32 = model.candidates[model.lookup[current[positions]], classes]
        return positions, chosen

    def _choose_short(
        self, text: str, taken: dict[int, tuple[int, str]]
    ) -> list[tuple[int, int]]:
        """(position, candidate code point) of the context step's choices in a short text.

        ``text`` is the input as the context step sees it (normalised when asked; user phrases
        are taken, not applied yet): the model reads it, as it reads ``current`` in the arrays.
        """
        assert self.context is not None
        model = self.context.model
        found = [m.start() for m in model.pattern.finditer(text)]
        if found and taken:
            covered = {i for start, (end, _) in taken.items() for i in range(start, end)}
            found = [i for i in found if i not in covered]
        if not found:
            return []
        chosen = model.choose_in_text(text, found, self.context.region)
        return list(zip(found, chosen, strict=True))

    def _convert_short(self, text: str) -> str:
        """The same conversion with string operations: less overhead on short texts."""
        if self._translations is None:
            self._translations = [step.translation() for step in self.steps]
        if self.prefix is not None:
            text = text.translate(self._translations_prefix())
        taken: dict[int, tuple[int, str]] = {}
        for step, translation in zip(self.steps, self._translations, strict=True):
            if step.matcher is not None:
                search = _mask(text, taken) if taken else text
                for pattern, start, end in step.matcher.find_short(search):
                    taken[start] = (end, step.matcher.out.texts[pattern])
            choices = None
            if step.context:
                choices = self._choose_short(text, taken)
            if translation:
                text = text.translate(translation)
            if choices:
                chars = list(text)
                for at, code in choices:
                    chars[at] = chr(code if step.post is None else int(step.post[code]))
                text = "".join(chars)
        if not taken:
            return text
        pieces = []
        at = 0
        for start in sorted(taken):
            end, value = taken[start]
            pieces += [text[at:start], value]
            at = end
        pieces.append(text[at:])
        return "".join(pieces)

    def _translations_prefix(self) -> dict[int, int]:
        assert self.prefix is not None
        return _Step(None, self.prefix).translation()

    def find_cut(self, text: str) -> int:
        """An index i > 0 such that text[:i] converts the same alone, or -1 when none."""
        window = text[-4096:]
        codepoints = _codepoints(window)
        if self.prefix is not None:
            codepoints = self.prefix[codepoints]
        free = ~self.key_chars[codepoints]
        if self.context is not None:
            # the model reads two characters either side: keep them on one side of the cut
            near = self.context.model.lookup[codepoints] >= 0
            for shift in (1, 2):
                near[shift:] |= near[:-shift].copy()
                near[:-shift] |= near[shift:].copy()
            free &= ~near
        hits = np.flatnonzero(free)
        if not len(hits):
            return -1
        return len(text) - len(window) + int(hits[-1]) + 1


def _through(value: str, later: Sequence[Layer], final: bool) -> str:
    if final:
        return value
    for layer in later:
        value = layer.apply_within(value)
    return value


def _mask(text: str, taken: dict[int, tuple[int, str]]) -> str:
    """``text`` with every taken span blanked by NUL, a character no key holds."""
    chars = list(text)
    for start, (end, _) in taken.items():
        chars[start:end] = "\0" * (end - start)
    return "".join(chars)


def _spans(starts: I64, lengths: I64) -> I64:
    """Every index covered by the spans [starts[i], starts[i] + lengths[i])."""
    if not len(lengths):
        return np.empty(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(int(before[-1] + lengths[-1]))


class _Found:
    """One layer's matches: pattern and start arrays, and every index the phrases cover."""

    def __init__(self, matcher: _PhraseMatcher, patterns: I64, starts: I64) -> None:
        self.matcher = matcher
        self.patterns = patterns
        self.starts = starts
        self.lengths = matcher.out.key_lengths.take(patterns)
        self.at = _spans(starts, self.lengths)

    def write(self, current: U32) -> list[tuple[int, int, str]]:
        """Write the outputs as long as their keys into ``current``; (start, end, output) of
        the others, to splice into the text."""
        out = self.matcher.out
        # index in out.flat of the output character for each covered index
        source = self.at + np.repeat(out.offsets.take(self.patterns) - self.starts, self.lengths)
        if self.matcher.all_same_length:
            current[self.at] = out.flat.take(source)
            return []
        same = out.same_length.take(self.patterns)
        covered = np.repeat(same, self.lengths)
        current[self.at[covered]] = out.flat.take(source[covered])
        ends = self.starts + self.lengths
        return [(int(s), int(e), out.texts[p]) for p, s, e in
                zip(self.patterns[~same], self.starts[~same], ends[~same], strict=True)]


def _splice(text: str, splices: list[tuple[int, int, str]]) -> str:
    pieces = []
    at = 0
    for start, end, value in splices:
        pieces += [text[at:start], value]
        at = end
    pieces.append(text[at:])
    return "".join(pieces)
