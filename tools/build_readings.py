"""Reading tables for the annotator: src/tongwen/data/readings/*.tsv (run by tools/build_data.py).

Every reading is tone-numbered pinyin: lowercase ASCII letters, ``v`` for ü, then a tone digit
1-5 (5 = neutral): ``zhang3``, ``lv4``, ``le5``. Outputs, each with '#' provenance lines and then
sorted ``key<TAB>value`` lines:

* ``chars.tsv``: ``char<TAB>r1 r2 ...``, the first reading the default. pinyin-data gives the
  readings (its overwrite.txt replaces a character's whole pinyin.txt list) and kHanyuPinlu adds
  any it attests; readings with kHanyuPinlu counts come first, most frequent first, the rest in
  pinyin-data's order.
* ``phrases.tsv``: ``word<TAB>one reading per character`` from PaddleSpeech > phrase-pinyin-data
  overwrite > di > pinyin (the first source with a usable entry wins a word; in a file, the
  first line does: 朝阳 zhao1 yang2 before chao2 yang2).
* ``cedict.tsv``: the same from CC-CEDICT (no proper nouns), for words that phrases.tsv lacks;
  CC BY-SA 4.0, so a file of its own. Words whose phrase-pinyin-data entry writes the erhua 儿
  as er2 where CC-CEDICT has r5 (哪儿, 没事儿) are left to it.
* ``taiwan.tsv``: Taiwan readings that differ from the standard: words and characters from
  CC-CEDICT's "Taiwan pr." notes, characters from Unihan kMandarin (see build_taiwan).
* ``char_rank.tsv``: ``char<TAB>rank`` from character counts over shippable text.

Syllable validity: the letters must be one of SYLLABLES below: the standard Hanyu Pinyin
syllable table, plus the interjections (ê written ``ea``, hm hng m n ng), the marginal
syllables that standard dictionaries give to common characters (嗲 dia, 扽 den, 剋 kei, 谁 shei,
这 zhei, 忒 tei, 欻 chua, 挼 rua, 覅 fiao, 咯 lo, 哟 yo), biang (𰻞) and erhua ``r``, neutral tone
only. Unihan-only dialect syllables (bong cei din len nia nun wong) are dropped. These are the
conventions of tongwen.readings.syllable (its table is a superset of this one). Erhua:
kHanyuPinlu and CC-CEDICT write the suffix 儿 as ``r5``; phrase-pinyin-data writes it ``er5``
(一点儿 yi1 dian3 er5), which becomes ``r5`` here: 儿 and 兒 in the neutral tone are erhua.

Word readings keep lexical tones: 一 is always yi1 and 不 bu2 becomes bu4 (the phrase data
writes sandhi in some entries); chars.tsv drops the sandhi tones yi2 yi4 and bu2 through
data/overrides/readings-chars.tsv. A word is kept only when it has two or more characters, all
Han, one valid reading per character, each among that character's readings in chars.tsv, and
at least one character with two or more readings (the rest add nothing over the defaults).
"""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import buildlib

from tongwen.text import is_han

# ---------------------------------------------------------------------------------------------
# Syllables

_STANDARD = {
    "": "a o e ai ei ao ou an en ang eng er yi ya ye yao you yan yin yang ying yong "
        "wu wa wo wai wei wan wen wang weng yu yue yuan yun",
    "b": "a o ai ei ao an en ang eng i ie iao ian in ing u",
    "p": "a o ai ei ao ou an en ang eng i ie iao ian in ing u",
    "m": "a o e ai ei ao ou an en ang eng i ie iao iu ian in ing u",
    "f": "a o ei ou an en ang eng u",
    "d": "a e ai ei ao ou an ang eng ong i ie iao iu ian ing u uo ui uan un",
    "t": "a e ai ao ou an ang eng ong i ie iao ian ing u uo ui uan un",
    "n": "a e ai ei ao ou an en ang eng ong i ie iao iu ian in iang ing u uo uan v ve",
    "l": "a e ai ei ao ou an ang eng ong i ia ie iao iu ian in iang ing u uo uan un v ve",
    "g": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "k": "a e ai ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "h": "a e ai ei ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "j": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "q": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "x": "i ia ie iao iu ian in iang ing iong u ue uan un",
    "zh": "a e i ai ao ou an en ang eng ong u ua uo uai ui uan un uang",
    "ch": "a e i ai ao ou an en ang eng ong u uo uai ui uan un uang",
    "sh": "a e i ai ei ao ou an en ang eng u ua uo uai ui uan un uang",
    "r": "e i ao ou an en ang eng ong u uo ui uan un",
    "z": "a e i ai ei ao ou an en ang eng ong u uo ui uan un",
    "c": "a e i ai ao ou an en ang eng ong u uo ui uan un",
    "s": "a e i ai ao ou an en ang eng ong u uo ui uan un",
}
#: Interjections and the marginal syllables of standard dictionaries (see the module docstring).
EXTRA_SYLLABLES = "ea hm hng m n ng dia den kei shei zhei tei chua rua fiao lo yo biang"
#: Erhua, as its own syllable: neutral tone only (哪儿 na3 r5).
ERHUA = "r"
#: Characters whose neutral-tone er is the erhua suffix.
ERHUA_CHARS = frozenset("儿兒")
SYLLABLES: frozenset[str] = frozenset(
    [initial + final for initial, finals in _STANDARD.items() for final in finals.split()]
    + EXTRA_SYLLABLES.split()
    + [ERHUA]
)

_READING = re.compile(r"([a-z]+)([1-5])")
_TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def is_valid(reading: str) -> bool:
    """``zhang3``: letters that are a syllable in SYLLABLES, then a tone 1-5 (erhua: r5 only)."""
    match = _READING.fullmatch(reading)
    if match is None or match.group(1) not in SYLLABLES:
        return False
    return match.group(1) != ERHUA or match.group(2) == "5"


def normalise(reading: str) -> str:
    """Lowercase; ``u:`` and ``ü`` to ``v``."""
    return reading.lower().replace("u:", "v").replace("ü", "v")


def numbered(marked: str) -> str:
    """A tone-marked syllable (``zhāng``, ``lǜ``, ``ḿ``, ``ê̄``) as ``zhang1``, ``lv4``, ``m2``,
    ``ea1``; no mark is the neutral tone 5."""
    tone = "5"
    letters = []
    for char in unicodedata.normalize("NFD", marked.lower()):
        if char in _TONE_MARKS:
            tone = _TONE_MARKS[char]
        elif char == "\u0308":  # diaeresis: ü
            letters[-1] = "v"
        elif char == "\u0302":  # circumflex: ê is written ea
            letters[-1] = "ea"
        else:
            letters.append(char)
    return "".join(letters) + tone


def lexical(word: str, readings: list[str]) -> list[str]:
    """一 is always yi1; 不 bu2 (sandhi before a fourth tone) is bu4; 儿 er5 is erhua r5.
    Readings that are not one per character come back as they are."""
    if len(readings) != len(word):
        return readings
    return [_lexical(char, reading) for char, reading in zip(word, readings, strict=True)]


def _lexical(char: str, reading: str) -> str:
    if char == "一":
        return "yi1"
    if char == "不" and reading == "bu2":
        return "bu4"
    if char in ERHUA_CHARS and reading == "er5":
        return "r5"
    return reading


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass
class Context:
    shared: Path
    locked: dict[str, dict[str, object]]
    data: Path  # the repository's data/ folder
    upstreams: dict[str, dict[str, str]]

    def path(self, name: str) -> Path:
        return self.shared / str(self.locked[name]["path"])

    def origin(self, name: str) -> str:
        entry = self.locked[name]
        return f"{entry['origin']}; {entry['license']}"


def tsv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The ../shared lexicon format: a '#' header line, then ``key<TAB>value`` lines."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line and not line.startswith("#"):
            yield number, line.split("\t")


def apply_overrides(entries: dict[str, list[str]], path: Path) -> int:
    """data/overrides/readings-*.tsv: ``key<TAB>readings<TAB>reason`` ('-' deletes the key),
    each reading valid (:func:`is_valid`); see :func:`buildlib.apply_overrides`."""
    return buildlib.apply_overrides(
        entries,
        path,
        what="readings",
        valid=lambda readings: all(is_valid(r) for r in readings.split(" ")),
    )


@dataclass
class CedictEntry:
    traditional: str
    simplified: str
    syllables: list[str]  # as written: capitals, u:, r5
    glosses: list[str]


_CEDICT_LINE = re.compile(r"(\S+) (\S+) \[([^\]]*)\] /(.*)/")


def read_cedict(path: Path) -> list[CedictEntry]:
    entries = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.startswith("#"):
                continue
            match = _CEDICT_LINE.fullmatch(line.rstrip("\r\n"))
            if not match:
                raise SystemExit(f"{path}:{number}: not a CC-CEDICT entry: {line!r}")
            trad, simp, pinyin, glosses = match.groups()
            entries.append(CedictEntry(trad, simp, pinyin.split(), glosses.split("/")))
    return entries


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass
class Output:
    name: str
    sources: list[str]  # names in data/sources.lock.toml or data/upstream folders
    license: str
    header: list[str]
    entries: dict[str, str]
    counts: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        lines = [f"# {line}" for line in self.header]
        lines += [f"{key}\t{self.entries[key]}" for key in sorted(self.entries)]
        return "\n".join(lines) + "\n"


def _erhua(char: str, reading: str) -> str:
    return "r5" if char in ERHUA_CHARS and reading == "er5" else reading


#: Grammatical particles and suffixes whose own reading is the neutral tone (了 le, 的 de,
#: 们 men, the erhua 儿 r ...). Every other character's neutral reading comes from compounds
#: (时候 shíhou, 眼睛 yǎnjing), which the word tables carry: alone it reads with its tone.
NEUTRAL_BY_DEFAULT = frozenset("了的地得着著过吗呢吧啊呀哇哪啦喽嘍呗唄嘛么麼们們吶呐哩咧儿兒")


def _toned_default(char: str, readings: list[str]) -> list[str]:
    """Readings with a toned one first, unless ``char`` is a particle (kHanyuPinlu counts
    words, so a compound suffix's neutral tone would otherwise become the default)."""
    if char in NEUTRAL_BY_DEFAULT or not readings[0].endswith("5"):
        return readings
    toned = [r for r in readings if not r.endswith("5")]
    if not toned:
        return readings
    return [toned[0], *(r for r in readings if r != toned[0])]


def build_chars(ctx: Context) -> tuple[dict[str, list[str]], Output]:
    listed: dict[str, list[str]] = {}
    for name in ("pinyin_data", "pinyin_data_overwrite"):  # overwrite replaces a whole list
        for _, (char, readings) in tsv_rows(ctx.path(name)):
            listed[char] = [_erhua(char, normalise(r)) for r in readings.split(",")]
    counted: dict[str, Counter[str]] = {}
    for _, (char, readings) in tsv_rows(ctx.path("hanyupinlu")):
        counts: Counter[str] = Counter()
        for item in readings.split(","):
            reading, _, count = item.partition(":")
            counts[_erhua(char, normalise(reading))] += int(count)
        counted[char] = counts

    chars: dict[str, list[str]] = {}
    invalid: Counter[str] = Counter()
    non_han = no_reading = by_frequency = from_pinlu = 0
    for char in sorted(set(listed) | set(counted)):
        if len(char) != 1 or not is_han(char):
            non_han += 1
            continue
        order = list(dict.fromkeys(listed.get(char, [])))
        counts = counted.get(char, Counter())
        from_pinlu += sum(1 for r in counts if r not in order)
        candidates = list(dict.fromkeys(order + sorted(counts, key=lambda r: -counts[r])))
        for reading in candidates:
            if not is_valid(reading):
                invalid[_READING.sub(r"\1", reading)] += 1
        position = {r: i for i, r in enumerate(candidates)}
        readings = sorted(
            (r for r in candidates if is_valid(r)),
            key=lambda r: (0, -counts[r], position[r]) if r in counts else (1, 0, position[r]),
        )
        if not readings:
            no_reading += 1
            continue
        readings = _toned_default(char, readings)
        by_frequency += bool(counts)
        chars[char] = readings
    overrides = apply_overrides(chars, ctx.data / "overrides" / "readings-chars.tsv")
    multi = sum(1 for r in chars.values() if len(r) > 1)
    header = [
        "tongwen reading table chars: generated by tools/build_data.py "
        "(tools/build_readings.py); never edit by hand",
        f"from: pinyin-data ({ctx.origin('pinyin_data')}; overwrite: "
        f"{ctx.origin('pinyin_data_overwrite')}); kHanyuPinlu counts ({ctx.origin('hanyupinlu')})",
        "license: MIT AND Unicode-3.0 (pinyin-data: MIT, its Unihan-derived parts and "
        "kHanyuPinlu: Unicode License v3)",
        "order: readings with kHanyuPinlu counts first, most frequent first; then pinyin-data's "
        "order (overwrite.txt replaces pinyin.txt's list); a neutral tone is the default only "
        "for particles (NEUTRAL_BY_DEFAULT in tools/build_readings.py)",
        f"dropped: {sum(invalid.values())} readings that are not Mandarin syllables "
        f"({', '.join(f'{s} {n}' for s, n in sorted(invalid.items()))}); {no_reading} characters "
        f"left without a reading; {non_han} non-Han keys",
        f"overrides: data/overrides/readings-chars.tsv ({overrides} lines)",
        "format: char<TAB>readings separated by spaces, the first is the default; tone-numbered "
        "pinyin (v for ü, 5 = neutral)",
    ]
    output = Output(
        "chars", ["pinyin_data", "pinyin_data_overwrite", "hanyupinlu"],
        "MIT AND Unicode-3.0", header, {c: " ".join(r) for c, r in chars.items()},
        {
            "entries": len(chars), "polyphonic": multi, "ordered_by_frequency": by_frequency,
            "readings": sum(len(r) for r in chars.values()),
            "readings_added_from_hanyupinlu": from_pinlu,
            "dropped_invalid_readings": dict(sorted(invalid.items())),
            "dropped_chars_without_valid_reading": no_reading, "dropped_non_han": non_han,
            "overrides": overrides,
        },
    )
    return chars, output


@dataclass
class WordFilter:
    """The checks every word table shares; counts why words were dropped."""

    chars: dict[str, list[str]]
    dropped: Counter[str] = field(default_factory=Counter)
    normalised: int = 0

    def check(self, word: str, syllables: list[str]) -> list[str] | None:
        if len(word) < 2:
            self.dropped["single_character"] += 1
            return None
        if not all(is_han(c) for c in word):
            self.dropped["not_all_han"] += 1
            return None
        if len(syllables) != len(word):
            self.dropped["syllable_count"] += 1
            return None
        readings = [normalise(s) for s in syllables]
        fixed = lexical(word, readings)
        self.normalised += fixed != readings
        if not all(is_valid(r) for r in fixed):
            self.dropped["invalid_syllable"] += 1
            return None
        if not all(r in self.chars.get(c, ()) for c, r in zip(word, fixed, strict=True)):
            self.dropped["not_a_char_reading"] += 1
            return None
        if all(len(self.chars[c]) < 2 for c in word):
            self.dropped["monophonic"] += 1
            return None
        return fixed


PHRASE_SOURCES = (
    "paddlespeech_polyphonic", "phrase_pinyin_overwrite", "phrase_pinyin_di", "phrase_pinyin",
)


def cedict_erhua(cedict: list[CedictEntry]) -> dict[str, set[int]]:
    """Word -> positions where CC-CEDICT writes the erhua suffix r5 (哪儿 na3 r5)."""
    positions: dict[str, set[int]] = {}
    for entry in cedict:
        for i, syllable in enumerate(entry.syllables):
            if syllable.lower() == "r5" and len(entry.syllables) == len(entry.simplified):
                positions.setdefault(entry.simplified, set()).add(i)
    return positions


def build_phrases(ctx: Context, chars: dict[str, list[str]],
                  erhua: dict[str, set[int]]) -> Output:
    """``erhua``: phrase-pinyin-data writes the erhua 儿 as er2 in many words (哪儿 na3 er2,
    没事儿 mei2 shi4 er2); where CC-CEDICT has r5 there, the word is left to cedict.tsv."""
    words: dict[str, list[str]] = {}
    per_source: dict[str, dict[str, object]] = {}
    for name in PHRASE_SOURCES:
        check = WordFilter(chars)
        kept = shadowed = 0
        for _, (word, pinyin) in tsv_rows(ctx.path(name)):
            readings = check.check(word, pinyin.split(" "))
            if readings is None:
                continue
            if any(readings[i] != "r5" for i in erhua.get(word, ())):
                check.dropped["erhua_as_er_where_cedict_has_r5"] += 1
                continue
            if word in words:
                shadowed += 1  # an earlier source or line has it
                continue
            words[word] = readings
            kept += 1
        per_source[name] = {
            "kept": kept, "shadowed": shadowed, "normalised_yi_bu_erhua": check.normalised,
            "dropped": dict(sorted(check.dropped.items())),
        }
    overrides = apply_overrides(words, ctx.data / "overrides" / "readings-phrases.tsv")
    dropped = Counter[str]()
    for stats in per_source.values():
        dropped.update(stats["dropped"])  # type: ignore[arg-type]
    header = [
        "tongwen reading table phrases: generated by tools/build_data.py "
        "(tools/build_readings.py); never edit by hand",
        *(f"from: {ctx.origin(name)}" for name in PHRASE_SOURCES),
        "license: MIT AND Apache-2.0 (phrase-pinyin-data: MIT; PaddleSpeech: Apache-2.0)",
        "priority: PaddleSpeech polyphonic.yaml > phrase-pinyin-data overwrite > di > pinyin "
        "(the first usable entry wins)",
        "kept: words of 2+ Han characters, one valid reading per character, each among the "
        "character's readings in chars.tsv, at least one character polyphonic; 一 always yi1, "
        "不 bu2 -> bu4, 儿 er5 -> erhua r5; words that write erhua 儿 as er where CC-CEDICT has "
        "r5 are left to cedict.tsv",
        f"dropped: {', '.join(f'{k} {v}' for k, v in sorted(dropped.items()))}",
        f"overrides: data/overrides/readings-phrases.tsv ({overrides} lines)",
        "format: word<TAB>one reading per character, separated by spaces",
    ]
    return Output(
        "phrases", list(PHRASE_SOURCES), "MIT AND Apache-2.0", header,
        {w: " ".join(r) for w, r in words.items()},
        {"entries": len(words), "overrides": overrides, "sources": per_source},
    )


def is_proper(entry: CedictEntry) -> bool:
    """CC-CEDICT capitalises the pinyin of names, places and surnames."""
    return any(s[:1].isupper() for s in entry.syllables)


def build_cedict(ctx: Context, cedict: list[CedictEntry], chars: dict[str, list[str]],
                 phrases: dict[str, str]) -> Output:
    check = WordFilter(chars)
    words: dict[str, list[str]] = {}
    proper = in_phrases = same = conflicting = 0
    for entry in cedict:
        if is_proper(entry):
            proper += 1
            continue
        word = entry.simplified
        if word in phrases:
            in_phrases += 1
            continue
        readings = check.check(word, entry.syllables)
        if readings is None:
            continue
        if word in words:  # another entry (another traditional form or sense): the first wins
            if words[word] == readings:
                same += 1
            else:
                conflicting += 1
            continue
        words[word] = readings
    dropped = dict(sorted(check.dropped.items()))
    header = [
        "tongwen reading table cedict: generated by tools/build_data.py "
        "(tools/build_readings.py); never edit by hand",
        "from: CC-CEDICT 2025-02-19, CC BY-SA 4.0, https://cc-cedict.org/; this file is a "
        "derivative and is licensed CC BY-SA 4.0",
        f"source: {ctx.origin('cc_cedict')}; CC-CEDICT is published by MDBG, "
        "https://www.mdbg.net/chinese/dictionary?page=cc-cedict; CEDICT (C) 1997, 1998 Paul "
        "Andrew Denisowski",
        "license: CC-BY-SA-4.0 (share-alike: keep this file separate, with this notice; changes: "
        "readings only, filtered and normalised as below)",
        "kept: simplified headwords of 2+ Han characters not in phrases.tsv; no proper nouns "
        "(capitalised pinyin); u: -> v, 一 always yi1, 不 bu2 -> bu4, erhua r5; each reading "
        "among the character's readings in chars.tsv; at least one character polyphonic; "
        "the first entry in file order wins a headword",
        f"dropped: proper nouns {proper}, in phrases.tsv {in_phrases}, "
        f"{', '.join(f'{k} {v}' for k, v in dropped.items())}, other entries of a kept "
        f"headword {same} (same readings) + {conflicting} (other readings)",
        "format: word<TAB>one reading per character, separated by spaces",
    ]
    return Output(
        "cedict", ["cc_cedict"], "CC-BY-SA-4.0", header,
        {w: " ".join(r) for w, r in words.items()},
        {
            "entries": len(words), "dropped_proper_nouns": proper, "in_phrases": in_phrases,
            "dropped": dropped, "duplicate_same": same, "duplicate_conflicting": conflicting,
            "normalised_yi_bu_erhua": check.normalised,
        },
    )


_TAIWAN_NOTE = re.compile(r"Taiwan pr\. \[([^\]]*)\]")
_SYLLABLE = re.compile(r"[A-Za-z:]+[1-5]")


#: A first gloss that sends the reader to another entry: "variant of 期[qi1]", "see 葡萄[pu2tao5]".
_XREF = re.compile(r"(?:[a-z-]+ )?variant of |see (?:also )?\S+\[")


def taiwan_note(entry: CedictEntry) -> list[str] | None:
    """The readings of a whole-entry "Taiwan pr. [...]" gloss; notes inside a sense's gloss
    ("to confess (Taiwan pr. [gong1])") hold for that sense only and are not taken."""
    for gloss in entry.glosses:
        match = _TAIWAN_NOTE.fullmatch(gloss)
        if match:
            pinyin = match.group(1).replace(" ", "")
            syllables = _SYLLABLE.findall(pinyin)
            if "".join(syllables) == pinyin:
                return [normalise(s) for s in syllables]
    return None


def read_kmandarin(path: Path) -> dict[str, list[str]]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1] == "kMandarin":
            values[chr(int(parts[0][2:], 16))] = [numbered(v) for v in parts[2].split()]
    return values


def build_taiwan(ctx: Context, cedict: list[CedictEntry], chars: dict[str, list[str]],
                 words: dict[str, str]) -> Output:
    """Taiwan readings where they differ from what the other tables give.

    ``words`` is phrases.tsv and cedict.tsv together. A key (a simplified or traditional
    headword) takes the reading of CC-CEDICT's whole-entry note "Taiwan pr. [...]" when

    * its noted entries agree on one reading;
    * no entry of the key without a note has a noted entry's reading (else the note is for one
      sense or spelling: 曲 qu1 "bent" and 麴 qu1 "yeast"); proper nouns and "variant of X"
      entries do not count, CC-CEDICT rarely repeats a note there;
    * no entry without a note has the key's reading in tongwen's tables (a character's
      default; a word's entry, else its characters' defaults): 和 huo2 -> huo4, not he2;
    * the note's reading is not that reading already.

    Characters no note covers take Unihan kMandarin's Taiwan value when it is not the default.
    """
    stats: Counter[str] = Counter()
    noted = [e for e in cedict if any("Taiwan pr." in g for g in e.glosses)]
    by_key: dict[str, list[tuple[tuple[str, ...], tuple[str, ...] | None, bool]]] = {}
    for entry in cedict:
        standard = tuple(lexical(entry.simplified, [normalise(s) for s in entry.syllables]))
        note = taiwan_note(entry)
        taiwan = None if note is None else tuple(lexical(entry.simplified, note))
        for key in dict.fromkeys([entry.simplified, entry.traditional]):
            by_key.setdefault(key, []).append(
                (standard, taiwan, is_proper(entry) or bool(_XREF.match(entry.glosses[0])))
            )

    def ours(key: str) -> tuple[str, ...] | None:
        if len(key) == 1:
            return tuple(chars[key][:1]) if key in chars else None
        if key in words:
            return tuple(words[key].split(" "))
        if all(c in chars for c in key):
            return tuple(chars[c][0] for c in key)
        return None

    entries: dict[str, str] = {}
    origin: dict[str, str] = {}
    for key in sorted({k for e in noted for k in (e.simplified, e.traditional)}):
        standard = ours(key)
        group = by_key[key]
        notes = {note for _, note, _ in group if note is not None}
        noted_readings = {reading for reading, note, _ in group if note is not None}
        plain = {reading for reading, note, aside in group if note is None and not aside}
        if not notes:
            stats["cedict_note_on_one_sense_only"] += 1  # only notes inside a gloss
        elif not all(is_han(c) for c in key) or standard is None:
            stats["cedict_key_not_in_tables"] += 1
        elif len(notes) > 1:
            stats["cedict_notes_disagree"] += 1
        elif noted_readings & plain:
            stats["cedict_note_on_one_sense_only"] += 1
        elif standard in plain:
            stats["cedict_note_on_another_reading"] += 1
        else:
            taiwan = notes.pop()
            if len(taiwan) != len(key) or not all(is_valid(r) for r in taiwan):
                stats["cedict_note_not_valid_readings"] += 1
            elif taiwan == standard:
                stats["cedict_note_same_as_ours"] += 1
            else:
                entries[key] = " ".join(taiwan)
                origin[key] = "cedict"

    # Characters: Unihan kMandarin's second value (zh-Hant, Taiwan; UAX #38).
    kmandarin = read_kmandarin(ctx.data / "upstream" / "unihan" / "Unihan_Readings.txt")
    for char, values in sorted(kmandarin.items()):
        if len(values) != 2:
            continue
        stats["unihan_two_values"] += 1
        taiwan = values[1]
        if char in entries:
            stats["unihan_after_cedict"] += 1
            stats["unihan_after_cedict_differing"] += entries[char] != taiwan
        elif not is_han(char) or not is_valid(taiwan):
            stats["unihan_not_valid"] += 1
        elif char in chars and chars[char][0] == taiwan:
            stats["unihan_same_as_default"] += 1
        else:
            entries[char] = taiwan
            origin[char] = "unihan"
    overrides_path = ctx.data / "overrides" / "readings-taiwan.tsv"
    before = dict(entries)
    listed = {k: v.split(" ") for k, v in entries.items()}
    overrides = apply_overrides(listed, overrides_path)
    entries = {k: " ".join(v) for k, v in listed.items()}
    for key, value in entries.items():
        if before.get(key) != value:
            origin[key] = "override"

    kinds = Counter((origin[k], "chars" if len(k) == 1 else "words") for k in entries)
    header = [
        "tongwen reading table taiwan: generated by tools/build_data.py "
        "(tools/build_readings.py); never edit by hand",
        "from: CC-CEDICT 2025-02-19, CC BY-SA 4.0, https://cc-cedict.org/; this file is a "
        f"derivative and is licensed CC BY-SA 4.0 ({ctx.origin('cc_cedict')}); and Unihan "
        f"{ctx.upstreams['unihan']['version']} kMandarin (data/upstream/unihan, Unicode-3.0)",
        "license: CC-BY-SA-4.0 (share-alike: keep this file separate, with this notice; the "
        "Unihan part is Unicode License v3)",
        "words and chars from CC-CEDICT: glosses that are exactly 'Taiwan pr. [...]' (keys: "
        "simplified and traditional headwords), when the key's noted entries agree and neither "
        "a noted reading nor the key's reading in tongwen's tables (a char's default; a word's "
        "entry, else its chars' defaults) belongs to an entry without the note (proper nouns and "
        f"variant entries aside); {kinds['cedict', 'words']} words, "
        f"{kinds['cedict', 'chars']} chars from {len(noted)} noted entries (tools/"
        "build_readings.py: build_taiwan)",
        "chars from Unihan kMandarin: the second (zh-Hant, Taiwan) value where the field has "
        f"two and it is not chars.tsv's default ({kinds['unihan', 'chars']}); it is the "
        "customary Taiwan reading, sometimes of a character that Taiwan text uses for another "
        "word (乾 gan1, 万 mo4)",
        f"overrides: data/overrides/readings-taiwan.tsv ({overrides} lines)",
        "readings: 一 always yi1, 不 bu2 -> bu4, erhua r5, as elsewhere",
        "format: word<TAB>one reading per character; char<TAB>reading",
    ]
    return Output(
        "taiwan", ["cc_cedict", "unihan"], "CC-BY-SA-4.0 AND Unicode-3.0", header, entries,
        {
            "entries": len(entries),
            "chars": sum(1 for k in entries if len(k) == 1),
            "words": sum(1 for k in entries if len(k) > 1),
            "by_origin": {f"{o}_{kind}": n for (o, kind), n in sorted(kinds.items())},
            "cedict_noted_entries": len(noted), "overrides": overrides,
            **dict(sorted(stats.items())),
        },
    )


#: Text counted for char_rank.tsv and the step of the lines taken: the laws are one register and
#: 3x the rest together, so one line in ten. Left out: UD Chinese (CC BY-SA 4.0, for counts that
#: ship under simple terms) and bench_mixed_10k.txt (a sample of these files).
RANK_SOURCES = (
    ("text_cv_wiki", 1), ("text_cv_cn", 1), ("text_cv_collector", 1), ("text_tatoeba", 1),
    ("text_prc_laws", 10),
)


def build_char_rank(ctx: Context) -> Output:
    counts: Counter[str] = Counter()
    used: dict[str, int] = {}
    for name, step in RANK_SOURCES:
        lines = ctx.path(name).read_text(encoding="utf-8").splitlines()[::step]
        before = sum(counts.values())
        counts.update(c for line in lines for c in line if is_han(c))
        used[name] = sum(counts.values()) - before
    ranked = sorted((c for c, n in counts.items() if n >= 2), key=lambda c: (-counts[c], ord(c)))
    entries = {char: str(rank) for rank, char in enumerate(ranked, 1)}
    header = [
        "tongwen reading table char_rank: generated by tools/build_data.py "
        "(tools/build_readings.py); never edit by hand",
        *(f"from: {ctx.origin(name)}"
          + (f" (every {step}th line)" if step > 1 else "") + f": {used[name]} Han characters"
          for name, step in RANK_SOURCES),
        "license: CC0-1.0 counts from Common Voice and public-domain legal text, plus counts "
        "from Tatoeba sentences (CC BY 2.0 FR: attribution to Tatoeba, https://tatoeba.org, "
        "and its contributors)",
        "kept: Han characters seen at least twice; rank 1 = most frequent, ties by code point",
        "format: char<TAB>rank",
    ]
    return Output(
        "char_rank", [name for name, _ in RANK_SOURCES],
        "CC0-1.0 AND CC-BY-2.0-FR AND public-domain", header, entries,
        {"entries": len(entries), "han_characters_counted": sum(counts.values()),
         "distinct_characters": len(counts), "per_source": used},
    )


def build_readings(out: Path, ctx: Context) -> tuple[dict[str, object], dict[str, str]]:
    """Write out/readings/*.tsv; return the manifest's "readings" section and file hashes."""
    chars, chars_out = build_chars(ctx)
    cedict = read_cedict(ctx.path("cc_cedict"))
    phrases_out = build_phrases(ctx, chars, cedict_erhua(cedict))
    cedict_out = build_cedict(ctx, cedict, chars, phrases_out.entries)
    outputs = [
        chars_out,
        phrases_out,
        cedict_out,
        build_taiwan(ctx, cedict, chars, {**cedict_out.entries, **phrases_out.entries}),
        build_char_rank(ctx),
    ]
    folder = out / "readings"
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {}
    meta: dict[str, object] = {"syllables": len(SYLLABLES)}
    for output in outputs:
        relative = f"readings/{output.name}.tsv"
        data = output.text().encode("utf-8")
        (out / relative).write_bytes(data)
        files[relative] = hashlib.sha256(data).hexdigest()
        meta[output.name] = {
            "file": relative, "bytes": len(data), "sha256": files[relative],
            "license": output.license, "sources": output.sources, **output.counts,
        }
    return meta, files
