"""Repair accuracy: tongwen.detect and tongwen.clean on generated polluted pages, the hard
negatives and the real seed page, beside a regex baseline.

    .venv/bin/python tools/bench/repair_accuracy.py                  (part of `make bench`)
    .venv/bin/python tools/bench/repair_accuracy.py --split dev      (for development)

The documents come from tongwen.repair.generate, built from ../shared text with settings fixed
in advance in two splits (SPLITS below): **dev**, the only one to look at while developing the
detector and the repair (its report and failing documents go to bench-out/repair/), and
**heldout**, the one reported in docs/benchmarks/repair-accuracy.md (other seeds, other source
texts, other site-list sizes, one more conversion table; no failing document is written out).
Every document is a function of (split, kind, seed): reruns give the same documents.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

FRAGMENT = "repair-accuracy"
SCRIPT = "repair_accuracy.py"
OUT = benchlib.OUT_DIR / "repair"
CASES = benchlib.ROOT / "tests" / "cases" / "repair_negatives.jsonl"
SEED_PAGE = "examples/seed-page.txt"
SEED_ORIGINAL = "examples/seed-page.original.txt"
# A polluted document carries at least this many inserted readings (a page with one or two
# cannot be told from a textbook gloss, and real pages carry dozens).
MIN_READINGS = 5
# The lead's targets (issue 6).
TARGET_DETECTION = 0.995
TARGET_REPAIR = 0.99


# --------------------------------------------------------------------------------------------
# Splits: fixed in advance


@dataclass(frozen=True)
class Split:
    name: str
    seeds: range  # one document of each kind per seed
    simplified: tuple[str, ...]  # clean simplified text, relative to ../shared/data
    traditional: tuple[str, ...]  # human-typed traditional text
    cantonese: tuple[str, ...]  # traditional written Cantonese
    site_sizes: tuple[int, int]  # site-list sizes, drawn log-uniformly within
    tables: tuple[str, ...]  # the polluter's character tables (generate.TABLES)
    doc_chars: tuple[int, int]  # document length in characters (polluted, gloss, clean, ...)
    short_chars: tuple[int, int]  # learner, ruby and Cantonese documents


SPLITS: dict[str, Split] = {
    "dev": Split(
        "dev",
        range(0, 100),
        (
            "text/common_voice_zh_cn/wiki.txt",
            "text/common_voice_zh_cn/cn.txt",
            "text/common_voice_zh_cn/sentence-collector.txt",
        ),
        (
            "traditional/tw_moztw_cc0/tw_moztw_cc0.trad.txt",
            "traditional/tw_moj_law/tw_moj_law.trad.txt",
        ),
        ("conversion/hkcancor_yue.t.txt",),
        (30, 90),
        ("opencc", "tw"),
        (200, 1500),
        (40, 400),
    ),
    "heldout": Split(
        "heldout",
        range(100_000, 100_400),
        (
            "text/ud_chinese/gsdsimp_dev_test.txt",
            "text/ud_chinese/cfl_test.txt",
            "text/prc_laws/laws.txt",
            "text/tatoeba_cmn/sentences.txt",
        ),
        (
            "traditional/tw_ey_gazette/tw_ey_gazette.trad.txt",
            "traditional/tw_audreyt_transcript/tw_audreyt_transcript.trad.txt",
            "traditional/hk_cv_zh_hk/hk_cv_zh_hk.trad.txt",
        ),
        ("traditional/hk_cv_yue/hk_cv_yue.trad.txt",),
        (10, 200),
        ("opencc", "tw", "seed"),
        (150, 2500),
        (30, 600),
    ),
}


def settings_table() -> str:
    rows = []
    for what, get in (
        ("document seeds", lambda s: f"{s.seeds.start:,}–{s.seeds.stop - 1:,}"),
        ("simplified source", lambda s: ", ".join(f"`{p}`" for p in s.simplified)),
        ("traditional source (clean)", lambda s: ", ".join(f"`{p}`" for p in s.traditional)),
        ("Cantonese source", lambda s: ", ".join(f"`{p}`" for p in s.cantonese)),
        ("site-list size (log-uniform)", lambda s: f"{s.site_sizes[0]}–{s.site_sizes[1]}"),
        ("character tables", lambda s: ", ".join(s.tables)),
        ("document length (chars)", lambda s: f"{s.doc_chars[0]:,}–{s.doc_chars[1]:,}"),
        ("learner/ruby/Cantonese length", lambda s: f"{s.short_chars[0]}–{s.short_chars[1]}"),
    ):
        rows.append([what, get(SPLITS["dev"]), get(SPLITS["heldout"])])
    return benchlib.md_table(["setting", "development (dev)", "held-out (reported)"], rows)


# --------------------------------------------------------------------------------------------
# Sources and documents


@cache
def ambiguous_chars() -> frozenset[str]:
    """Characters that a character table writes like another, more frequent character: 於
    (于 -> 於), 著 (着 -> 著 in the "tw" tables), 夥 (伙 -> 夥), 谘 (咨 and 谘 -> 諮), and
    traditional characters in a simplified source (國, written like 国). In a simplified source
    they cannot be restored by anyone: the polluted page does not say which was meant
    (``tongwen.repair.restore.unrestorable``)."""
    from tongwen.repair import generate, restore

    return frozenset().union(*(restore.unrestorable(table) for table in generate.TABLES))


@cache
def cleaner_safe_lines(path: Path) -> tuple[tuple[str, ...], int]:
    """The lines of :func:`read_lines` (for pollution) that a cleaner's conversion back to
    simplified leaves as they were after each character table's conversion
    (``tongwen.convert(char_convert(line, table), to="s") == line``), and how many were
    dropped: in the others (计画 -> 計畫 -> 计划, 瞭解 -> 了解) the cleaner destroyed what the
    original wrote, and no repair of its output can restore it."""
    import tongwen
    from tongwen.repair import generate

    lines, _ = read_lines(path, True)
    keep = [True] * len(lines)
    joined = "\n".join(lines)
    for table in generate.TABLES:
        back = tongwen.convert(generate.char_convert(joined, table), to="s").split("\n")
        if len(back) != len(lines):
            raise benchlib.BenchError(f"{path}: the conversion changed the number of lines")
        keep = [k and b == line for k, b, line in zip(keep, back, lines, strict=True)]
    out = tuple(line for k, line in zip(keep, lines, strict=True) if k)
    return out, len(lines) - len(out)


@cache
def read_lines(path: Path, for_pollution: bool) -> tuple[tuple[str, ...], int]:
    """Non-empty lines with Han characters of a source file, and how many were dropped.
    ``for_pollution``: only lines that GBK holds after every character table (so that a page
    loses nothing to unencodable characters) and with no :func:`ambiguous_chars`."""
    from tongwen.repair import generate

    ambiguous = ambiguous_chars()
    out = []
    dropped = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or not any("\u4e00" <= c <= "\u9fff" for c in line):
            continue
        if for_pollution:
            try:
                line.encode("gbk")
                for table in generate.TABLES:
                    generate.char_convert(line, table).encode("gbk")
            except UnicodeEncodeError:
                dropped += 1
                continue
            if not ambiguous.isdisjoint(line):
                dropped += 1
                continue
        out.append(line)
    if not out:
        raise benchlib.BenchError(f"no usable line in {path}")
    return tuple(out), dropped


def make_doc(rng: random.Random, lines: Sequence[str], length: int) -> str:
    """Random lines until ``length`` characters: a line that ends a sentence continues its
    paragraph two times in three, any other line ends it (a newline)."""
    parts: list[str] = []
    total = 0
    while total < length:
        line = lines[rng.randrange(len(lines))]
        if parts:
            ends = parts[-1][-1] in "。！？!?；;…”」"
            parts.append("" if ends and rng.random() < 0.67 else "\n")
        parts.append(line)
        total += len(line)
    return "".join(parts)


def log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    return round(math.exp(rng.uniform(math.log(lo), math.log(hi))))


@dataclass
class Doc:
    kind: str
    seed: int
    text: str
    polluted: bool
    original: str = ""  # polluted kinds: the simplified source
    keep: str = ""  # polluted kinds: what clean(to="keep") should give
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    name: str
    polluted: bool
    description: str


KINDS: tuple[Kind, ...] = (
    Kind("polluted_t", True, "polluted page (simplified → traditional by character, readings), "
         "no garble"),
    Kind("polluted_t_garbled", True, "the same with GBK garbles"),
    Kind("polluted_s", True, "polluted page converted back to simplified by a cleaner "
         "(`tongwen.convert(page, to=\"s\")`: 代表团(tuán)), no garble"),
    Kind("polluted_s_garbled", True, "the same with GBK garbles"),
    Kind("learner_s", False, "learner text, every Han character with its reading, simplified "
         "(15% with tone numbers)"),
    Kind("learner_t", False, "the same in traditional (t, tw or hk)"),
    Kind("ruby_s", False, "ruby extracted to 字(zì): 60-95% of characters, readings in context, "
         "simplified"),
    Kind("ruby_t", False, "the same in traditional"),
    Kind("gloss_s", False, "textbook gloss: the one or two rarest characters annotated, "
         "simplified"),
    Kind("gloss_t", False, "the same in traditional"),
    Kind("cantonese", False, "written Cantonese with Jyutping 字(jyut6) on 70-100% of the "
         "characters the generator knows"),
    Kind("clean_s", False, "clean simplified text"),
    Kind("clean_t", False, "clean traditional: human-typed (60%), converted with phrases "
         "(25%), or converted by character with no reading inserted (15%)"),
    Kind("parentheses_s", False, "ordinary parentheses: (2005), (WHO), (见第3条), "
         "这个字读作“询(xún)”, simplified"),
    Kind("parentheses_t", False, "the same in traditional"),
)


class Maker:
    """Builds the documents of one split."""

    def __init__(self, split: Split, shared: Path) -> None:
        from tongwen.repair import generate

        self.g = generate
        self.split = split
        data = shared / "data"
        simplified = [read_lines(data / p, True) for p in split.simplified]
        self.simplified = [lines for lines, _ in simplified]
        self.dropped = (sum(d for _, d in simplified), sum(len(x) + d for x, d in simplified))
        # The kinds a cleaner converted back draw from the lines it leaves restorable.
        safe = [cleaner_safe_lines(data / p) for p in split.simplified]
        self.cleaner_safe = [lines for lines, _ in safe]
        self.cleaner_dropped = (sum(d for _, d in safe), sum(len(x) + d for x, d in safe))
        self.traditional = [read_lines(data / p, False)[0] for p in split.traditional]
        self.cantonese = [read_lines(data / p, False)[0] for p in split.cantonese]
        self.attempts: Counter[str] = Counter()

    def _s_text(self, rng: random.Random, span: tuple[int, int], cleaner_safe: bool = False
                ) -> str:
        lines = rng.choice(self.cleaner_safe if cleaner_safe else self.simplified)
        return make_doc(rng, lines, rng.randint(*span))

    def _trad_script(self, rng: random.Random) -> str:
        return rng.choice(("t", "tw", "hk"))

    def polluted(self, kind: str, seed: int) -> Doc:
        import tongwen

        g = self.g
        garbled = kind.endswith("_garbled")
        to_s = kind.startswith("polluted_s")
        rng = random.Random(f"{self.split.name}:{kind}:{seed}")
        for _attempt in range(200):
            self.attempts[kind] += 1
            original = self._s_text(rng, self.split.doc_chars, cleaner_safe=to_s)
            table = rng.choice(self.split.tables)
            size = log_uniform(rng, *self.split.site_sizes)
            straddlers = rng.randint(1, 3) if garbled else 0
            site = g.random_site(rng, size, table=table, straddlers=straddlers)
            converted = g.char_convert(original, table)
            readings = sum(converted.count(c) for c in site)
            if readings < MIN_READINGS:
                continue
            page = g.pollute(original, site_chars=site, table=table)
            plain = g.annotate_site(original, site_chars=site, table=table)
            if (page != plain) != garbled:
                continue
            keep = converted
            if to_s:
                page = cleaners_page(page)
                keep = tongwen.convert(converted, to="s")
            info = {"table": table, "site": "".join(site), "readings": readings}
            return Doc(kind, seed, page, True, original, keep, info)
        raise benchlib.BenchError(f"{kind} seed {seed}: no fitting document in 200 attempts")

    def negative(self, kind: str, seed: int) -> Doc:
        g = self.g
        rng = random.Random(f"{self.split.name}:{kind}:{seed}")
        script = "s" if kind.endswith("_s") else self._trad_script(rng)
        span = self.split.doc_chars
        short = self.split.short_chars
        info: dict[str, Any] = {"script": script}
        if kind.startswith("learner"):
            tone = "numbers" if rng.random() < 0.15 else "marks"
            text = g.learner_text(self._s_text(rng, short), script=script, tone=tone)
        elif kind.startswith("ruby"):
            text = g.ruby_text(self._s_text(rng, short), rng, script=script)
        elif kind.startswith("gloss"):
            text = g.gloss_text(self._s_text(rng, span), rng, script=script)
        elif kind == "cantonese":
            source = make_doc(rng, rng.choice(self.cantonese), rng.randint(*short))
            text = g.cantonese_text(source, rng)
        elif kind == "clean_s":
            text = self._s_text(rng, span)
        elif kind == "clean_t":
            draw = rng.random()
            if draw < 0.6:
                text = make_doc(rng, rng.choice(self.traditional), rng.randint(*span))
                info["script"] = "human-typed"
            elif draw < 0.85:
                text = g.clean_text(self._s_text(rng, span), script=script)
            else:
                table = rng.choice(self.split.tables)
                text = g.clean_text(self._s_text(rng, span), table=table)
                info["script"] = f"by character ({table})"
        elif kind.startswith("parentheses"):
            text = g.parenthesised_text(self._s_text(rng, span), rng, script=script)
        else:
            raise benchlib.BenchError(f"unknown kind {kind}")
        return Doc(kind, seed, text, False, info=info)

    def make(self, kind: Kind, seed: int) -> Doc:
        return self.polluted(kind.name, seed) if kind.polluted else self.negative(kind.name, seed)

    def natural_garble_rate(self, n: int) -> tuple[int, int]:
        """Of ``n`` pages drawn with the default site draw (straddlers left to chance) and at
        least MIN_READINGS readings, how many have garbles."""
        g = self.g
        garbled = total = 0
        for k in range(n):
            rng = random.Random(f"{self.split.name}:natural:{k}")
            original = self._s_text(rng, self.split.doc_chars)
            table = rng.choice(self.split.tables)
            site = g.random_site(rng, log_uniform(rng, *self.split.site_sizes), table=table)
            if sum(g.char_convert(original, table).count(c) for c in site) < MIN_READINGS:
                continue
            total += 1
            page = g.pollute(original, site_chars=site, table=table)
            garbled += page != g.annotate_site(original, site_chars=site, table=table)
        return garbled, total


# --------------------------------------------------------------------------------------------
# Systems


@dataclass
class RepairSystem:
    name: str
    how: str
    detect: Callable[[str], bool]
    clean: Callable[[str, str], str]  # (text, to) -> cleaned text


def _load_tongwen() -> RepairSystem:
    import tongwen

    detect_fn = getattr(tongwen, "detect", None)
    clean_fn = getattr(tongwen, "clean", None)
    if detect_fn is None or clean_fn is None:
        raise benchlib.BenchError("tongwen.detect / tongwen.clean do not exist yet")

    def detect(text: str) -> bool:
        return bool(detect_fn(text).polluted)

    def clean(text: str, to: str) -> str:
        out: str = clean_fn(text, to=to).text
        return out

    clean("團(tuán)", "s")
    return RepairSystem(
        "tongwen", '`tongwen.detect(text).polluted`, `tongwen.clean(text, to=...).text`',
        detect, clean,
    )


# A reading after a Han character: a pinyin syllable with a tone mark (the polluter's form).
_READING = re.compile(
    r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ])[a-zü"
    r"āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]{1,7}\)"
)


def _load_regex() -> RepairSystem:
    """What a crawl cleaner might do: any 字(pīnyīn) means polluted; strip every such reading;
    for simplified output, then OpenCC t2s (tongwen's t2s without OpenCC)."""
    try:
        import opencc

        t2s: Callable[[str], str] = opencc.OpenCC("t2s").convert
        via = "OpenCC `t2s`"
    except ImportError:
        import tongwen

        def t2s(text: str) -> str:
            return tongwen.convert(text, to="s")

        via = '`tongwen.convert(to="s")`'

    def detect(text: str) -> bool:
        return _READING.search(text) is not None

    def clean(text: str, to: str) -> str:
        if not detect(text):
            return text
        stripped = _READING.sub("", text)
        return t2s(stripped) if to == "s" else stripped

    return RepairSystem(
        "regex baseline",
        f"flag any 字(toned pinyin); strip them all; then {via} for `to=\"s\"`",
        detect,
        clean,
    )


LOADERS: dict[str, Callable[[], RepairSystem]] = {
    "tongwen": _load_tongwen,
    "regex baseline": _load_regex,
}


# --------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Tally:
    docs: int = 0
    flagged: int = 0
    exact_s: int = 0  # polluted: clean(to="s") == original; negatives: unchanged
    exact_keep: int = 0  # polluted: clean(to="keep") == expected; negatives: unchanged
    consistent: int = 0  # polluted, to="s" not exact: the page, made again from it, is the same
    seconds: float = 0.0
    chars: int = 0


def evaluate(system: RepairSystem, doc: Doc) -> tuple[bool, bool, bool, str]:
    """(flagged, to="s" right, to="keep" right, the to="s" text)."""
    flagged = system.detect(doc.text)
    out_s = system.clean(doc.text, "s")
    out_keep = system.clean(doc.text, "keep")
    if doc.polluted:
        return flagged, out_s == doc.original, out_keep == doc.keep, out_s
    return flagged, out_s == doc.text, out_keep == doc.text, out_s


def cleaners_page(page: str) -> str:
    """A polluted page as a cleaner converts it back to simplified (the polluted_s kinds)."""
    import tongwen

    return tongwen.convert(page, to="s")


def makes_the_page(doc: Doc, text: str) -> bool:
    """Whether the polluter, with ``doc``'s own site list and table (and the cleaner's
    conversion back, for the kinds that had it), makes ``doc``'s page of ``text``: the page
    cannot tell ``text`` from the original."""
    from tongwen.repair import generate as g

    page = g.pollute(text, site_chars=list(doc.info["site"]), table=doc.info["table"])
    return (cleaners_page(page) if doc.kind.startswith("polluted_s") else page) == doc.text


def rate(k: int, n: int) -> float:
    return k / n if n else float("nan")


def cell(k: int, n: int) -> str:
    return f"{benchlib.pct(rate(k, n))} ({k:,}/{n:,})" if n else "—"


def overall(tallies: dict[str, Tally]) -> tuple[int, int, int, int]:
    """(true positives, polluted documents, false positives, clean documents)."""
    tp = sum(t.flagged for k, t in tallies.items() if KIND_BY_NAME[k].polluted)
    pos = sum(t.docs for k, t in tallies.items() if KIND_BY_NAME[k].polluted)
    fp = sum(t.flagged for k, t in tallies.items() if not KIND_BY_NAME[k].polluted)
    neg = sum(t.docs for k, t in tallies.items() if not KIND_BY_NAME[k].polluted)
    return tp, pos, fp, neg


KIND_BY_NAME = {k.name: k for k in KINDS}


def ambiguity_section(tallies: dict[str, Tally]) -> list[str]:
    """How many of tongwen's wrong restorations the page cannot tell from the original."""
    out = [
        "### Wrong restorations: could the page tell?",
        "",
        "For each polluted document that tongwen's `clean(to=\"s\")` did not restore exactly, "
        "its text is polluted again with the document's own site list and character table "
        "(and converted back to simplified for the kinds a cleaner converted): where that "
        "makes the very same page, the page holds nothing that tells the repair from the "
        "original (a lost byte pair hid 他 or 她, 母 or 父), so no repair can be sure of it, "
        "and choosing between them is the character model's guess. *Ambiguous* counts "
        "those; *inconsistent* counts the rest, where a better search could have found a "
        "text that explains the page. *Exact or ambiguous* is the share of documents restored "
        "to the original or to a text the page cannot tell from it: what a repair can be "
        "held to.",
        "",
    ]
    headers = ["kind", "docs", "wrong", "ambiguous", "inconsistent", "exact or ambiguous"]
    rows = []
    totals = [0, 0, 0, 0]
    for kind in KINDS:
        if not kind.polluted:
            continue
        t = tallies[kind.name]
        wrong = t.docs - t.exact_s
        row = [t.docs, wrong, t.consistent, wrong - t.consistent]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        rows.append([kind.name, *(f"{v:,}" for v in row),
                     benchlib.pct(rate(t.exact_s + t.consistent, t.docs))])
    docs, wrong, ambiguous, _ = totals
    rows.append(["**all polluted**", *(f"{v:,}" for v in totals),
                 benchlib.pct(rate(docs - wrong + ambiguous, docs))])
    out.append(benchlib.md_table(headers, rows, "lrrrrr"))
    return out


def kind_precision(recall: float, fp_rate: float) -> float:
    """Precision on a corpus with as many polluted documents as documents of one clean kind."""
    return recall / (recall + fp_rate) if recall + fp_rate else float("nan")


def meets(x: float, target: float) -> str:
    return "" if math.isnan(x) else (" ✓" if x >= target else " ✗")


def seed_page(system: RepairSystem, shared: Path) -> dict[str, str]:
    from tongwen.repair import generate

    page = (shared / SEED_PAGE).read_text(encoding="utf-8")
    original = (shared / SEED_ORIGINAL).read_text(encoding="utf-8")
    keep = generate.char_convert(original, "seed")
    return {
        "detected": "yes" if system.detect(page) else "no",
        "to=\"s\" exact": "yes" if system.clean(page, "s").rstrip("\n") == original.rstrip("\n")
        else "no",
        "to=\"keep\" exact": "yes" if system.clean(page, "keep").rstrip("\n") == keep.rstrip("\n")
        else "no",
    }


def hand_written(system: RepairSystem) -> tuple[int, int, int]:
    """(cases, flagged, changed by clean) for tests/cases/repair_negatives.jsonl."""
    cases = [json.loads(x) for x in CASES.read_text("utf-8").splitlines() if x.strip()]
    flagged = changed = 0
    for case in cases:
        text = case["text"]
        flagged += system.detect(text)
        changed += system.clean(text, "keep") != text or system.clean(text, "s") != text
    return len(cases), flagged, changed


# --------------------------------------------------------------------------------------------
# Rendering


def render(
    *,
    meta: dict[str, str],
    command: str,
    split: Split,
    systems: Sequence[RepairSystem],
    missing: dict[str, str],
    tallies: dict[str, dict[str, Tally]],
    attempts: Counter[str],
    natural: tuple[int, int],
    dropped: tuple[int, int],
    cleaner_dropped: tuple[int, int],
    seeds: dict[str, dict[str, str]],
    hand: dict[str, tuple[int, int, int]],
    gen_seconds: float,
    elapsed: float,
) -> str:
    names = [s.name for s in systems]
    n_docs = sum(t.docs for t in next(iter(tallies.values())).values()) if tallies else 0
    heldout = split.name == "heldout"
    out = [
        *benchlib.fragment_head("Repair: detection and cleaning of polluted pages", meta),
        benchlib.command_intro(command, elapsed)
        + f"Split **{split.name}**"
        + (" (held-out: the numbers to report)" if heldout else " (development)")
        + f": {len(split.seeds):,} documents of each of {len(KINDS)} kinds, "
        f"{n_docs:,} in all, made by `tongwen.repair.generate` from `../shared/data` text "
        f"({gen_seconds:.0f} s to make). Each system is called on every document three times: "
        "`detect`, `clean(to=\"s\")`, `clean(to=\"keep\")`. Calls: "
        + "; ".join(f"{s.name}: {s.how}" for s in systems)
        + ".",
        "",
        "**Settings fixed in advance.** The detector and the repair are developed on the "
        "development split only (`--split dev`, which writes its report and failing documents "
        "to `bench-out/repair/`); this fragment reports the held-out split, with other seeds, "
        "other source texts, other site-list sizes and one more character table. "
        "The character model that solves garbles (`tools/train_charlm.py`) is trained on "
        "neither split's text: g2pL, CPP and THCHS-30 sentences and two word lists, with any "
        "line of either split's sources dropped. "
        f"A polluted document carries at least {MIN_READINGS} inserted readings (a page "
        "with one or two cannot be told from a gloss; real pages carry dozens: the seed page "
        "222); pages with garbles and without are drawn until each kind has its count. "
        f"Simplified source lines are used only when GBK holds them after every character "
        "table and they hold no character that a table writes like another, more frequent one "
        "(於 like 于, 著 like 着, 夥 like 伙, 谘 like 咨, or a traditional character such as 國 "
        "like 国: nobody can restore those from a page made by character): "
        f"{dropped[0]:,} of {dropped[1]:,} lines of this split were left out. The kinds that "
        "a cleaner converted back to simplified (polluted_s*) also leave out the lines whose "
        "cleaner's conversion destroys what the original wrote "
        "(`tongwen.convert(char_convert(line, table), to=\"s\") != line` for some table: "
        "计画 → 計畫 → 计划, 瞭解 → 了解, 显着 → 顯著 → 显著; no repair of the cleaner's "
        f"output can restore them): {cleaner_dropped[0]:,} more of the remaining "
        f"{cleaner_dropped[1]:,}.",
        "",
        settings_table(),
    ]
    out += benchlib.not_measured(missing)
    garbled, total = natural
    out += [
        "",
        f"With the default site draw, {cell(garbled, total)} of this split's polluted pages "
        "have at least one GBK garble. Kinds:",
        "",
        benchlib.md_table(
            ["kind", "polluted", "what"],
            [[k.name, "yes" if k.polluted else "no", k.description] for k in KINDS],
        ),
    ]
    # Detection
    out += [
        "",
        "### Detection",
        "",
        "Polluted kinds: recall (share flagged). Clean kinds: the share left alone, and the "
        "precision on a corpus with as many polluted documents as documents of that kind "
        "(overall recall / (overall recall + that kind's false-positive rate)). Overall: "
        "precision and recall over all the documents of this run. ✓/✗: the target "
        f"({benchlib.pct(TARGET_DETECTION)}).",
        "",
    ]
    headers = ["kind", "docs"]
    for name in names:
        headers += [f"{name}: flagged", f"{name}: recall / left alone", f"{name}: precision"]
    rows: list[list[object]] = []
    totals = {name: overall(tallies[name]) for name in names}
    for kind in KINDS:
        row: list[object] = [kind.name, f"{tallies[names[0]][kind.name].docs:,}"]
        for name in names:
            t = tallies[name][kind.name]
            tp, pos, _, _ = totals[name]
            if kind.polluted:
                r = rate(t.flagged, t.docs)
                row += [f"{t.flagged:,}", benchlib.pct(r) + meets(r, TARGET_DETECTION), "—"]
            else:
                left = rate(t.docs - t.flagged, t.docs)
                p = kind_precision(rate(tp, pos), rate(t.flagged, t.docs))
                row += [
                    f"{t.flagged:,}",
                    benchlib.pct(left),
                    benchlib.pct(p) + meets(p, TARGET_DETECTION),
                ]
        rows.append(row)
    row = ["**overall**", f"{sum(t.docs for t in tallies[names[0]].values()):,}"]
    for name in names:
        tp, pos, fp, _ = totals[name]
        r = rate(tp, pos)
        p = rate(tp, tp + fp)
        row += [
            f"{tp + fp:,}",
            "recall " + benchlib.pct(r) + meets(r, TARGET_DETECTION),
            benchlib.pct(p) + meets(p, TARGET_DETECTION),
        ]
    rows.append(row)
    out.append(benchlib.md_table(headers, rows, "lr" + "rrr" * len(names)))
    # Repair
    out += [
        "",
        "### Repair",
        "",
        "Polluted kinds: the share restored exactly: `clean(doc, to=\"s\").text` equal to the "
        "simplified original, and `clean(doc, to=\"keep\").text` equal to the page as the "
        "polluter would have written it without readings and garbles (the character-converted "
        "traditional; for the kinds a cleaner converted back, that text converted to "
        "simplified by `tongwen.convert(to=\"s\")`). Clean kinds: the share that both calls "
        "leave unchanged. ✓/✗: the target for polluted documents "
        f"({benchlib.pct(TARGET_REPAIR)}).",
        "",
    ]
    headers = ["kind", "docs"]
    for name in names:
        headers += [f"{name}: to=\"s\" exact", f"{name}: to=\"keep\" exact"]
    rows = []
    for kind in KINDS:
        row = [kind.name, f"{tallies[names[0]][kind.name].docs:,}"]
        for name in names:
            t = tallies[name][kind.name]
            if kind.polluted:
                rs, rk = rate(t.exact_s, t.docs), rate(t.exact_keep, t.docs)
                row += [
                    benchlib.pct(rs) + meets(rs, TARGET_REPAIR),
                    benchlib.pct(rk) + meets(rk, TARGET_REPAIR),
                ]
            else:
                row += [
                    "unchanged " + benchlib.pct(rate(t.exact_s, t.docs)),
                    "unchanged " + benchlib.pct(rate(t.exact_keep, t.docs)),
                ]
        rows.append(row)
    row = ["**all polluted**", ""]
    for name in names:
        polluted = [t for k, t in tallies[name].items() if KIND_BY_NAME[k].polluted]
        n = sum(t.docs for t in polluted)
        rs = rate(sum(t.exact_s for t in polluted), n)
        rk = rate(sum(t.exact_keep for t in polluted), n)
        row[1] = f"{n:,}"
        row += [benchlib.pct(rs) + meets(rs, TARGET_REPAIR),
                benchlib.pct(rk) + meets(rk, TARGET_REPAIR)]
    rows.append(row)
    out.append(benchlib.md_table(headers, rows, "lr" + "rr" * len(names)))
    if "tongwen" in tallies:
        out += ["", *ambiguity_section(tallies["tongwen"])]
    # Seed page and hand-written cases
    out += [
        "",
        "### The seed page and the hand-written negatives",
        "",
        "`../shared/examples/seed-page.txt` (a real polluted page; `to=\"s\"` compared with "
        "`seed-page.original.txt`, `to=\"keep\"` with it converted by the seed page's own "
        "character table, a trailing newline aside), and the "
        f"{next(iter(hand.values()))[0] if hand else 0} hand-written hard negatives of "
        "`tests/cases/repair_negatives.jsonl` (development material: the detector's tests use "
        "them).",
        "",
    ]
    headers = ["system", "seed page detected", "seed page to=\"s\" exact",
               "seed page to=\"keep\" exact", "hand-written negatives flagged",
               "hand-written negatives changed"]
    rows = []
    for name in names:
        s = seeds.get(name, {})
        cases, flagged, changed = hand.get(name, (0, 0, 0))
        rows.append([name, s.get("detected", "—"), s.get("to=\"s\" exact", "—"),
                     s.get("to=\"keep\" exact", "—"), f"{flagged}/{cases}", f"{changed}/{cases}"])
    out.append(benchlib.md_table(headers, rows, "lcccrr"))
    # Speed of the run, and attempts
    out += [
        "",
        "Generation: polluted documents needed "
        + ", ".join(f"{k} {attempts[k]:,}" for k in sorted(attempts))
        + " draws for their counts (draws without the wanted garble state or with fewer than "
        f"{MIN_READINGS} readings are dropped). Time of the three calls per document "
        "(not a speed benchmark: see Repair speed): "
        + "; ".join(
            f"{name} {sum(t.seconds for t in tallies[name].values()):.1f} s"
            for name in names
        )
        + ".",
    ]
    if not heldout:
        failing = (OUT / "dev-failures.jsonl").relative_to(benchlib.ROOT)
        out += ["", f"Failing documents: `{failing}`."]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=tuple(SPLITS), default="heldout")
    parser.add_argument("--docs", type=int, default=None,
                        help="documents per kind (default: the split's seed count)")
    parser.add_argument("--systems", default=",".join(LOADERS),
                        help="comma-separated: " + ", ".join(LOADERS))
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    command = benchlib.command_line(SCRIPT, argv)
    meta = benchlib.run_metadata()
    shared = benchlib.require_shared()
    split = SPLITS[args.split]
    if args.docs is not None:
        split = dataclasses.replace(split, seeds=split.seeds[: args.docs])
    t_start = time.perf_counter()

    systems, missing = benchlib.load_each(LOADERS, args.systems.split(","))
    benchlib.warn_missing(missing)
    if not systems:
        raise SystemExit("no system to measure")

    maker = Maker(split, shared)
    t0 = time.perf_counter()
    docs = [maker.make(kind, seed) for kind in KINDS for seed in split.seeds]
    natural = maker.natural_garble_rate(len(split.seeds))
    gen_seconds = time.perf_counter() - t0
    print(f"{len(docs):,} documents made in {gen_seconds:.0f} s", file=sys.stderr)

    tallies: dict[str, dict[str, Tally]] = {}
    failures: list[dict[str, Any]] = []
    for system in systems:
        per = tallies[system.name] = {k.name: Tally() for k in KINDS}
        for doc in docs:
            t = per[doc.kind]
            t0 = time.perf_counter()
            flagged, ok_s, ok_keep, out_s = evaluate(system, doc)
            t.seconds += time.perf_counter() - t0
            if doc.polluted and not ok_s and system.name == "tongwen":
                t.consistent += makes_the_page(doc, out_s)
            t.docs += 1
            t.chars += len(doc.text)
            t.flagged += flagged
            t.exact_s += ok_s
            t.exact_keep += ok_keep
            if system.name == "tongwen" and (flagged != doc.polluted or not ok_s or not ok_keep):
                failures.append({
                    "kind": doc.kind, "seed": doc.seed, "flagged": flagged,
                    "exact_s": ok_s, "exact_keep": ok_keep, "text": doc.text,
                    "original": doc.original, "keep": doc.keep, **doc.info,
                })
        print(f"{system.name}: done", file=sys.stderr)

    seeds = {s.name: seed_page(s, shared) for s in systems}
    hand = {s.name: hand_written(s) for s in systems}
    elapsed = time.perf_counter() - t_start
    text = render(
        meta=meta, command=command, split=split, systems=systems, missing=missing,
        tallies=tallies, attempts=maker.attempts, natural=natural, dropped=maker.dropped,
        cleaner_dropped=maker.cleaner_dropped,
        seeds=seeds, hand=hand,
        gen_seconds=gen_seconds, elapsed=elapsed,
    )
    OUT.mkdir(parents=True, exist_ok=True)
    if split.name == "heldout":
        # Held-out failures are counted, never written out: nobody tunes on them.
        benchlib.publish_fragment(FRAGMENT, text, args.no_write, elapsed)
        return 0
    with (OUT / "dev-failures.jsonl").open("w", encoding="utf-8") as f:
        for failure in failures:
            f.write(json.dumps(failure, ensure_ascii=False) + "\n")
    if args.no_write:
        print(text)
    else:
        path = OUT / "repair-accuracy-dev.md"
        path.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(benchlib.ROOT)} and {len(failures)} failing documents "
              "to dev-failures.jsonl", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
