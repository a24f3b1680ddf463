"""Conversion accuracy: tongwen and its peers on ../shared/data/conversion and the Hong Kong
development split, side by side.

    .venv/bin/python tools/bench/conversion_accuracy.py     (part of `make bench`)

Writes docs/benchmarks/conversion-accuracy.md and raw outputs under bench-out/conversion/.
tongwen runs twice: as it is (context model on) and with ``context=False`` (the tables alone).
The Hong Kong development split is data/eval/hk_dev_split.tsv: those lines of
../shared/data/traditional/hk_cv_zh_hk, their simplified twin made by tongwen (hk -> s).
Scores are those of ../shared/tools/score_conversion.py: its score() is called directly and
files are read with its read_lines().
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

FRAGMENT = "conversion-accuracy"
SCRIPT = "conversion_accuracy.py"
CASE_SCHEMES = ("s2t", "s2tw", "s2hk", "s2twp")
# tongwen is compared head to head with OpenCC's official binding.
REFERENCE_PEER = "OpenCC"
EXAMPLES = 8
ROOT = Path(__file__).resolve().parents[2]
#: Why tongwen differs from OpenCC on OpenCC's own cases, by case id (written by hand; the
#: test of those cases holds it exact).
CASE_DIFFERENCES = ROOT / "tests" / "cases" / "opencc_case_differences.tsv"
HK_SPLIT = ROOT / "data" / "eval" / "hk_dev_split.tsv"
NO_CONTEXT = "tongwen, context off"
#: Rows of the per-character error table.
CHAR_ROWS = 25
#: The set whose disagreements with tongwen are arbitrated by today's Taiwan text.
ARBITRATED = "sinica_tw"


@dataclass(frozen=True)
class EvalSet:
    name: str
    title: str
    schemes: tuple[str, ...]  # canonical schemes scored; the first is the set's own region
    note: str


SETS: tuple[EvalSet, ...] = (
    EvalSet(
        "sinica_tw",
        "Taiwan written Mandarin (Sinica Treebank sample), 4,153 sentences",
        ("s2tw", "s2t"),
        "**Development set, evaluation only** (CC BY-NC-SA 2.5: nothing is trained on it). "
        "It is the set tongwen is developed against, so tongwen's figures here may be "
        "optimistic; held-back Taiwan and Hong Kong sets are kept outside the project for "
        "independent checks.",
    ),
    EvalSet(
        "hk_dev",
        "Hong Kong written Chinese and Cantonese (Common Voice zh-HK), the development split "
        "of data/eval/hk_dev_split.tsv, 3,433 sentences",
        ("s2hk", "s2t"),
        "**Development split, held out from training** (CC0): one line in five of "
        "`../shared/data/traditional/hk_cv_zh_hk`, chosen by hash; the simplified side is "
        "tongwen's own `hk -> s` of each line (every line keeps its length). The rest of the "
        "file is training data for the context model.",
    ),
    EvalSet(
        "tw_held_out",
        "Taiwan human-typed text of today (the context model's held-out slice of the Taiwan "
        "corpora), one line in two",
        ("s2tw", "s2t"),
        "**Validation slice, held out from training** (CC0 and government works): the blocks "
        "of 100 lines of `../shared/data/traditional/tw_*` that `tools/train_conversion.py` "
        "holds out (`crc32('<source>:<line // 100>') % 20 == 0`), every other line of them: "
        "meeting transcripts, gazette and law text, everyday sentences. The training script "
        "picks its margin and rarity scale on this slice and the usage mining never counts it, "
        "so tongwen's figures may be a little optimistic; the simplified side is tongwen's own "
        "`tw -> s` of each line (lines whose length would change are left out). Unlike "
        "sinica_tw (1990s news, 計劃 and 了解), it writes today's Taiwan usage (計畫, 瞭解).",
    ),
    EvalSet(
        "hkcancor_yue",
        "Hong Kong spoken Cantonese (HKCanCor), 11,814 utterances",
        ("s2hk", "s2t"),
        "A stress test: Cantonese 係 is written 系 in simplified, and spoken-Cantonese characters "
        "are rare in the dictionaries.",
    ),
    EvalSet(
        "cedict_names",
        "CC-CEDICT's proper nouns, one per line (people, places, organisations, "
        "transliterations)",
        ("s2t",),
        "Every CC-CEDICT entry (`../shared/data/lexicons/cc_cedict`, 2025-02-19, CC BY-SA 4.0) "
        "whose pinyin is capitalised (a proper noun) and whose two forms have the same length "
        "and at least two characters, its simplified form converted and its traditional form "
        "the reference. CC-CEDICT writes the OpenCC-like standard forms, so only `s2t` is "
        "scored. A word alone gives the context model little to read: the set checks that "
        "names are not made worse (余秋雨, 雅各布, 姜文), not that context helps. The names "
        "that the model would change in a short context (after 于, between 在 and 的, ...) "
        "are protected by the table STNamePhrases, mined from this same list by "
        "`tools/train_conversion.py`: for those names the set checks the protection, not how "
        "the model does on names it has not seen.",
    ),
)
#: CC-CEDICT, whose proper nouns make the names set.
CEDICT = "data/lexicons/cc_cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz"


# --------------------------------------------------------------------------------------------
# Measuring


def head_to_head(
    ref: Sequence[str],
    hyp_a: Sequence[str],
    hyp_b: Sequence[str],
    canon: Any,
) -> dict[str, Any]:
    """Where two systems' outputs differ, which one reproduced the reference (up to variants).

    Positions are compared only on lines where ref and both outputs have the same length (the
    scorer's confusions use the same rule). ``canon`` maps text to its variant-canonical form.
    """
    counts: Counter[str] = Counter(total=len(ref))
    examples: dict[str, list[dict[str, Any]]] = {"a": [], "b": [], "neither": []}
    for i, (r, a, b) in enumerate(zip(ref, hyp_a, hyp_b, strict=True)):
        if a == b:
            continue
        counts["lines"] += 1
        if not len(r) == len(a) == len(b):
            counts["lines_unaligned"] += 1
            continue
        diff = [j for j in range(len(r)) if a[j] != b[j]]
        kinds = set()
        for j in diff:
            ok_a = canon(a[j]) == canon(r[j])
            ok_b = canon(b[j]) == canon(r[j])
            kind = "variants" if ok_a and ok_b else "a" if ok_a else "b" if ok_b else "neither"
            counts[kind] += 1
            kinds.add(kind)
        for kind in ("a", "b", "neither"):
            if kind in kinds:
                examples[kind].append({"line": i + 1, "ref": r, "a": a, "b": b, "diff": diff})
    return {"counts": dict(counts), "examples": examples}


def window(text: str, marks: Sequence[int], pad: int = 6, width: int = 36) -> str:
    """The part of a line around the marked positions, marked positions in bold."""
    lo = max(0, marks[0] - pad)
    hi = min(len(text), max(marks[-1] + pad + 1, lo + 1))
    hi = min(hi, lo + width)
    marked = set(marks)
    out = "".join(f"**{text[k]}**" if k in marked else text[k] for k in range(lo, hi))
    return ("…" if lo > 0 else "") + out + ("…" if hi < len(text) else "")


def run_cases(
    systems: Sequence[benchlib.System], cases: Sequence[dict[str, Any]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """OpenCC's regression cases: per system and scheme, passed, total and the failures."""
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for system in systems:
        per_scheme: dict[str, dict[str, Any]] = {}
        for scheme in CASE_SCHEMES:
            if not system.supports(scheme):
                continue
            convert = system.converter(scheme)
            passed, total, failures = 0, 0, []
            for case in cases:
                expected = case["expected"].get(scheme)
                if expected is None:
                    continue
                total += 1
                try:
                    got = convert(case["input"])
                except Exception as exc:  # a failed case, not a failed benchmark
                    got = f"error: {type(exc).__name__}: {exc}"
                if got == expected:
                    passed += 1
                else:
                    failures.append(
                        {"id": case["id"], "input": case["input"], "expected": expected, "got": got}
                    )
            per_scheme[scheme] = {"passed": passed, "total": total, "failures": failures}
        results[system.name] = per_scheme
    return results


# --------------------------------------------------------------------------------------------
# Writing


def score_rows(
    eval_set: EvalSet,
    systems: Sequence[benchlib.System],
    scores: dict[tuple[str, str, str], dict[str, Any]],
) -> list[list[object]]:
    rows: list[list[object]] = []
    for scheme in eval_set.schemes:
        for system in systems:
            s = scores.get((eval_set.name, scheme, system.name))
            if s is None:
                continue
            rows.append(
                [
                    system.name,
                    system.label(scheme),
                    benchlib.pct(s["o2m_strict"]),
                    benchlib.pct(s["o2m_lenient"]),
                    benchlib.pct(s["han_strict"]),
                    benchlib.pct(s["han_lenient"]),
                    s["o2m_errors"],
                ]
            )
    return rows


def render(
    meta: dict[str, str],
    command: str,
    systems: Sequence[benchlib.System],
    missing: dict[str, str],
    scores: dict[tuple[str, str, str], dict[str, Any]],
    duels: dict[tuple[str, str], dict[str, Any]],
    cases: dict[str, dict[str, dict[str, Any]]],
    n_cases: int,
    char_tables: dict[str, list[list[object]]],
    oracle: dict[str, dict[str, float]],
    arbitration: dict[str, Any] | None = None,
) -> str:
    out = [
        *benchlib.fragment_head("Conversion accuracy", meta),
        benchlib.command_intro(command)
        + "Input: the `.s.txt` file of each set in `../shared/data/conversion`, converted as "
        "one string per call; reference: its `.t.txt`. Scores: "
        "`../shared/tools/score_conversion.py` (its "
        "`score()` is called directly): share of Han characters of the reference reproduced, "
        "*strict* or *lenient* (orthographic variants such as 裏/裡, 臺/台 allowed), over all "
        "Han characters or only where the simplified character has several traditional "
        "candidates (*one-to-many*, 发→發/髮). o2m errors: one-to-many positions wrong even "
        "leniently. Raw outputs: `bench-out/conversion/`.",
        "",
        "zhconv-rs has no character-only Taiwan target: its `zh-tw` also converts vocabulary "
        "(like OpenCC `s2twp`); zhconv-rs is called with `wikitext=False`.",
    ]
    out += benchlib.not_measured(missing)
    for eval_set in SETS:
        s0 = next(
            (v for (n, _, _), v in scores.items() if n == eval_set.name), {"han": 0, "o2m": 0}
        )
        out += [
            "",
            f"### {eval_set.name}: {eval_set.title}",
            "",
            eval_set.note,
            f"{s0['han']:,} Han characters in the reference, {s0['o2m']:,} at one-to-many "
            "positions.",
            "",
            benchlib.md_table(
                [
                    "system",
                    "scheme",
                    "one-to-many strict",
                    "one-to-many lenient",
                    "Han strict",
                    "Han lenient",
                    "o2m errors",
                ],
                score_rows(eval_set, systems, scores),
                "llrrrrr",
            ),
            "",
            f"Command: `{command}`.",
        ]
        scheme = eval_set.schemes[0]
        if eval_set.name in oracle:
            o = oracle[eval_set.name]
            out += [
                "",
                f"Ceilings, {scheme}, one-to-many lenient (oracles that read the reference: the "
                "reference's own most frequent form per unit, so its inconsistencies bound "
                f"them): per simplified character {benchlib.pct(o['character'])}; per word "
                f"(the token tongwen's tables make: a phrase, or the character alone) "
                f"{benchlib.pct(o['word'])}; per character with one neighbour each side "
                f"{benchlib.pct(o['window'])} (an over-fitted bound: most windows occur once).",
            ]
        if eval_set.name == ARBITRATED and arbitration is not None:
            out += ["", arbitration_line(arbitration, scheme)]
        columns = [
            (sys_.name, scores[(eval_set.name, scheme, sys_.name)]["top_confusions"])
            for sys_ in systems
            if sys_.name in ("tongwen", REFERENCE_PEER)
            and (eval_set.name, scheme, sys_.name) in scores
        ]
        if columns:
            out += [
                "",
                f"Top one-to-many confusions, {scheme} "
                "(`score()`'s `top_confusions`: simplified source: reference->output, count):",
                "",
                benchlib.ranked_columns_table(columns, "src: ref->hyp"),
            ]
        if char_tables.get(eval_set.name):
            out += [
                "",
                f"Per-character errors, {scheme}: one-to-many positions of each simplified "
                "character wrong even leniently (lines of equal length only, as the scorer's "
                f"confusions), the {CHAR_ROWS} characters with the most errors of any system:",
                "",
                benchlib.md_table(
                    ["char", "positions", "tongwen", NO_CONTEXT, REFERENCE_PEER],
                    char_tables[eval_set.name],
                    "lrrrr",
                ),
            ]
        for duel_scheme in eval_set.schemes:
            duel = duels.get((eval_set.name, duel_scheme))
            if duel:
                out += render_duel(duel_scheme, duel)
    out += [
        "",
        "### OpenCC's regression cases",
        "",
        f"`../shared/data/conversion/opencc_cases.json` ({n_cases} cases; each gives expected "
        "outputs for some schemes). Passed/total, exact string match; tongwen runs `s2X` as "
        '`Converter(to="X", source="s")`; zhconv-rs runs `s2tw` and `s2twp` both as `zh-tw`. '
        f"Command: `{command}`.",
        "",
    ]
    rows = []
    for system in systems:
        per = cases.get(system.name, {})
        row: list[object] = [system.name]
        for scheme in CASE_SCHEMES:
            r = per.get(scheme)
            row.append(f"{r['passed']}/{r['total']}" if r else "—")
        rows.append(row)
    out.append(benchlib.md_table(["system", *CASE_SCHEMES], rows, "l" + "r" * len(CASE_SCHEMES)))
    tw_failures = [
        (scheme, f) for scheme, r in cases.get("tongwen", {}).items() for f in r["failures"]
    ]
    if tw_failures:
        reasons = case_reasons()
        out += [
            "",
            f"tongwen's failures ({len(tw_failures)}; all in `bench-out/conversion/cases.json`):",
            "",
            benchlib.md_table(
                ["scheme", "case", "input", "expected", "tongwen", "why"],
                [
                    [scheme, f["id"], f["input"], f["expected"], f["got"],
                     reasons.get(f["id"], "not explained")]
                    for scheme, f in tw_failures[:20]
                ],
            ),
        ]
    return "\n".join(out)


def case_reasons(path: Path = CASE_DIFFERENCES) -> dict[str, str]:
    """Case id -> why tongwen differs from OpenCC there (``tests/cases``' hand-written list)."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return {row[0]: row[2] for row in rows if len(row) == 3}


def render_duel(scheme: str, duel: dict[str, Any]) -> list[str]:
    c = duel["counts"]
    if not c.get("lines"):
        return [
            "",
            f"tongwen vs {REFERENCE_PEER} ({scheme}): identical on all {c['total']:,} lines.",
        ]
    out = [
        "",
        f"tongwen vs {REFERENCE_PEER} ({scheme}): {c.get('lines', 0):,} lines differ; at the "
        f"differing characters tongwen alone matches the reference {c.get('a', 0):,} times, "
        f"{REFERENCE_PEER} alone {c.get('b', 0):,}, neither {c.get('neither', 0):,}, both "
        f"(variants of each other) {c.get('variants', 0):,}"
        + (
            f"; {c['lines_unaligned']:,} lines differ in length and are not compared"
            if c.get("lines_unaligned")
            else ""
        )
        + ".",
    ]
    rows = []
    for kind, who in (("a", "tongwen"), ("b", REFERENCE_PEER), ("neither", "neither")):
        for ex in duel["examples"][kind][: EXAMPLES // 2 if kind != "neither" else 2]:
            d = ex["diff"]
            rows.append(
                [
                    who,
                    ex["line"],
                    window(ex["ref"], d),
                    window(ex["a"], d),
                    window(ex["b"], d),
                ]
            )
    if rows:
        out += [
            "",
            benchlib.md_table(["right", "line", "reference", "tongwen", REFERENCE_PEER], rows),
        ]
    return out


def with_context_off(systems: list[benchlib.System]) -> list[benchlib.System]:
    """The systems, with tongwen's tables-only run (``context=False``) after tongwen."""
    out = []
    for system in systems:
        out.append(system)
        if system.name == "tongwen":
            import tongwen

            def factory(scheme: str) -> benchlib.Convert:
                to, source = benchlib.TONGWEN_SCHEMES[scheme]
                fn: benchlib.Convert = tongwen.Converter(
                    to=to, source=source, context=False
                ).convert
                return fn

            labels = {k: f"{v}, context=False" for k, v in system.labels.items()}
            out.append(benchlib.System(NO_CONTEXT, "tongwen", labels, factory))
    return out


def load_set(name: str, conv_dir: Path, shared: Path) -> tuple[list[str], list[str]]:
    """(reference, simplified) lines of an evaluation set."""
    if name == "cedict_names":
        return cedict_names(shared / CEDICT)
    if name == "tw_held_out":
        return tw_held_out(shared / "data" / "traditional")
    if name != "hk_dev":
        return (
            read(conv_dir / f"{name}.t.txt"),
            read(conv_dir / f"{name}.s.txt"),
        )
    import tongwen

    source = shared / "data" / "traditional" / "hk_cv_zh_hk" / "hk_cv_zh_hk.trad.txt"
    lines = source.read_text(encoding="utf-8").rstrip("\n").split("\n")
    numbers = [
        int(row.split("\t")[0])
        for row in HK_SPLIT.read_text(encoding="utf-8").splitlines()
        if row[:1].isdigit()
    ]
    ref = [lines[n - 1] for n in numbers]
    to_s = tongwen.Converter(to="s", source="hk")
    src = [to_s.convert(line) for line in ref]
    if any(len(a) != len(b) for a, b in zip(ref, src, strict=True)):
        raise SystemExit("hk_dev: the simplified twin changed a line's length")
    return ref, src


def taiwan_texts(folder: Path) -> dict[str, str]:
    """Source name -> the text of each Taiwan training corpus (``train_conversion.SOURCES``
    of region tw)."""
    return {
        name: (folder / name / file).read_text(encoding="utf-8")
        for name, (file, region, _, _) in _train_conversion().SOURCES.items()
        if region == "tw"
    }


def _train_conversion() -> Any:
    sys.path.insert(0, str(ROOT / "tools"))
    import train_conversion

    return train_conversion


def tw_held_out(folder: Path) -> tuple[list[str], list[str]]:
    """(traditional, simplified) of every other held-out line of the Taiwan corpora."""
    import tongwen

    held_out = _train_conversion().held_out
    to_s = tongwen.Converter(to="s", source="tw")
    ref, src = [], []
    for name, text in taiwan_texts(folder).items():
        lines = text.rstrip("\n").split("\n")
        held = [line for number, line in enumerate(lines, 1) if held_out(name, number)]
        for line in held[::2]:
            simple = to_s.convert(line)
            if len(simple) == len(line):
                ref.append(line)
                src.append(simple)
    return ref, src


def cedict_names(path: Path) -> tuple[list[str], list[str]]:
    """(traditional, simplified) of CC-CEDICT's proper nouns (capitalised pinyin) of two or
    more characters whose forms have the same length, in file order."""
    sys.path.insert(0, str(ROOT / "tools"))
    import name_mining

    pairs = list(name_mining.cedict_names(path))
    return [t for t, _ in pairs], [s for _, s in pairs]


def read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def char_errors(
    ref: Sequence[str],
    src: Sequence[str],
    hyps: dict[str, list[str]],
    scorer: Any,
    names: Sequence[str],
) -> list[list[object]]:
    """Per simplified one-to-many character: positions, and each system's lenient errors."""
    variants = scorer.Variants()
    o2m = scorer.one_to_many(variants)
    canon = variants.canon
    names = [n for n in names if n in hyps]
    positions: Counter[str] = Counter()
    errors: dict[str, Counter[str]] = {n: Counter() for n in names}
    for k, (r, s) in enumerate(zip(ref, src, strict=True)):
        if len(r) != len(s):
            continue
        rc = canon(r)
        outs = {n: canon(hyps[n][k]) for n in names if len(hyps[n][k]) == len(r)}
        for i, ch in enumerate(s):
            if ch not in o2m or not scorer.HAN.match(r[i]):
                continue
            positions[ch] += 1
            for n in names:
                if n not in outs or outs[n][i] != rc[i]:
                    errors[n][ch] += 1
    worst = sorted(
        positions, key=lambda c: (-max(errors[n][c] for n in names), -positions[c], c)
    )[:CHAR_ROWS]
    return [[c, positions[c], *(errors[n][c] for n in names)] for c in worst]


def ceilings(
    ref: Sequence[str], src: Sequence[str], scheme: str, scorer: Any
) -> dict[str, float]:
    """Oracles on the set's own reference: how far a fixed choice per unit can go.

    At every one-to-many position of equal-length lines, the reference's own most frequent
    form (up to variants) per unit: per simplified character (context-free); per word, a
    word being the token tongwen's tables make there (a phrase, or the character alone); per
    character with its neighbours (the window -1..+1). The reference's own inconsistency
    (計畫/計劃) is what keeps them under 100 %.
    """
    import tongwen

    to, source = benchlib.TONGWEN_SCHEMES[scheme]
    conv = tongwen.Converter(to=to, source=source, context=False)
    variants = scorer.Variants()
    o2m = scorer.one_to_many(variants)
    units: dict[str, dict[tuple[object, ...], Counter[str]]] = {
        "character": {}, "word": {}, "window": {}
    }
    total = 0
    for r, s in zip(ref, src, strict=True):
        if len(r) != len(s) or not any(c in o2m for c in s):
            continue
        rc = variants.canon(r)
        word = {}
        for token in conv.tokens(s):
            for i in range(token.start, token.end):
                word[i] = (token.original, i - token.start)
        for i, ch in enumerate(s):
            if ch not in o2m or not scorer.HAN.match(r[i]):
                continue
            total += 1
            keys = {
                "character": (ch,),
                "word": word[i],
                "window": (s[i - 1] if i else "", ch, s[i + 1 : i + 2]),
            }
            for kind, key in keys.items():
                units[kind].setdefault(key, Counter())[rc[i]] += 1
    return {
        kind: sum(max(c.values()) for c in per.values()) / max(1, total)
        for kind, per in units.items()
    }


def arbitrate(
    ref: Sequence[str], src: Sequence[str], hyp: Sequence[str], scorer: Any, corpus: str
) -> dict[str, Any]:
    """Which spelling today's Taiwan text uses where tongwen and the reference differ.

    At each one-to-many error (lenient) of equal-length lines inside a word of two or more
    characters (the token tongwen's tables make), the word as tongwen wrote it and as the
    reference wrote it are counted in ``corpus``; the error goes to "output" if the corpus
    writes tongwen's form more often, "reference" if the reference's, else "neither".
    Errors at a character alone go to "single".
    """
    import tongwen

    conv = tongwen.Converter(to="tw", source="s", context=False)
    variants = scorer.Variants()
    o2m = scorer.one_to_many(variants)
    counts: Counter[str] = Counter()
    words: Counter[tuple[str, str]] = Counter()
    for r, s, h in zip(ref, src, hyp, strict=True):
        if not (len(r) == len(s) == len(h)) or not any(c in o2m for c in s):
            continue
        rc, hc = variants.canon(r), variants.canon(h)
        for token in conv.tokens(s):
            for i in range(token.start, token.end):
                if s[i] not in o2m or not scorer.HAN.match(r[i]) or rc[i] == hc[i]:
                    continue
                if token.end - token.start < 2:
                    counts["single"] += 1
                    continue
                pair = (h[token.start : token.end], r[token.start : token.end])
                words[pair] += 1
    seen = {w: corpus.count(w) for pair in words for w in pair}
    for (ours, theirs), n in words.items():
        side = (
            "output" if seen[ours] > seen[theirs]
            else "reference" if seen[theirs] > seen[ours]
            else "neither"
        )
        counts[side] += n
    top = [
        (ours, seen[ours], theirs, seen[theirs], n)
        for (ours, theirs), n in words.most_common()
        if seen[ours] > seen[theirs]
    ][:EXAMPLES]
    return {"counts": counts, "top": top, "corpus": len(corpus)}


def arbitration_line(arbitration: dict[str, Any], scheme: str) -> str:
    """The paragraph that says which spelling today's Taiwan text backs at tongwen's errors."""
    c = arbitration["counts"]
    total = sum(c.values())
    examples = "; ".join(
        f"{ours} {a:,} : {theirs} {b:,} ({n} error{'s' if n > 1 else ''})"
        for ours, a, theirs, b, n in arbitration["top"]
    )
    return (
        f"Arbitrated by today's Taiwan text ({scheme}, tongwen's {total:,} one-to-many errors): "
        f"**{c['output']:,}** are inside words of two or more characters that the Taiwan "
        f"training corpora (`../shared/data/traditional/tw_*`, "
        f"{arbitration['corpus']:,} characters) write as tongwen does more often than as the "
        f"reference does, {c['reference']:,} the other way, {c['neither']:,} neither (equal or "
        f"absent); {c['single']:,} are at a character alone. Counts in the corpora, tongwen's "
        f"word : the reference's: {examples}."
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args, command = benchlib.parse_area_args(parser, SCRIPT, argv)
    shared = benchlib.require_shared()
    scorer = benchlib.load_scorer(shared)
    conv_dir = shared / "data" / "conversion"
    raw_dir = benchlib.OUT_DIR / "conversion"
    raw_dir.mkdir(parents=True, exist_ok=True)
    meta = benchlib.run_metadata()
    systems, missing = benchlib.load_systems()
    benchlib.warn_missing(missing)
    systems = with_context_off(systems)
    if not any(s.name == REFERENCE_PEER for s in systems):
        raise SystemExit(f"{REFERENCE_PEER} is needed: `make bench` installs the bench extra")
    canon = scorer.Variants().canon

    scores: dict[tuple[str, str, str], dict[str, Any]] = {}
    duels: dict[tuple[str, str], dict[str, Any]] = {}
    char_tables: dict[str, list[list[object]]] = {}
    oracle: dict[str, dict[str, float]] = {}
    arbitration: dict[str, Any] | None = None
    for eval_set in SETS:
        ref, src = load_set(eval_set.name, conv_dir, shared)
        if eval_set.name not in ("hkcancor_yue", "cedict_names"):
            oracle[eval_set.name] = ceilings(ref, src, eval_set.schemes[0], scorer)
        for scheme in eval_set.schemes:
            hyps: dict[str, list[str]] = {}
            for system in systems:
                t0 = time.perf_counter()
                try:
                    hyp = benchlib.convert_lines(system.converter(scheme), src)
                except Exception as exc:  # report a broken system, measure the others
                    why = f"{type(exc).__name__}: {exc}"
                    missing[f"{system.name} {system.label(scheme)} on {eval_set.name}"] = why
                    print(f"error: {system.name} {scheme} {eval_set.name}: {why}", file=sys.stderr)
                    continue
                elapsed = time.perf_counter() - t0
                hyps[system.name] = hyp
                (raw_dir / f"{eval_set.name}.{scheme}.{system.name}.txt").write_text(
                    "\n".join(hyp) + "\n", encoding="utf-8"
                )
                s = scorer.score(ref, src, hyp)
                scores[(eval_set.name, scheme, system.name)] = s
                print(
                    f"{eval_set.name} {scheme:5} {system.name:12}"
                    f" o2m {benchlib.pct(s['o2m_lenient'])} han {benchlib.pct(s['han_lenient'])}"
                    f" errors {s['o2m_errors']}"
                    f" ({elapsed:.1f}s)",
                    file=sys.stderr,
                )
            if eval_set.name == ARBITRATED and scheme == eval_set.schemes[0] and "tongwen" in hyps:
                corpus = "\n".join(taiwan_texts(shared / "data" / "traditional").values())
                arbitration = arbitrate(ref, src, hyps["tongwen"], scorer, corpus)
            if scheme == eval_set.schemes[0] and "tongwen" in hyps and REFERENCE_PEER in hyps:
                char_tables[eval_set.name] = char_errors(
                    ref, src, hyps, scorer, ("tongwen", NO_CONTEXT, REFERENCE_PEER)
                )
            if "tongwen" in hyps and REFERENCE_PEER in hyps:
                duel = head_to_head(ref, hyps["tongwen"], hyps[REFERENCE_PEER], canon)
                duels[(eval_set.name, scheme)] = duel
                (raw_dir / f"{eval_set.name}.{scheme}.tongwen-vs-opencc.json").write_text(
                    json.dumps(duel, ensure_ascii=False, indent=1), encoding="utf-8"
                )

    cases = json.loads((conv_dir / "opencc_cases.json").read_text(encoding="utf-8"))
    case_results = run_cases(systems, cases)
    (raw_dir / "cases.json").write_text(
        json.dumps(case_results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    text = render(meta, command, systems, missing, scores, duels, case_results, len(cases),
                  char_tables, oracle, arbitration)
    benchlib.publish_fragment(FRAGMENT, text, args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
