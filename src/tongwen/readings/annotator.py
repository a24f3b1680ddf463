"""Annotator: convert (optionally), read every character in context, select, render.

Readings are always looked up through the simplified twin of the text (traditional input reads
exactly like its simplified original) and mapped back by position.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

from tongwen.conversion.converter import Converter
from tongwen.conversion.detect import detect_script, traditional_only
from tongwen.conversion.schemes import TARGETS
from tongwen.conversion.tables import load_table
from tongwen.errors import InputError, UnknownSchemeError
from tongwen.readings.assign import Choice, Disambiguator, assign, segment
from tongwen.readings.disambiguate import Chain, NeighbourVotes, read_with
from tongwen.readings.lexicon import ReadingLexicon, char_ranks, load_lexicon
from tongwen.readings.sandhi import apply_sandhi
from tongwen.readings.syllable import Syllable, parse
from tongwen.render.formats import FORMATS, format_function
from tongwen.render.styles import style_function

if TYPE_CHECKING:
    from tongwen.readings.fast import Details
    from tongwen.readings.model import PolyphoneModel

__all__ = ["ONLY", "READINGS", "TO", "Annotation", "Annotator", "Token", "annotate", "pinyin"]

#: Which characters get a reading in the rendered output.
ONLY: tuple[str, ...] = ("all", "polyphonic", "converted", "rare")
#: Reading standards: the mainland standard, or Taiwan readings where they differ.
READINGS: tuple[str, ...] = ("standard", "tw")
#: Script of the annotated text: "keep" the input's, or convert it first.
TO: tuple[str, ...] = ("keep", *TARGETS)
#: Default frequency rank above which a character counts as rare (``only="rare"``).
DEFAULT_RANK = 3000


@dataclass(frozen=True, slots=True)
class Token:
    """One character of the annotated text.

    ``reading`` is rendered in the chosen style (None for characters without one);
    ``selected`` says whether the selection policy shows it; ``source`` is where the reading
    came from ("user", "phrase", "model", "default", "char", "none"); ``converted`` whether the
    script conversion changed the character.
    """

    char: str
    reading: str | None
    source: str
    candidates: tuple[str, ...]
    selected: bool
    converted: bool
    confidence: float | None = None


@dataclass(frozen=True)
class Annotation:
    """The annotated text (converted when asked) and one token per character of it."""

    text: str
    tokens: tuple[Token, ...]

    def render(self, format: str = "inline") -> str:
        """Rendered as "inline", "ruby", "readings" or "tokens" (JSON)."""
        return format_function(format)(self.text, self.tokens)


def _check(value: str, allowed: Iterable[str], what: str) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise UnknownSchemeError(f"unknown {what} {value!r}; choose one of {', '.join(allowed)}")
    return value


def read_user_words(path: str | os.PathLike[str]) -> dict[str, tuple[str, ...]]:
    """A user reading dictionary: UTF-8 lines ``word<TAB>reading reading ...``."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read reading dictionary: {error}", source=name) from None
    words = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, readings = line.partition("\t")
        try:
            words.update(_check_words({word.strip(): readings.split()}))
        except InputError as error:
            raise InputError(error.message, source=name, line=number) from None
    return words


def _check_words(words: Mapping[str, str | Sequence[str]]) -> dict[str, tuple[str, ...]]:
    checked = {}
    for word, readings in words.items():
        syllables = readings.split() if isinstance(readings, str) else list(readings)
        if not word or len(syllables) != len(word):
            raise InputError(f"{word!r}: want one reading per character")
        checked[word] = tuple(numbered(parse(s)) for s in syllables)
    return checked


def numbered(syllable: Syllable) -> str:
    """The internal spelling of a reading: letters, v for ü, tone digit."""
    return f"{syllable.letters}{syllable.tone}"


class Annotator:
    """Annotates text with readings; build once, call many times.

    ``to`` converts the text first ("keep" leaves it); ``style`` is "pinyin" or "zhuyin";
    ``tone`` "marks", "numbers" or "none"; ``readings`` "standard" or "tw" (Taiwan readings
    where they differ); ``sandhi`` writes spoken tones (一, 不, third tones); ``only`` picks
    the characters that get a reading ("all", "polyphonic", "converted", "rare" below frequency
    rank ``rank``), narrowed to ``chars`` when given; ``format`` is how ``annotate`` renders:
    "inline" 字(zì), "ruby" HTML, "readings", or "tokens" JSON. ``user_words`` maps words to
    readings (``{"重庆": "chong2 qing4"}``) or names a TSV file of them; they beat the lexicon.
    """

    def __init__(
        self,
        to: str = "keep",
        *,
        style: str = "pinyin",
        tone: str = "marks",
        readings: str = "standard",
        sandhi: bool = False,
        only: str = "all",
        rank: int | None = None,
        chars: Iterable[str] | None = None,
        format: str = "inline",
        user_words: Mapping[str, str | Sequence[str]] | str | os.PathLike[str] | None = None,
        source: str = "auto",
        disambiguator: Disambiguator | None = None,
    ) -> None:
        self.to = _check(to, TO, "target")
        self.readings = _check(readings, READINGS, "reading standard")
        self.only = _check(only, ONLY, "selection")
        self.format = _check(format, FORMATS, "format")
        self.render_reading: Callable[[Syllable], str] = style_function(style, tone)
        self.style, self.tone, self.sandhi = style, tone, sandhi
        self.rank = DEFAULT_RANK if rank is None else rank
        self.chars = frozenset(chars) if chars is not None else None
        self.source = source
        if user_words is None:
            self.user_words: dict[str, tuple[str, ...]] = {}
        elif isinstance(user_words, (str, os.PathLike)):
            self.user_words = read_user_words(user_words)
        else:
            self.user_words = _check_words(user_words)
        self._disambiguator = disambiguator
        self._converter = None if to == "keep" else Converter(to=to, source=source)
        self._twins: dict[str, Converter] = {}
        self._render_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._reading_cache = _Rendered(self.render_reading)
        self._fast: tuple[PolyphoneModel, tuple[Disambiguator, ...]] | tuple[()] | None = None
        #: Every character with a reading is selected (the default): no per-token test.
        self._selects_all = self.only == "all" and self.chars is None

    @property
    def lexicon(self) -> ReadingLexicon:
        """The reading lexicon (loaded on first use)."""
        return load_lexicon()

    @property
    def disambiguator(self) -> Disambiguator:
        """The disambiguator: the one given, else the default (loaded on first use). One with
        a ``read(text, choices)`` method reads defaults and lexicon words in one pass; one with
        a ``revise(text, choices)`` method also re-reads the lexicon words' readings."""
        if self._disambiguator is None:
            self._disambiguator = _default_disambiguator()
        return self._disambiguator

    def annotate(self, text: str) -> str:
        """``text`` rendered in this annotator's format."""
        return self.annotation(text).render(self.format)

    def tokens(self, text: str) -> list[Token]:
        """One token per character of the annotated (possibly converted) text."""
        return list(self.annotation(text).tokens)

    def annotation(self, text: str) -> Annotation:
        """The annotated text and its tokens, to render in any format."""
        output, tokens = self._annotate(text)
        return Annotation(output, tuple(tokens))

    def source_of(self, text: str) -> str:
        """The script ``text`` is read as: the given source, or the detected one (Simplified
        when nothing tells)."""
        if self.source != "auto":
            return self.source
        if _plain(text):
            return "s"  # no traditional evidence: what detection would say, without counting
        script = detect_script(text).script
        return "s" if script == "unknown" else script

    def _annotate(self, text: str) -> tuple[str, list[Token]]:
        output, twin = self._texts(text)
        converted = _converted(text, output)
        details = self._fast_details(twin)
        if details is not None:
            return output, self._fast_tokens(output, twin, converted, details)
        return output, [
            self._token(output[i], twin[i], choice, converted[i])
            for i, choice in enumerate(self._read(twin, output))
        ]

    def _texts(self, text: str) -> tuple[str, str]:
        """The output text (converted when asked) and the simplified twin it is read
        through, position by position."""
        source = self.source_of(text)
        output = text if self._converter is None else self._converter.convert(text)
        return output, self._twin(text, output, source)

    def _choices(self, text: str) -> tuple[str, str, list[Choice]]:
        """The output text, the simplified twin it is read through, and one Choice per
        character (numbered readings, before rendering and selection)."""
        output, twin = self._texts(text)
        return output, twin, self._read(twin, output)

    def _read(self, twin: str, output: str) -> list[Choice]:
        """One Choice per character of ``twin``: words, the disambiguators, then Taiwan
        readings and sandhi when asked."""
        choices = read_with(
            self.disambiguator, twin, assign(twin, self.lexicon, None, self.user_words)
        )
        if self.readings == "tw":
            choices = _taiwan(twin, output, choices, self.lexicon)
        if self.sandhi:
            choices = apply_sandhi(twin, choices)
        return choices

    def _fast_details(self, twin: str) -> Details | None:
        """``tongwen.readings.fast.short_details`` of ``twin``, line by line (each line reads
        as it reads alone: no word holds a line break and the model's window stops there),
        where it gives what ``_read`` would (see ``_fast_readings``); None elsewhere."""
        fast = self._fast_parts()
        if not fast:
            return None
        from tongwen.readings.fast import short_details

        if "\n" not in twin:
            return short_details(twin, fast[0], fast[1])
        readings: list[str | None] = []
        sources: list[str] = []
        confidences: list[float | None] = []
        for number, line in enumerate(twin.split("\n")):
            if number:  # the line break itself
                readings.append(None)
                sources.append("none")
                confidences.append(None)
            if line:
                found = short_details(line, fast[0], fast[1])
                readings += found[0]
                sources += found[1]
                confidences += found[2]
        return readings, sources, confidences

    def _fast_tokens(
        self, output: str, twin: str, converted: list[bool], details: Details
    ) -> list[Token]:
        """The tokens ``_token`` makes of ``_read``'s choices, from ``details``."""
        every = self._selects_all
        reading_of = self._reading_cache.__getitem__
        candidates_of = self._candidates_of.__getitem__
        tokens = []
        for i, (numbered, source, confidence) in enumerate(zip(*details, strict=True)):
            reading = reading_of(numbered)
            selected = reading is not None and (
                every or self._selects(output[i], twin[i], converted[i])
            )
            tokens.append(Token(output[i], reading, source, candidates_of(twin[i]), selected,
                                converted[i], confidence))
        return tokens

    @cached_property
    def _candidates_of(self) -> dict[str, tuple[str, ...]]:
        """Character -> its rendered candidates (none for a character without readings),
        filled on first use."""
        return _Candidates(self.lexicon.chars, self._rendered)

    def readings_of(self, text: str) -> list[str | None]:
        """One rendered reading per character of the annotated text (None where there is
        none), whatever the selection: ``[t.reading for t in self.tokens(text)]``, faster."""
        numbered = self._fast_readings(text)
        if numbered is None:
            numbered = [choice.reading for choice in self._choices(text)[2]]
        return list(map(self._reading_cache.__getitem__, numbered))

    def _fast_readings(self, text: str) -> list[str | None] | None:
        """``tongwen.readings.fast``'s numbered readings where it gives what ``_choices``
        would (the packaged kind of disambiguator, no user words, standard readings, no
        sandhi); None elsewhere."""
        fast = self._fast_parts()
        if not fast:
            return None
        from tongwen.readings.fast import fast_readings

        return fast_readings(self._texts(text)[1], fast[0], fast[1])

    def _fast_parts(self) -> tuple[PolyphoneModel, tuple[Disambiguator, ...]] | tuple[()]:
        """``_fast_path()``, found on first use."""
        if self._fast is None:
            self._fast = self._fast_path()
        return self._fast

    def _fast_path(self) -> tuple[PolyphoneModel, tuple[Disambiguator, ...]] | tuple[()]:
        """The model and the disambiguators after it, where ``fast_readings`` applies;
        ``()`` elsewhere."""
        if self.readings != "standard" or self.sandhi or self.user_words:
            return ()
        from tongwen.readings.model import PolyphoneModel

        members = getattr(self.disambiguator, "members", (self.disambiguator,))
        model = members[0] if members else None
        if not isinstance(model, PolyphoneModel) or model.lexicon is not self.lexicon:
            return ()
        if not isinstance(self.disambiguator, (Chain, PolyphoneModel)):
            return ()
        return model, tuple(members[1:])

    def _twin(self, text: str, output: str, source: str) -> str:
        """The simplified text to read ``output`` through, position by position."""
        if source == "s" and len(output) == len(text):
            return self._simplify_traditional_only(text)
        target = self.to if self.to != "keep" else source
        if target == "s":
            return output
        family = {"twp": "tw", "t": "t", "tw": "tw", "hk": "hk"}[target]
        twin = self._twin_converter(family).convert(output)
        return twin if len(twin) == len(output) else output

    def _simplify_traditional_only(self, text: str) -> str:
        """Simplified text with traditional characters mixed in (長城 in a simplified line):
        those characters, and only those, read through their simplified forms."""
        if _plain(text):
            return text
        present = traditional_only().intersection(text)
        simplified = self._twin_converter("t").convert(text)
        if len(simplified) != len(text):
            return text
        chars = list(text)
        for char in present:
            i = text.find(char)
            while i >= 0:
                chars[i] = simplified[i]
                i = text.find(char, i + 1)
        return "".join(chars)

    def _twin_converter(self, family: str) -> Converter:
        converter = self._twins.get(family)
        if converter is None:
            converter = self._twins[family] = Converter(to="s", source=family)
        return converter

    def _rendered(self, readings: tuple[str, ...]) -> tuple[str, ...]:
        """Numbered readings in this annotator's style (remembered: there are few of them)."""
        rendered = self._render_cache.get(readings)
        if rendered is None:
            rendered = tuple(self.render_reading(parse(r)) for r in readings)
            self._render_cache[readings] = rendered
        return rendered

    def _token(self, char: str, twin_char: str, choice: Choice, converted: bool) -> Token:
        reading = self._reading_cache[choice.reading]
        selected = reading is not None and (
            self._selects_all or self._selects(char, twin_char, converted)
        )
        return Token(char, reading, choice.source, self._rendered(choice.candidates),
                     selected, converted, choice.confidence)

    def _selects(self, char: str, twin_char: str, converted: bool) -> bool:
        if self.chars is not None and char not in self.chars and twin_char not in self.chars:
            return False
        if self.only == "polyphonic":
            return self.lexicon.is_polyphonic(twin_char)
        if self.only == "converted":
            return converted
        if self.only == "rare":
            ranks = char_ranks()
            return ranks.get(twin_char, ranks.get(char, self.rank + 1)) > self.rank
        return True


class _Candidates(dict[str, tuple[str, ...]]):
    """Character -> its candidates, rendered (``()`` for one without readings)."""

    def __init__(
        self, chars: Mapping[str, tuple[str, ...]],
        render: Callable[[tuple[str, ...]], tuple[str, ...]],
    ) -> None:
        super().__init__()
        self.chars, self.render = chars, render

    def __missing__(self, char: str) -> tuple[str, ...]:
        found = self[char] = self.render(self.chars.get(char, ()))
        return found


class _Rendered(dict[str | None, str | None]):
    """Numbered reading -> rendered (None -> None), filled on first use."""

    def __init__(self, render: Callable[[Syllable], str]) -> None:
        super().__init__()
        self.render = render

    def __missing__(self, reading: str | None) -> str | None:
        rendered = None if reading is None else self.render(parse(reading))
        self[reading] = rendered
        return rendered


def _plain(text: str) -> bool:
    """True when ``text`` holds no traditional-only character: automatic detection then
    reads it as simplified (``detect_script`` finds no traditional evidence; tests hold
    this), and ``_twin`` leaves it as it is."""
    return traditional_only().isdisjoint(text)


def _converted(text: str, output: str) -> list[bool]:
    if len(text) == len(output):
        return [a != b for a, b in zip(text, output, strict=True)]
    return [True] * len(output)  # vocabulary conversion rewrote words: no position map


def _taiwan(
    text: str, output: str, choices: list[Choice], lexicon: ReadingLexicon
) -> list[Choice]:
    """Taiwan readings: whole words first, then characters still on their default reading.

    A character's Taiwan reading is looked up on the character as written (``output``), and
    never for a simplified form of another character (万 stands for 萬 wàn, not 万 mò).
    """
    ambiguous = load_table("STCharacters").entries
    out = list(choices)
    covered = set()
    longest = max(map(len, lexicon.taiwan_words), default=1)
    for start, end in segment(text, lexicon.taiwan_words, longest):
        for offset, word_reading in enumerate(lexicon.taiwan_words[text[start:end]]):
            i = start + offset
            out[i] = Choice(word_reading, "phrase", out[i].candidates, (start, end))
            covered.add(i)
    for i, char in enumerate(output if len(output) == len(text) else text):
        if ambiguous.get(char, (char,)) != (char,):
            continue
        reading = lexicon.taiwan_chars.get(char)
        if reading and i not in covered and out[i].source in ("char", "default"):
            out[i] = Choice(reading, out[i].source, out[i].candidates, out[i].word)
    return out


@cache
def _default_disambiguator() -> Disambiguator:
    """The packaged polyphone model, then neighbours' votes for the characters it was not
    trained on."""
    from tongwen.readings.model import load_model

    return Chain(load_model(), NeighbourVotes(load_lexicon()))


@cache
def _cached_annotator(options: tuple[tuple[str, object], ...]) -> Annotator:
    return Annotator(**dict(options))  # type: ignore[arg-type]


def _annotator(options: dict[str, object]) -> Annotator:
    """A shared Annotator for hashable options; a fresh one otherwise."""
    chars = options.get("chars")
    if isinstance(chars, (list, set)):
        options = {**options, "chars": frozenset(chars)}
    key = tuple(sorted(options.items()))
    try:
        hash(key)
    except TypeError:
        return Annotator(**options)  # type: ignore[arg-type]
    return _cached_annotator(key)


def annotate(text: str, **options: object) -> str:
    """Annotate ``text`` with readings; the options are :class:`Annotator`'s."""
    return _annotator(options).annotate(text)


def pinyin(text: str, **options: object) -> list[str | None]:
    """One reading per character of ``text`` (None where there is none); Annotator options."""
    return _annotator(options).readings_of(text)
