"""Readings accuracy: tongwen and its peers (pypinyin, g2pM) on polyphone sets, side by side.

    .venv/bin/python tools/bench/readings_accuracy.py     (part of `make bench`)

Sets: the CPP dev split (../shared/data/cpp/dev.{sent,lb}) and the g2pL dev and test splits
(../shared/data/readings/g2pl/{dev,test}.jsonl, rewritten in the CPP .sent/.lb format under
bench-out/readings/ so that one scorer reads them all). Each system writes one PRED.jsonl per
set in the scorer's format, one object a line: {"text": plain sentence, "tokens": [{"char",
"reading"}, ...]}, one token per character. tongwen's is the output of its real CLI,
`tongwen annotate --format tokens --tone numbers FILE`, run over the plain sentences.
Scores are those of ../shared/tools/score_readings.py: its score() is called directly.

tongwen ships a model trained on all of CPP dev, so its CPP dev figure is a 5-fold
cross-validation instead (folds: data/eval/cpp_dev_folds.tsv): for each fold the model is
trained in-process by tools/train_polyphone.py on the other four folds plus the other training
sources, and an Annotator with that model annotates the fold (bench-out/readings/cpp_cv_fold<k>.*).
The everyday case file (tests/cases/everyday_readings.tsv) is scored as two more sets, its
Simplified sentences and their Traditional twins (tongwen.convert(s, to="t")).
Writes docs/benchmarks/readings-accuracy.md and everything it read or wrote under
bench-out/readings/.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # train_polyphone

import benchlib

FRAGMENT = "readings-accuracy"
SCRIPT = "readings_accuracy.py"
MARKER = "\u2581"  # wraps the target character in a CPP .sent line
TOP_ERRORS = 10
# Systems whose top errors are listed (on the development sets only).
ERROR_SYSTEMS = ("tongwen", "pypinyin")
# The peers' distributions, reported under the title (benchlib reports tongwen's and the
# conversion peers').
PEER_DISTS = ("pypinyin", "g2pM")
TONGWEN_ARGS = ("annotate", "--format", "tokens", "--tone", "numbers")

# Han characters: CJK Unified Ideographs (with extensions A to I), compatibility ideographs
# and their supplement, and 〇. Only used to blank peers' outputs for non-Han characters and
# to count Han characters; the scorer itself looks only at its target characters.
_HAN_RE = re.compile(
    "[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ee5f\U0002f800-\U0002fa1f\U00030000-\U000323af]"
)


def is_han(char: str) -> bool:
    return bool(_HAN_RE.fullmatch(char))


def count_han(text: str) -> int:
    return len(_HAN_RE.findall(text))


# --------------------------------------------------------------------------------------------
# Sets


@dataclass(frozen=True)
class ReadingSet:
    name: str
    title: str
    source: str  # where it comes from, as the report names it
    note: str
    dev: bool  # a development set: its errors are listed


SETS: tuple[ReadingSet, ...] = (
    ReadingSet(
        "cpp_dev",
        "CPP dev",
        "../shared/data/cpp/dev.{sent,lb}",
        "CPP (Chinese Polyphones with Pinyin, the g2pM paper's data set): Wikipedia sentences, "
        "one polyphonic target character each. **Development set**: tongwen is developed "
        "against it, and g2pM was trained on CPP's train split with this split for model "
        "selection, so both figures may be optimistic; CPP's test split is held back outside "
        "the project.",
        True,
    ),
    ReadingSet(
        "g2pl_dev",
        "g2pL dev",
        "../shared/data/readings/g2pl/dev.jsonl",
        "g2pL (ICASSP 2023): web text, 114 hard characters, about 100 sentences each, minority "
        "readings over-sampled (行 xing2 400 / hang2 100); sentences also in CPP dev/test "
        "removed. Its labels agree with pypinyin 0.55 on 92.9% of targets (`SOURCE.md`).",
        True,
    ),
    ReadingSet(
        "g2pl_test",
        "g2pL test",
        "../shared/data/readings/g2pl/test.jsonl",
        "The g2pL test split, same construction as its dev split: a check, not for tuning "
        "(no errors listed).",
        False,
    ),
    ReadingSet(
        "everyday",
        "everyday",
        "tests/cases/everyday_readings.tsv",
        "Short everyday Simplified sentences written by hand before any model tuning, three "
        "or more per common reading of 60 polyphones (issue 4). Not used to train or tune; "
        "its failures were looked at while designing features (the bias split by the "
        "word's reading).",
        True,
    ),
    ReadingSet(
        "everyday_t",
        "everyday (Traditional)",
        "tests/cases/everyday_readings.tsv",
        "The same sentences converted with `tongwen.convert(s, to=\"t\")`: Traditional "
        "input must read like its Simplified twin.",
        False,
    ),
)
EVERYDAY = Path(__file__).resolve().parents[2] / "tests" / "cases" / "everyday_readings.tsv"
CV_SET = "cpp_dev"


def to_cpp_line(text: str, target: int) -> str:
    """``text`` with the character at ``target`` wrapped in ▁ markers (a CPP .sent line)."""
    if not 0 <= target < len(text):
        raise benchlib.BenchError(f"target {target} outside a sentence of {len(text)} characters")
    if MARKER in text or "\n" in text or "\r" in text:
        raise benchlib.BenchError(f"a sentence holds a marker or a line break: {text!r}")
    return text[:target] + MARKER + text[target] + MARKER + text[target + 1 :]


def g2pl_to_cpp(records: Iterable[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """g2pL records -> (CPP .sent lines, .lb lines), in order.

    A record is ``{"text", "pinyin": [None, ..., "hang2", ...], "target": i}``: ``pinyin`` has
    one entry per character of ``text``, null except at ``target``.
    """
    sent: list[str] = []
    lb: list[str] = []
    for k, record in enumerate(records, 1):
        text, labels, target = record["text"], record["pinyin"], record["target"]
        if len(labels) != len(text):
            raise benchlib.BenchError(
                f"record {k}: {len(labels)} labels for {len(text)} characters"
            )
        label = labels[target] if 0 <= target < len(labels) else None
        if not label or not label.strip() or any(c.isspace() for c in label.strip()):
            raise benchlib.BenchError(f"record {k}: no single reading at target {target}")
        sent.append(to_cpp_line(text, target))
        lb.append(label.strip())
    return sent, lb


def write_g2pl_as_cpp(jsonl: Path, out_dir: Path, name: str) -> tuple[Path, Path]:
    """Rewrite a g2pL .jsonl split as ``out_dir/name.sent`` and ``out_dir/name.lb``."""
    with jsonl.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    sent, lb = g2pl_to_cpp(records)
    out_dir.mkdir(parents=True, exist_ok=True)
    sent_path, lb_path = out_dir / f"{name}.sent", out_dir / f"{name}.lb"
    sent_path.write_text("".join(line + "\n" for line in sent), encoding="utf-8")
    lb_path.write_text("".join(line + "\n" for line in lb), encoding="utf-8")
    return sent_path, lb_path


def set_files(reading_set: ReadingSet, shared: Path, out_dir: Path) -> tuple[Path, Path]:
    """The set's gold (.sent, .lb) files, converting g2pL's jsonl first."""
    if reading_set.name.startswith("everyday"):
        return write_everyday(out_dir, reading_set.name, reading_set.name.endswith("_t"))
    if reading_set.name == "cpp_dev":
        return shared / "data" / "cpp" / "dev.sent", shared / "data" / "cpp" / "dev.lb"
    split = reading_set.name.split("_", 1)[1]
    return write_g2pl_as_cpp(
        shared / "data" / "readings" / "g2pl" / f"{split}.jsonl", out_dir, reading_set.name
    )


def write_everyday(out_dir: Path, name: str, traditional: bool) -> tuple[Path, Path]:
    """The everyday case file as ``out_dir/name.{sent,lb}`` (Traditional twins if asked)."""
    import tongwen

    sent: list[str] = []
    lb: list[str] = []
    for line in EVERYDAY.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        _, reading, marked = line.split("\t")
        text = marked.replace("[", "").replace("]", "")
        if traditional:
            text = tongwen.convert(text, to="t")
        sent.append(to_cpp_line(text, marked.index("[")))
        lb.append(reading)
    out_dir.mkdir(parents=True, exist_ok=True)
    sent_path, lb_path = out_dir / f"{name}.sent", out_dir / f"{name}.lb"
    sent_path.write_text("".join(line + "\n" for line in sent), encoding="utf-8")
    lb_path.write_text("".join(line + "\n" for line in lb), encoding="utf-8")
    return sent_path, lb_path


# --------------------------------------------------------------------------------------------
# Cross-validation of tongwen's model on CPP dev

Cases = list[tuple[bool | None, str | None]]


@dataclass
class CrossValidation:
    """Per-fold scores, and the pooled score and cases in CPP dev line order."""

    folds: list[dict[str, Any]]
    fold_of_line: list[int]
    pooled: dict[str, Any]
    cases: Cases
    seconds: float


def annotate_with(model: Any, plain: Path, pred: Path) -> None:
    """PRED.jsonl for ``plain`` from an in-process Annotator using ``model`` (as the CLI
    would with the shipped one: the model, then neighbours' votes)."""
    from tongwen.readings.annotator import Annotator
    from tongwen.readings.disambiguate import Chain, NeighbourVotes

    annotator = Annotator(tone="numbers", disambiguator=Chain(model, NeighbourVotes(model.lexicon)))
    lines = plain.read_text(encoding="utf-8").split("\n")[:-1]
    with pred.open("w", encoding="utf-8") as f:
        for text in lines:
            tokens = [
                {"char": t.char, "reading": t.reading, "source": t.source}
                for t in annotator.tokens(text)
            ]
            f.write(json.dumps({"text": text, "tokens": tokens}, ensure_ascii=False) + "\n")


def cross_validate(scorer: ModuleType, shared: Path, out_dir: Path) -> CrossValidation:
    """5-fold CV of tongwen's model on CPP dev, each fold scored by ``scorer.score``."""
    import train_polyphone as tp

    from tongwen.readings.lexicon import load_lexicon

    t0 = time.perf_counter()
    lexicon = load_lexicon()
    settings = tp.Settings()
    others, per_fold = tp.encode_sources(shared, lexicon, settings.bits)
    fold_of_line = tp.read_folds()
    sent_lines = (shared / "data" / "cpp" / "dev.sent").read_text(encoding="utf-8").split("\n")
    lb_lines = (shared / "data" / "cpp" / "dev.lb").read_text(encoding="utf-8").split()
    folds: list[dict[str, Any]] = []
    by_line: dict[int, tuple[bool | None, str | None]] = {}
    errors: Counter[str] = Counter()
    for k in range(tp.N_FOLDS):
        lines = [n for n, f in enumerate(fold_of_line) if f == k]
        sent, lb = out_dir / f"cpp_cv_fold{k}.sent", out_dir / f"cpp_cv_fold{k}.lb"
        sent.write_text("".join(sent_lines[n] + "\n" for n in lines), encoding="utf-8")
        lb.write_text("".join(lb_lines[n] + "\n" for n in lines), encoding="utf-8")
        plain = out_dir / f"cpp_cv_fold{k}.txt"
        plain.write_text("".join(t + "\n" for t, _ in scorer.targets(str(sent))), "utf-8")
        model, _ = tp.train_encoded(shared, others, per_fold, k, settings, lexicon)
        pred = out_dir / f"cpp_cv_fold{k}.tongwen.jsonl"
        annotate_with(model, plain, pred)
        score = scorer.score(str(sent), str(lb), str(pred))
        folds.append(score)
        errors.update(dict(score["top_errors"]))
        by_line.update(zip(lines, per_case(scorer, sent, lb, read_preds(pred)), strict=True))
        print(f"cpp_dev CV fold {k}: {benchlib.pct(score['accuracy'])}", file=sys.stderr)
    cases = [by_line[n] for n in range(len(fold_of_line))]
    pooled = {
        "cases": len(cases),
        "accuracy": sum(ok is True for ok, _ in cases) / max(1, len(cases)),
        "misaligned": sum(ok is None for ok, _ in cases),
        "top_errors": errors.most_common(20),
    }
    return CrossValidation(folds, fold_of_line, pooled, cases, time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# Aligning peers' outputs to one reading per character

Reading = str | None


def align_chunks(text: str, items: Sequence[Sequence[str]]) -> list[Reading]:
    """pypinyin's ``pinyin(text)`` output -> one reading per character of ``text``.

    With its default ``errors="default"``, pypinyin gives one item per Han character but ONE
    item for each run of characters it has no reading for (``"1990"``, ``"，"``, ``"ABC"``),
    holding that run as it is. An item that repeats the text at the current position is such a
    run: it becomes one None per character; any other item is the reading of one character. A
    reading never repeats the text it reads, since pypinyin reads only Han characters. If the
    items do not cover ``text`` exactly, the result has another length than ``text`` and the
    scorer counts the sentence as misaligned.
    """
    out: list[Reading] = []
    pos = 0
    for item in items:
        first = item[0] if item else ""
        if first and text.startswith(first, pos):
            out += [None] * len(first)
            pos += len(first)
        else:
            out.append(first or None)
            pos += 1
    return out


def blank_non_readings(text: str, items: Sequence[str]) -> list[Reading]:
    """g2pM's ``char_split=True`` output (one item per character) -> readings.

    g2pM echoes characters it cannot read (digits, punctuation, rare Han) and reads some Latin
    letters from CC-CEDICT ("B" -> "bi1"): both become None, as non-Han characters have no
    reading in tongwen's output either. A length mismatch is kept (the scorer counts it).
    """
    return [
        None if not item or item == char or not is_han(char) else item
        for char, item in zip(text, items, strict=False)
    ] + [item or None for item in items[len(text) :]]


def tokens_line(text: str, readings: Sequence[Reading]) -> str:
    """One line of a PRED.jsonl in the scorer's format."""
    tokens = [
        {"char": text[i] if i < len(text) else "", "reading": r} for i, r in enumerate(readings)
    ]
    return json.dumps({"text": text, "tokens": tokens}, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Systems: each writes PRED.jsonl for a file of plain sentences


@dataclass
class ReadingSystem:
    name: str
    how: str  # the call, as shown in the fragment
    annotate: Callable[[Path, Path], None]  # (plain sentences file, PRED.jsonl to write)


def _python_system(name: str, how: str, read: Callable[[str], list[Reading]]) -> ReadingSystem:
    def annotate(plain: Path, pred: Path) -> None:
        lines = plain.read_text(encoding="utf-8").split("\n")[:-1]
        with pred.open("w", encoding="utf-8") as f:
            for text in lines:
                f.write(tokens_line(text, read(text)) + "\n")

    return ReadingSystem(name, how, annotate)


def tongwen_executable() -> str:
    """The ``tongwen`` console script of this interpreter's environment (else on PATH)."""
    beside = Path(sys.executable).with_name("tongwen")
    if beside.is_file():
        return str(beside)
    found = shutil.which("tongwen")
    if found is None:
        raise benchlib.BenchError("no tongwen executable (pip install -e . first)")
    return found


def _load_tongwen() -> ReadingSystem:
    exe = tongwen_executable()
    probe = subprocess.run(
        [exe, *TONGWEN_ARGS, "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    if probe.returncode != 0:
        why = (probe.stderr or probe.stdout).strip().splitlines()
        raise benchlib.BenchError(
            f"`tongwen {' '.join(TONGWEN_ARGS)}` is not available: {why[-1] if why else '?'}"
        )

    def annotate(plain: Path, pred: Path) -> None:
        with pred.open("w", encoding="utf-8") as out:
            proc = subprocess.run(
                [exe, *TONGWEN_ARGS, str(plain)],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        if proc.returncode != 0:
            last = proc.stderr.strip().splitlines() or ["no message"]
            raise benchlib.BenchError(f"tongwen annotate exited {proc.returncode}: {last[-1]}")

    return ReadingSystem("tongwen", f"`tongwen {' '.join(TONGWEN_ARGS)} FILE` (the CLI)", annotate)


def _load_pypinyin() -> ReadingSystem:
    from pypinyin import pinyin

    def read(text: str) -> list[Reading]:
        return align_chunks(text, pinyin(text))

    return _python_system("pypinyin", "`pypinyin.pinyin(text)` (defaults)", read)


def _load_g2pm() -> ReadingSystem:
    from g2pM import G2pM

    model = G2pM()

    def read(text: str) -> list[Reading]:
        return blank_non_readings(text, model(text, tone=True, char_split=True))

    return _python_system(
        "g2pM", "`G2pM()(text, tone=True, char_split=True)`, one call per sentence", read
    )


LOADERS: dict[str, Callable[[], ReadingSystem]] = {
    "tongwen": _load_tongwen,
    "pypinyin": _load_pypinyin,
    "g2pM": _load_g2pm,
}


def load_systems(
    names: Iterable[str] = tuple(LOADERS),
) -> tuple[list[ReadingSystem], dict[str, str]]:
    """The reading systems that load, and for the others why not (name -> reason)."""
    return benchlib.load_each(LOADERS, names)


# --------------------------------------------------------------------------------------------
# Scoring


def read_preds(pred: Path) -> list[dict[str, Any]]:
    with pred.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def per_case(
    scorer: ModuleType, sent: Path, lb: Path, preds: Sequence[dict[str, Any]]
) -> list[tuple[bool | None, str | None]]:
    """For each case: right (True/False, None when misaligned) and the target token's source.

    The scorer's own rule (its ``targets`` and ``normalise``), case by case, for breakdowns
    that ``score()`` does not give; :func:`main` checks that the totals agree with it.
    """
    gold = [scorer.normalise(x) for x in lb.read_text(encoding="utf-8").split()]
    out: list[tuple[bool | None, str | None]] = []
    for (text, index), want, pred in zip(scorer.targets(str(sent)), gold, preds, strict=True):
        tokens = pred["tokens"]
        if len(tokens) != len(text) or tokens[index]["char"] != text[index]:
            out.append((None, None))
            continue
        token = tokens[index]
        out.append((scorer.normalise(token.get("reading")) == want, token.get("source")))
    return out


def by_source(cases: Sequence[tuple[bool | None, str | None]]) -> list[tuple[str, int, int]]:
    """(source, targets, right) for the aligned cases, most frequent source first."""
    n: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for ok, source in cases:
        if ok is None:
            continue
        key = source if source is not None else "(none)"
        n[key] += 1
        right[key] += bool(ok)
    return [(s, k, right[s]) for s, k in n.most_common()]


def head_to_head(
    a: Sequence[tuple[bool | None, str | None]], b: Sequence[tuple[bool | None, str | None]]
) -> Counter[str]:
    """Cases right for both, for a only, for b only, for neither (misaligned = wrong)."""
    kinds = {
        (True, True): "both",
        (True, False): "a",
        (False, True): "b",
        (False, False): "neither",
    }
    counts: Counter[str] = Counter()
    for (ok_a, _), (ok_b, _) in zip(a, b, strict=True):
        counts[kinds[bool(ok_a), bool(ok_b)]] += 1
    return counts


# --------------------------------------------------------------------------------------------
# Writing


def render(
    *,
    meta: dict[str, str],
    command: str,
    peer_versions: dict[str, str],
    systems: Sequence[ReadingSystem],
    missing: dict[str, str],
    set_sizes: dict[str, int],
    scores: dict[tuple[str, str], dict[str, Any]],
    cases: dict[tuple[str, str], list[tuple[bool | None, str | None]]],
    elapsed: float,
    cv: CrossValidation | None = None,
) -> str:
    out = [
        *benchlib.fragment_head("Readings accuracy", meta, peer_versions),
        benchlib.command_intro(command, elapsed)
        + "Each set has one polyphonic target character per sentence with its "
        "gold reading. Every system annotates the plain sentences (markers removed; "
        "`bench-out/readings/<set>.txt`) and writes one JSON line per sentence with one token "
        "per character (`bench-out/readings/<set>.<system>.jsonl`); "
        "`../shared/tools/score_readings.py` scores them (its `score()` is called directly): "
        "*accuracy* = targets whose reading equals the gold one, tone included (tone marks and "
        "numbers both normalised; neutral tone = 5), over all cases, so a *misaligned* sentence "
        "(token count ≠ character count, or another character at the target) counts as wrong. "
        "g2pL's jsonl is rewritten in CPP's .sent/.lb format first (`bench-out/readings/`).",
        "",
        "How each system is called: "
        + "; ".join(f"{s.name}: {s.how}" for s in systems)
        + ". pypinyin groups runs of characters it cannot read into one item; they are spread "
        "back to one empty reading per character (all its sentences align). g2pM's echoes of "
        "characters it cannot read, and its readings of non-Han characters, become empty "
        "readings; the scorer reads only Han targets.",
    ]
    out += benchlib.not_measured(missing)
    rows: list[list[object]] = []
    for reading_set in SETS:
        for system in systems:
            s = scores.get((reading_set.name, system.name))
            if s is None:
                continue
            rows.append(
                [
                    "tongwen (5-fold CV)"
                    if cv is not None and (reading_set.name, system.name) == (CV_SET, "tongwen")
                    else system.name,
                    reading_set.title,
                    f"{s['cases']:,}",
                    benchlib.pct(s["accuracy"]),
                    f"{s['misaligned']:,}",
                ]
            )
    out += [
        "",
        "### Accuracy",
        "",
        f"Command: `{command}`.",
        "",
        benchlib.md_table(["system", "set", "cases", "accuracy", "misaligned"], rows, "llrrr"),
        "",
    ]
    if cv is not None:
        out += cv_section(cv, cases, command)
    for reading_set in SETS:
        if reading_set.name in set_sizes:
            out.append(
                f"- {reading_set.title} (`{reading_set.source}`, "
                f"{set_sizes[reading_set.name]:,} sentences): {reading_set.note}"
            )
    duel_lines = []
    for reading_set in SETS:
        a = cases.get((reading_set.name, "tongwen"))
        b = cases.get((reading_set.name, "pypinyin"))
        if a is None or b is None:
            continue
        c = head_to_head(a, b)
        duel_lines.append(
            f"- {reading_set.title}: both right {c['both']:,}, tongwen only {c['a']:,}, "
            f"pypinyin only {c['b']:,}, neither {c['neither']:,}."
        )
    if duel_lines:
        out += ["", "tongwen vs pypinyin, case by case (misaligned = wrong):", "", *duel_lines]

    source_rows: list[list[object]] = []
    for reading_set in SETS:
        tw = cases.get((reading_set.name, "tongwen"))
        if tw is None:
            continue
        aligned = sum(ok is not None for ok, _ in tw)
        for source, n, right in by_source(tw):
            source_rows.append(
                [
                    reading_set.title,
                    source,
                    f"{n:,}",
                    benchlib.pct(n / max(1, aligned)),
                    benchlib.pct(right / max(1, n)),
                ]
            )
    if source_rows:
        out += [
            "",
            "### tongwen: where the target's reading came from",
            "",
            "The `source` field of tongwen's token at each target (aligned cases only): share of "
            "the targets, and accuracy within that source. Command: "
            f"`{command}`.",
            "",
            benchlib.md_table(
                ["set", "source", "targets", "share", "accuracy"], source_rows, "llrrr"
            ),
        ]

    for reading_set in SETS:
        if not reading_set.dev:
            continue
        columns = [
            (name, scores[(reading_set.name, name)]["top_errors"][:TOP_ERRORS])
            for name in ERROR_SYSTEMS
            if (reading_set.name, name) in scores
        ]
        if not columns:
            continue
        out += [
            "",
            f"### Top errors, {reading_set.title}",
            "",
            f"`score()`'s `top_errors` (first {TOP_ERRORS}): character, gold reading -> "
            "the system's reading, count. Command: "
            f"`{command}`.",
            "",
            benchlib.ranked_columns_table(columns, "char gold->got"),
        ]
    return "\n".join(out)


def fold_accuracy(detail: Cases, fold_of_line: Sequence[int], k: int) -> float:
    """Accuracy over the cases of fold ``k`` (misaligned = wrong)."""
    picked = [ok for (ok, _), f in zip(detail, fold_of_line, strict=True) if f == k]
    return sum(ok is True for ok in picked) / max(1, len(picked))


def cv_section(
    cv: CrossValidation, cases: dict[tuple[str, str], Cases], command: str
) -> list[str]:
    """The cross-validation table: each fold and the mean, peers on the same folds."""
    peers = [name for name in ("pypinyin", "g2pM") if (CV_SET, name) in cases]
    rows: list[list[object]] = []
    for k, score in enumerate(cv.folds):
        rows.append(
            [f"fold {k}", f"{score['cases']:,}", benchlib.pct(score["accuracy"])]
            + [benchlib.pct(fold_accuracy(cases[(CV_SET, p)], cv.fold_of_line, k)) for p in peers]
        )
    mean = sum(s["accuracy"] for s in cv.folds) / len(cv.folds)
    peer_means = [
        sum(fold_accuracy(cases[(CV_SET, p)], cv.fold_of_line, k) for k in range(len(cv.folds)))
        / len(cv.folds)
        for p in peers
    ]
    rows.append(
        ["**mean of folds**", f"{cv.pooled['cases']:,}", f"**{benchlib.pct(mean)}**"]
        + [benchlib.pct(m) for m in peer_means]
    )
    return [
        "",
        "### tongwen's model, 5-fold cross-validation on CPP dev",
        "",
        "Folds: `data/eval/cpp_dev_folds.tsv` (a hash of each sentence). For each fold, "
        "`tools/train_polyphone.py`'s code trains the model in-process on the other four folds "
        "plus g2pL train, the recovered CPP train fragment and THCHS-30 (hyper-parameters "
        "fixed beforehand on g2pL dev and an inner split; the character-group features, "
        "the groups of the neighbours either side at 64 and 256 groups, were chosen among "
        "eleven variants on g2pL dev, but this cross-validation was also run for four of "
        "them, so it is not entirely unseen), and an Annotator with it "
        "annotates the fold; `score()` scores each fold. The peers' columns are their "
        "CPP dev predictions restricted to the same folds (g2pM was trained on CPP train with "
        "this split for model selection). The table's tongwen row for CPP dev pools the "
        f"folds. Training and scoring took {cv.seconds:.0f} s. Command: `{command}`.",
        "",
        benchlib.md_table(["fold", "cases", "tongwen", *peers], rows, "lrr" + "r" * len(peers)),
        "",
    ]


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args, command = benchlib.parse_area_args(parser, SCRIPT, argv)
    shared = benchlib.require_shared()
    scorer = benchlib.load_readings_scorer(shared)
    out_dir = benchlib.OUT_DIR / "readings"
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = benchlib.run_metadata()
    peer_versions = benchlib.versions(PEER_DISTS)
    t_start = time.perf_counter()
    systems, missing = load_systems()
    benchlib.warn_missing(missing)

    set_sizes: dict[str, int] = {}
    scores: dict[tuple[str, str], dict[str, Any]] = {}
    cases: dict[tuple[str, str], list[tuple[bool | None, str | None]]] = {}
    for reading_set in SETS:
        sent, lb = set_files(reading_set, shared, out_dir)
        plain_lines = [text for text, _ in scorer.targets(str(sent))]
        set_sizes[reading_set.name] = len(plain_lines)
        plain = out_dir / f"{reading_set.name}.txt"
        plain.write_text("".join(line + "\n" for line in plain_lines), encoding="utf-8")
        for system in systems:
            if (reading_set.name, system.name) == (CV_SET, "tongwen"):
                continue  # the shipped model was trained on it: cross-validated below
            pred = out_dir / f"{reading_set.name}.{system.name}.jsonl"
            t0 = time.perf_counter()
            try:
                system.annotate(plain, pred)
                s = scorer.score(str(sent), str(lb), str(pred))
            except (Exception, SystemExit) as exc:  # the scorer exits on count mismatches
                why = f"{type(exc).__name__}: {exc}"
                missing[f"{system.name} on {reading_set.title}"] = why
                print(f"error: {system.name} {reading_set.name}: {why}", file=sys.stderr)
                continue
            elapsed = time.perf_counter() - t0
            detail = per_case(scorer, sent, lb, read_preds(pred))
            right = sum(ok is True for ok, _ in detail)
            if right != round(s["accuracy"] * s["cases"]) or s["misaligned"] != sum(
                ok is None for ok, _ in detail
            ):
                raise benchlib.BenchError(
                    f"{system.name} {reading_set.name}: case-by-case counts disagree with score()"
                )
            scores[(reading_set.name, system.name)] = s
            cases[(reading_set.name, system.name)] = detail
            print(
                f"{reading_set.name:9} {system.name:9} accuracy {benchlib.pct(s['accuracy'])}"
                f" misaligned {s['misaligned']} ({elapsed:.1f}s)",
                file=sys.stderr,
            )
    cv = None
    if any(system.name == "tongwen" for system in systems):
        cv = cross_validate(scorer, shared, out_dir)
        scores[(CV_SET, "tongwen")] = cv.pooled
        cases[(CV_SET, "tongwen")] = cv.cases
    (out_dir / "scores.json").write_text(
        json.dumps(
            {f"{n}.{sysname}": s for (n, sysname), s in scores.items()},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    elapsed = time.perf_counter() - t_start
    text = render(
        meta=meta,
        command=command,
        peer_versions=peer_versions,
        systems=systems,
        missing=missing,
        set_sizes=set_sizes,
        scores=scores,
        cases=cases,
        elapsed=elapsed,
        cv=cv,
    )
    benchlib.publish_fragment(FRAGMENT, text, args.no_write, elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
