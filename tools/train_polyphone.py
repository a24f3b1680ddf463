"""Train the polyphone model (src/tongwen/readings/model.py) into src/tongwen/data/models/.

    .venv/bin/python tools/train_polyphone.py                 train on everything shippable
    .venv/bin/python tools/train_polyphone.py --write-folds   (re)write data/eval/cpp_dev_folds.tsv
    .venv/bin/python tools/train_polyphone.py --holdout-fold 2 --no-write   one CV fold, scored

Training data, all from ../shared/data and marked ship: yes there: the g2pL train split (one
target a sentence), the recovered part of CPP's train split, the THCHS-30 prompts (every
character labelled; ``pinyin_clean``, dictionary tones) and the CPP dev split (the folds of
data/eval/cpp_dev_folds.tsv; a cross-validation run leaves one out). g2pL dev is only for model
selection; AISHELL-3 (train only: whether weights from it may ship is unclear) is left out.

The features read the character groups of src/tongwen/data/models/char_groups.tsv (built by
tools/build_char_groups.py from unlabelled text; its hash is recorded, and the model is refused
with another table): rebuild the groups first, then retrain. The group features (the groups of
the characters either side of the target, at two levels, 64 and 256 groups: chosen on g2pL dev
over one level of 32, 64, 128 or 256 groups, 64 with 32, wider windows and mixed
character-group pairs) were added with the other hyper-parameters left as they were (L2 0.15
and 0.3 were no better on g2pL dev).

The model is multinomial logistic regression over each target's candidate readings, with L2
regularisation, fitted by full-batch L-BFGS in numpy: deterministic (no random state), same
weights on every machine up to floating-point summation order. The weights file is written
with its provenance (sources with sha256, hyper-parameters, counts) beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tongwen.readings.features import N_PRIOR  # noqa: E402
from tongwen.readings.groups import GROUPS_FILE, groups_sha256, load_groups  # noqa: E402
from tongwen.readings.lexicon import ReadingLexicon, load_lexicon  # noqa: E402
from tongwen.readings.model import (  # noqa: E402
    FEATURE_VERSION,
    MODEL_FILE,
    PROVENANCE_FILE,
    Item,
    PolyphoneModel,
    model_from_arrays,
    text_features,
    trained_chars,
)
from tongwen.readings.words import fmm, word_index  # noqa: E402

SHARED = ROOT.parent / "shared"
FOLDS = ROOT / "data" / "eval" / "cpp_dev_folds.tsv"
OUT = ROOT / "src" / "tongwen" / "data" / "models"
MARKER = "\u2581"
N_FOLDS = 5
# Hyper-parameters, chosen on g2pL dev (see docs/benchmarks/readings-accuracy.md); never on
# the cross-validation or test numbers. Re-chosen for feature version 2 (numeric hashing):
# bits 21 (22, 23 no better), L2 0.2 (of 0.2/0.3/0.5; prior scale 0.01/0.03/0.1), override 0.5
# (0.55..0.7 worse).
BITS = 21
L2 = 0.2
PRIOR_SCALE = 0.03
ITERATIONS = 150
OVERRIDE = 0.5
#: The model re-reads a lexicon word's reading of a character only if the training data has at
#: least this many targets of that character that a word read wrong (elsewhere the lexicon is
#: taken as it is: fewer targets to read, the same accuracy on g2pL dev).
REVISE_MIN = 1
SOURCES = {
    "g2pl_train": "data/readings/g2pl/train.jsonl",
    "cpp_train_partial": "data/readings/cpp_train_partial/train_partial.jsonl",
    "thchs30_train": "data/readings/thchs30/train.jsonl",
    "thchs30_cv": "data/readings/thchs30/cv.jsonl",
    "thchs30_test": "data/readings/thchs30/test.jsonl",
    "cpp_dev": "data/cpp/dev.sent",
}

#: A labelled sentence: its text and gold readings by position.
Example = tuple[str, dict[int, str]]


def normalise(reading: str) -> str:
    """'lu:4' / 'LV4' / 'le0' -> 'lv4' / 'lv4' / 'le5' (the lexicon's spelling)."""
    r = reading.strip().lower().replace("u:", "v").replace("ü", "v")
    return r[:-1] + "5" if r.endswith("0") else r


def read_jsonl(path: Path, field: str = "pinyin") -> list[Example]:
    """Examples from a jsonl file with ``text`` and one label (or null) per character; for
    fully labelled files ``field`` names the label list (``pinyin_clean``)."""
    examples = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            labels = record.get(field) or record["pinyin"]
            gold = {i: normalise(r) for i, r in enumerate(labels) if r}
            examples.append((record["text"], gold))
    return examples


def read_cpp(sent: Path) -> list[Example]:
    """CPP .sent/.lb pairs as examples, one target each, in line order."""
    lb = sent.with_suffix(".lb").read_text(encoding="utf-8").split()
    lines = sent.read_text(encoding="utf-8").split("\n")[:-1]
    if len(lines) != len(lb):
        raise SystemExit(f"{sent}: {len(lines)} sentences, {len(lb)} labels")
    return [
        (line.replace(MARKER, ""), {line.index(MARKER): normalise(r)})
        for line, r in zip(lines, lb, strict=True)
    ]


def fold_of(sentence: str) -> int:
    """The fold of a CPP dev sentence (markers removed): a hash of its text, so duplicates
    share a fold."""
    return int(hashlib.sha256(sentence.encode("utf-8")).hexdigest(), 16) % N_FOLDS


def write_folds(shared: Path, path: Path = FOLDS) -> None:
    """data/eval/cpp_dev_folds.tsv: line number of CPP dev -> fold, with provenance."""
    sent = shared / SOURCES["cpp_dev"]
    lines = sent.read_text(encoding="utf-8").split("\n")[:-1]
    head = [
        "# CPP dev fold assignment for 5-fold cross-validation (issue 4); written by",
        "# tools/train_polyphone.py --write-folds, never edit by hand.",
        f"# set: ../shared/{SOURCES['cpp_dev']} ({len(lines)} lines, sha256 {sha256(sent)})",
        "# rule: fold = int(sha256(plain sentence, markers removed, UTF-8).hexdigest(), 16) % 5,",
        "#   so a sentence that occurs twice (two targets) lands in one fold.",
        "# format: line<TAB>fold (line numbers from 1)",
    ]
    body = [f"{k}\t{fold_of(line.replace(MARKER, ''))}" for k, line in enumerate(lines, 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(head + body) + "\n", encoding="utf-8")


def read_folds(path: Path = FOLDS) -> list[int]:
    """The committed fold of each CPP dev line, in line order."""
    rows = [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    if [int(k) for k, _ in rows] != list(range(1, len(rows) + 1)):
        raise SystemExit(f"{path}: line numbers are not 1..{len(rows)}")
    return [int(f) for _, f in rows]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_sources(shared: Path) -> dict[str, list[Example]]:
    """Every training source by name (CPP dev in line order)."""
    out = {}
    for name, rel in SOURCES.items():
        path = shared / rel
        if name == "cpp_dev":
            out[name] = read_cpp(path)
        else:
            field = "pinyin_clean" if name.startswith("thchs30") else "pinyin"
            out[name] = read_jsonl(path, field)
    return out


# --------------------------------------------------------------------------------------------
# Encoding: the same feature slots the model computes at run time


@dataclass
class Encoded:
    """Targets with their candidates' feature slots, flattened: ``slots`` (one per feature),
    ``prior`` (whether the feature is a bias or agreement feature, regularised less),
    ``pair`` (the candidate each slot belongs to), ``query_start`` (first candidate of each
    target), ``gold`` (the gold candidate of each target), ``chars`` (each target's char)."""

    slots: np.ndarray
    prior: np.ndarray
    pair: np.ndarray
    query_start: np.ndarray
    gold: np.ndarray
    chars: list[str]
    #: The character of each target a lexicon word read wrong (a candidate, not the gold one).
    word_errors: list[str]

    @property
    def n_pairs(self) -> int:
        return int(self.pair.max()) + 1 if len(self.pair) else 0


def fmm_readings(text: str, lexicon: ReadingLexicon) -> dict[int, tuple[str, int]]:
    """Position -> (reading, word length) from forward maximum matching over the lexicon, as
    ``assign`` reads a text without user words."""
    words = word_index(lexicon)
    out = {}
    for pid, start, end in fmm(words.matches(text)):
        for offset, reading in enumerate(words.readings[pid]):
            out[start + offset] = (reading, end - start)
    return out


def encode(examples: Iterable[Example], lexicon: ReadingLexicon, bits: int) -> Encoded:
    """Every gold label on a polyphonic character whose candidates hold it, encoded with
    ``text_features`` (the model's own feature function)."""
    words = word_index(lexicon)
    groups = load_groups()
    off = 1 << bits
    slots: list[np.ndarray] = []
    prior: list[np.ndarray] = []
    pair: list[np.ndarray] = []
    query_start: list[np.ndarray] = []
    gold: list[int] = []
    chars: list[str] = []
    word_errors: list[str] = []
    n_pairs = 0
    for text, labels in examples:
        segmented = fmm_readings(text, lexicon)
        items: list[Item] = []
        for i, reading in sorted(labels.items()):
            candidates = lexicon.chars.get(text[i], ())
            if len(candidates) < 2 or reading not in candidates:
                continue
            word = segmented.get(i)
            items.append((i, candidates, word))
            chars.append(text[i])
            if word is not None and word[0] in candidates and word[0] != reading:
                word_errors.append(text[i])
            gold.append(candidates.index(reading))
        if not items:
            continue
        feats = text_features(text, items, words, bits, groups)
        active = feats.dense != off
        rows = np.broadcast_to(np.arange(len(feats.dense))[:, None], feats.dense.shape)
        columns = np.broadcast_to(np.arange(feats.dense.shape[1]), feats.dense.shape)
        slots += [feats.dense[active], feats.cover_slot]
        prior += [columns[active] < N_PRIOR, np.zeros(len(feats.cover_slot), bool)]
        pair += [rows[active] + n_pairs, feats.cover_row + n_pairs]
        starts = np.flatnonzero(feats.row_cand == 0)
        query_start.append(starts + n_pairs)
        n_pairs += len(feats.dense)
    starts_all = np.concatenate(query_start) if query_start else np.zeros(0, np.int64)
    return Encoded(
        np.concatenate(slots).astype(np.int64) if slots else np.zeros(0, np.int64),
        np.concatenate(prior) if prior else np.zeros(0, bool),
        np.concatenate(pair).astype(np.int64) if pair else np.zeros(0, np.int64),
        starts_all,
        starts_all + np.asarray(gold, dtype=np.int64),
        chars,
        word_errors,
    )


def concat(parts: Sequence[Encoded]) -> Encoded:
    """Several encodings as one (pair numbers shifted)."""
    offsets = np.cumsum([0] + [p.n_pairs for p in parts[:-1]])
    return Encoded(
        np.concatenate([p.slots for p in parts]),
        np.concatenate([p.prior for p in parts]),
        np.concatenate([p.pair + o for p, o in zip(parts, offsets, strict=True)]),
        np.concatenate([p.query_start + o for p, o in zip(parts, offsets, strict=True)]),
        np.concatenate([p.gold + o for p, o in zip(parts, offsets, strict=True)]),
        [c for p in parts for c in p.chars],
        [c for p in parts for c in p.word_errors],
    )


# --------------------------------------------------------------------------------------------
# Fitting


@dataclass(frozen=True)
class Settings:
    bits: int = BITS
    l2: float = L2
    prior_scale: float = PRIOR_SCALE
    iterations: int = ITERATIONS
    override: float = OVERRIDE
    revise_min: int = REVISE_MIN


def objective(
    data: Encoded, inverse: np.ndarray, l2: np.ndarray
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """Negative log-likelihood plus sum(``l2`` w^2)/2 and its gradient, over the distinct
    slots (``inverse`` maps each feature of ``data`` to its distinct slot, ``l2`` is per
    distinct slot)."""
    n_pairs = data.n_pairs
    query_of_pair = np.repeat(
        np.arange(len(data.query_start)), np.diff(np.append(data.query_start, n_pairs))
    )

    def f(w: np.ndarray) -> tuple[float, np.ndarray]:
        scores = np.bincount(data.pair, weights=w[inverse], minlength=n_pairs)
        top = np.maximum.reduceat(scores, data.query_start)
        e = np.exp(scores - top[query_of_pair])
        z = np.add.reduceat(e, data.query_start)
        p = e / z[query_of_pair]
        loss = float(-np.log(p[data.gold]).sum() + 0.5 * (l2 * w) @ w)
        d = p
        d[data.gold] -= 1.0
        grad = np.bincount(inverse, weights=d[data.pair], minlength=len(w)) + l2 * w
        return loss, grad

    return f


def lbfgs(
    f: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    iterations: int,
    memory: int = 10,
) -> np.ndarray:
    """Minimise ``f`` (value and gradient) by L-BFGS with a backtracking line search."""
    fx, g = f(x)
    history: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(iterations):
        q = g.copy()
        alphas = []
        for s, y, rho in reversed(history):
            a = rho * (s @ q)
            q -= a * y
            alphas.append(a)
        if history:
            s, y, _ = history[-1]
            q *= (s @ y) / (y @ y)
        else:
            q /= max(1.0, float(np.abs(g).max()))
        for (s, y, rho), a in zip(history, reversed(alphas), strict=True):
            q += s * (a - rho * (y @ q))
        step, slope = 1.0, float(g @ -q)
        while True:
            x_new = x - step * q
            f_new, g_new = f(x_new)
            if f_new <= fx + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        s, y = x_new - x, g_new - g
        if s @ y > 1e-10:
            history = [*history[-(memory - 1) :], (s, y, 1.0 / float(s @ y))]
        done = abs(fx - f_new) <= 1e-7 * max(1.0, abs(fx))
        x, fx, g = x_new, f_new, g_new
        if done:
            break
    return x


def fit(data: Encoded, settings: Settings) -> np.ndarray:
    """The weight table (float32, 2**bits slots) fitted on ``data``: L2 ``settings.l2`` on
    context features, ``settings.l2 * settings.prior_scale`` on bias and agreement ones (a
    character seen a dozen times should still move off the lexicon's default)."""
    distinct, inverse = np.unique(data.slots, return_inverse=True)
    l2 = np.full(len(distinct), settings.l2)
    l2[inverse[data.prior]] = settings.l2 * settings.prior_scale
    w = lbfgs(objective(data, inverse, l2), np.zeros(len(distinct)), settings.iterations)
    table = np.zeros(1 << settings.bits, dtype=np.float32)
    table[distinct] = w
    return table


def encode_sources(
    shared: Path, lexicon: ReadingLexicon, bits: int
) -> tuple[dict[str, Encoded], list[Encoded]]:
    """The encoded other sources by name, and the CPP dev targets encoded per fold."""
    sources = load_sources(shared)
    folds = read_folds()
    cpp = sources.pop("cpp_dev")
    if len(folds) != len(cpp):
        raise SystemExit(f"{FOLDS}: {len(folds)} folds for {len(cpp)} CPP dev sentences")
    others = {name: encode(examples, lexicon, bits) for name, examples in sources.items()}
    per_fold = [
        encode([ex for ex, k in zip(cpp, folds, strict=True) if k == fold], lexicon, bits)
        for fold in range(N_FOLDS)
    ]
    return others, per_fold


def train(
    shared: Path = SHARED,
    holdout: int | None = None,
    settings: Settings = Settings(),
    lexicon: ReadingLexicon | None = None,
) -> tuple[PolyphoneModel, dict[str, object]]:
    """A model trained on every source and the CPP dev folds except ``holdout``; with its
    provenance record."""
    lexicon = lexicon or load_lexicon()
    others, per_fold = encode_sources(shared, lexicon, settings.bits)
    return train_encoded(shared, others, per_fold, holdout, settings, lexicon)


def train_encoded(
    shared: Path,
    others: dict[str, Encoded],
    per_fold: Sequence[Encoded],
    holdout: int | None,
    settings: Settings,
    lexicon: ReadingLexicon,
) -> tuple[PolyphoneModel, dict[str, object]]:
    """``train`` on sources already encoded (``encode_sources``), to train several folds."""
    folds = [k for k in range(N_FOLDS) if k != holdout]
    data = concat([*others.values(), *(per_fold[k] for k in folds)])
    weights = fit(data, settings)
    errors = Counter(data.word_errors)
    revised = [c for c, n in errors.items() if n >= settings.revise_min]
    arrays = {
        "weights": weights,
        "trained": trained_chars(data.chars),
        "revised": trained_chars(revised),
    }
    counts = {name: len(e.gold) for name, e in others.items()}
    counts.update({f"cpp_dev_fold{k}": len(per_fold[k].gold) for k in folds})
    provenance = provenance_record(shared, settings, counts, holdout, arrays)
    model = model_from_arrays(arrays, lexicon, settings.override, load_groups())
    return model, provenance


def provenance_record(
    shared: Path,
    settings: Settings,
    counts: dict[str, int],
    holdout: int | None,
    arrays: dict[str, np.ndarray],
) -> dict[str, object]:
    return {
        "model": "tongwen polyphone model (log-linear, hashed features)",
        "built_by": "tools/train_polyphone.py",
        "feature_version": FEATURE_VERSION,
        "groups": f"src/tongwen/data/models/{GROUPS_FILE} (tools/build_char_groups.py)",
        "groups_sha256": groups_sha256(),
        "bits": settings.bits,
        "l2": settings.l2,
        "prior_scale": settings.prior_scale,
        "iterations": settings.iterations,
        "override": settings.override,
        "revise_min": settings.revise_min,
        "revised_chars": len(str(arrays["revised"].item())),
        "holdout_fold": holdout,
        "folds": f"data/eval/cpp_dev_folds.tsv (sha256 {sha256(FOLDS)})",
        "sources": {
            name: {"path": f"../shared/{rel}", "sha256": sha256(shared / rel)}
            for name, rel in SOURCES.items()
        },
        "targets": counts,
        "trained_chars": len(str(arrays["trained"].item())),
        "nonzero_weights": int(np.count_nonzero(arrays["weights"])),
        "license": "Apache-2.0 (g2pL, CPP, THCHS-30 data); see ../shared/data/README.md",
        "excluded": "AISHELL-3 (train only), g2pL dev/test, CPP test (held back)",
    }


def write_model(model: PolyphoneModel, provenance: dict[str, object], out: Path = OUT) -> None:
    """The weights (float16, uncompressed .npz) and the provenance JSON."""
    out.mkdir(parents=True, exist_ok=True)
    trained = trained_chars(model.trained)
    revised = trained_chars(model.revised or frozenset())
    np.savez(
        out / MODEL_FILE,
        weights=model.weights.astype(np.float16),
        trained=trained,
        revised=revised,
    )
    provenance = {**provenance, "weights_sha256": sha256(out / MODEL_FILE)}
    (out / PROVENANCE_FILE).write_text(
        json.dumps(provenance, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--write-folds", action="store_true")
    parser.add_argument("--holdout-fold", type=int, choices=range(N_FOLDS))
    parser.add_argument("--no-write", action="store_true", help="train, write nothing")
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--prior-scale", type=float, default=PRIOR_SCALE)
    parser.add_argument("--bits", type=int, default=BITS)
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    parser.add_argument("--revise-min", type=int, default=REVISE_MIN)
    args = parser.parse_args(argv)
    if args.write_folds:
        write_folds(args.shared)
        print(f"wrote {FOLDS.relative_to(ROOT)}", file=sys.stderr)
        return 0
    settings = Settings(
        args.bits, args.l2, args.prior_scale, args.iterations, revise_min=args.revise_min
    )
    model, provenance = train(args.shared, args.holdout_fold, settings)
    print(json.dumps(provenance["targets"]), file=sys.stderr)
    if not args.no_write:
        if args.holdout_fold is not None:
            raise SystemExit("a cross-validation model is never shipped (add --no-write)")
        write_model(model, provenance)
        print(f"wrote {OUT.relative_to(ROOT)}/{MODEL_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
