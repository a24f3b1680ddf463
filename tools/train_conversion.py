#!/usr/bin/env python3
"""Train the conversion context model (src/tongwen/data/models/conversion.{npz,json}).

    nice .venv/bin/python tools/train_conversion.py            # train, write the model
    nice .venv/bin/python tools/train_conversion.py --eval     # also print held-out accuracy

Data: the human-typed traditional corpora of ../shared/data/traditional (all marked ship: yes).
Each line gets its simplified twin from tongwen itself (tw2s / hk2s; lines whose length would
change are dropped), so every position where the s2t tables leave a choice (a simplified character
with several candidates that no phrase of STPhrases took) gives a (simplified context,
traditional character) pair; the label is the candidate that equals the traditional character up
to orthographic variants (TWVariants/HKVariants). Spoken and everyday sources are weighted up,
legal and gazette text down. Blocks of 100 consecutive lines (the nearest thing to documents
these files keep) are hashed into a held-out slice used only to pick the epoch count, the
margin and the rarity scale; the Hong Kong development split (data/eval/hk_dev_split.tsv) is
never read for training. sinica_tw is never read at all.

The model: per simplified character, a log-linear classifier over its candidates, on hashed
features (tongwen.conversion.context.features), shared weights plus Hong Kong weights on top
for s2hk; trained with AdaGrad on the weighted log loss. A class rarer than the default at the
positions the model decides must beat it by more: the model ships, per character and class,
a scale (one of ``RARITY_SCALES``, picked on the held-out slice) times (log share of the
default - log share of the class), at least 0, which the run-time subtracts from the class's
score (a form seen in one odd line, such as 身份証 for 身份證, no longer wins on that line's
features alone). Same inputs, same bytes out.

Before the examples are cut, tools/usage_mining.py mines the regional usage tables from the
same training lines (data/overrides/TWUsagePhrases.tsv, HKUsagePhrases.tsv,
TWContestedPhrases.tsv, the phrases s2tw drops, and TWMinedBoundaryPhrases.tsv, spans where a
word straddles a phrase); a Taiwan line gives examples wherever the s2t layer less the
contested phrases leaves the choice, so the model learns the positions those phrases free.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "traditional"
OUT = ROOT / "src" / "tongwen" / "data" / "models"
HK_SPLIT = ROOT / "data" / "eval" / "hk_dev_split.tsv"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

import name_mining  # noqa: E402
import usage_mining  # noqa: E402
from buildlib import write_npz  # noqa: E402

from tongwen.conversion import compiled as cmp  # noqa: E402
from tongwen.conversion.context import (  # noqa: E402
    FEATURE_VERSION,
    N_FEATURES,
    REGIONS,
    ContextModel,
    build_candidates,
    features,
    slots,
)
from tongwen.conversion.converter import Converter  # noqa: E402
from tongwen.conversion.layers import get_layer  # noqa: E402
from tongwen.conversion.tables import load_table  # noqa: E402
from tongwen.readings.lexicon import load_lexicon  # noqa: E402

#: name -> (file, region, source script for the simplified twin, weight)
SOURCES = {
    "tw_audreyt_transcript": ("tw_audreyt_transcript.trad.txt", "tw", "tw", 1.0),
    "tw_moztw_cc0": ("tw_moztw_cc0.trad.txt", "tw", "tw", 3.0),
    "tw_ey_gazette": ("tw_ey_gazette.trad.txt", "tw", "tw", 0.25),
    "tw_moj_law": ("tw_moj_law.trad.txt", "tw", "tw", 0.25),
    "hk_cv_zh_hk": ("hk_cv_zh_hk.trad.txt", "hk", "hk", 2.0),
    "hk_cv_yue": ("hk_cv_yue.trad.txt", "hk", "hk", 2.0),
}
BITS = 20
N_CLASSES = 4
BLOCK = 100
HELD_OUT = 20  # one block in HELD_OUT is held out
#: The rarity scales tried on the held-out slice (0: every class needs the same margin).
RARITY_SCALES = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
MAX_CP = 0x110000
#: CC-CEDICT, whose proper nouns name_mining probes.
CEDICT = SHARED.parent / "lexicons" / "cc_cedict" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
#: A span where a word straddles a phrase becomes a key from this many training occurrences.
BOUNDARY_MIN = 10


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def round_trip_safe(chars: np.ndarray, cands: np.ndarray, canon: np.ndarray) -> np.ndarray:
    """Keep the default and the candidates that t2s turns back into their simplified character
    and that are not mere variants of a candidate kept before them.

    The model never picks a form that would not convert back (呆 -> 待, 枪 -> 鎗): s2t then t2s
    gives the input again wherever the tables alone would; nor a variant spelling (狸/貍).
    """
    to_s = Converter(to="s", source="t", context=False)
    out = np.zeros_like(cands)
    for row, char in enumerate(chars.tolist()):
        kept: list[int] = []
        for k, c in enumerate(cands[row].tolist()):
            if not c or (k and to_s.convert(chr(c)) != chr(char)):
                continue
            if any(canon[c] == canon[d] for d in kept):
                continue
            kept.append(c)
        out[row, : len(kept)] = kept
    return out


def hk_dev_lines() -> set[int]:
    """Line numbers (1-based) of hk_cv_zh_hk in the Hong Kong development split."""
    lines = set()
    for line in HK_SPLIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("line"):
            lines.add(int(line.split("\t")[0]))
    return lines


def canon_array() -> np.ndarray:
    """Code point -> representative of its variant class (TWVariants, HKVariants)."""
    parent = np.arange(MAX_CP, dtype=np.int64)

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = int(parent[c])
        return c

    for name in ("TWVariants", "HKVariants"):
        for key, values in load_table(name).entries.items():
            for value in values:
                if len(key) == 1 and len(value) == 1:
                    a, b = find(ord(key)), find(ord(value))
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    a, b = find(ord("祇")), find(ord("衹"))
    parent[max(a, b)] = min(a, b)
    return _flatten(parent)


def _flatten(parent: np.ndarray) -> np.ndarray:
    while True:
        nxt = parent[parent]
        if np.array_equal(nxt, parent):
            return parent
        parent = nxt


class Examples:
    def __init__(self) -> None:
        self.hashed: list[np.ndarray] = []
        self.hashed_hk: list[np.ndarray] = []
        self.rows: list[np.ndarray] = []
        self.labels: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []
        self.is_hk: list[np.ndarray] = []
        self.held: list[np.ndarray] = []
        self.source: list[np.ndarray] = []
        self.texts: list[tuple[str, str, float, list[str], list[str], list[int]]] = []


def prepare(name: str, lines: list[tuple[int, str]], region: str, weight: float,
            ex: Examples, to_s: Converter) -> dict[str, int]:
    """Keep the lines whose simplified twin has their length, with the twin (``ex.texts``)."""
    kept_lines = []
    simp_lines = []
    numbers = []
    dropped = 0
    for number, line in lines:
        s = to_s.convert(line)
        if len(s) != len(line):
            dropped += 1
            continue
        kept_lines.append(line)
        simp_lines.append(s)
        numbers.append(number)
    ex.texts.append((name, region, weight, kept_lines, simp_lines, numbers))
    return {"lines": len(lines), "dropped_length": dropped}


def collect(texts: tuple[str, str, float, list[str], list[str], list[int]], source_id: int,
            ex: Examples, lookup: np.ndarray, cands: np.ndarray, canon: np.ndarray,
            matcher: cmp._PhraseMatcher) -> int:
    """The examples of one source's lines: every position where the s2t tables leave a choice
    that no phrase of ``matcher`` (the region's layer) took. Returns their number."""
    name, region, weight, kept_lines, simp_lines, numbers = texts
    n_ex = 0
    step = 20000
    for lo in range(0, len(kept_lines), step):
        trad = "\n".join(kept_lines[lo : lo + step])
        simp = "\n".join(simp_lines[lo : lo + step])
        nums = np.array(numbers[lo : lo + step], dtype=np.int64)
        tc = cmp._codepoints(trad)
        sc = cmp._codepoints(simp)
        taken = np.zeros(len(sc), dtype=np.bool_)
        patterns, starts = matcher.find(sc)
        if len(starts):
            taken[cmp._spans(starts, matcher.out.key_lengths[patterns])] = True
        rows_all = lookup[sc]
        pos = np.flatnonzero((rows_all >= 0) & ~taken).astype(np.int64)
        rows = rows_all[pos]
        cand = cands[rows]  # (n, K)
        gold = canon[tc[pos]]
        match = (canon[cand] == gold[:, None]) & (cand != 0)
        ok = match.any(axis=1)
        labels = np.argmax(match, axis=1)
        pos, rows, labels = pos[ok], rows[ok], labels[ok]
        line_index = np.cumsum(sc == 0x0A)[pos]
        block = nums[line_index] // BLOCK
        held = np.array([zlib.crc32(f"{name}:{b}".encode()) % HELD_OUT == 0
                         for b in block.tolist()], dtype=np.bool_)  # same rule as held_out()
        ex.hashed.append(features(sc, pos, 0))
        ex.hashed_hk.append(features(sc, pos, REGIONS["hk"]) if region == "hk"
                            else np.zeros((len(pos), N_FEATURES), dtype=np.uint64))
        ex.rows.append(rows.astype(np.int64))
        ex.labels.append(labels.astype(np.int64))
        ex.weights.append(np.full(len(pos), weight, dtype=np.float32))
        ex.is_hk.append(np.full(len(pos), region == "hk", dtype=np.bool_))
        ex.held.append(held)
        ex.source.append(np.full(len(pos), source_id, dtype=np.int8))
        n_ex += len(pos)
    return n_ex


def held_out(name: str, number: int) -> bool:
    return zlib.crc32(f"{name}:{number // BLOCK}".encode()) % HELD_OUT == 0


def write_mined(table: str, lines: list[str], what: str) -> None:
    """data/overrides/TABLE.tsv, a generated table's lines under its header."""
    (ROOT / "data" / "overrides" / f"{table}.tsv").write_text(
        f"# {table}: generated by tools/train_conversion.py (never edit by hand): {what}.\n"
        "# key<TAB>value<TAB>reason; built into a table by tools/build_data.py.\n"
        + "".join(line + "\n" for line in lines), encoding="utf-8")


def scores(w: np.ndarray, hashed: np.ndarray, hashed_hk: np.ndarray, is_hk: np.ndarray,
           valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = slots(hashed, N_CLASSES, BITS)
    s = w[idx].sum(axis=1)
    idx_hk = slots(hashed_hk, N_CLASSES, BITS)
    s += np.where(is_hk[:, None], w[idx_hk].sum(axis=1), 0.0)
    s = np.where(valid, s, -1e9)
    return s, idx, idx_hk


def train(data: dict[str, np.ndarray], valid_all: np.ndarray, epochs: int, lr: float,
          l2: float, seed: int = 0) -> np.ndarray:
    size = 1 << BITS
    w = np.zeros(size, dtype=np.float64)
    g2 = np.full(size, 1e-6, dtype=np.float64)
    n = len(data["labels"])
    rng = np.random.default_rng(seed)
    batch = 4096
    for epoch in range(epochs):
        order = rng.permutation(n)
        loss = 0.0
        for lo in range(0, n, batch):
            b = order[lo : lo + batch]
            valid = valid_all[data["rows"][b]]
            is_hk = data["is_hk"][b]
            s, idx, idx_hk = scores(w, data["hashed"][b], data["hashed_hk"][b], is_hk, valid)
            s -= s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            y = data["labels"][b]
            loss += float(-(np.log(p[np.arange(len(b)), y] + 1e-12) * data["weights"][b]).sum())
            grad = p
            grad[np.arange(len(b)), y] -= 1.0
            grad *= data["weights"][b][:, None]
            gfull = np.broadcast_to(grad[:, None, :], idx.shape)
            g = np.bincount(idx.ravel(), weights=gfull.ravel(), minlength=size)
            hk_rows = np.flatnonzero(is_hk)
            if len(hk_rows):
                g += np.bincount(idx_hk[hk_rows].ravel(),
                                 weights=np.broadcast_to(grad[hk_rows][:, None, :],
                                                         idx_hk[hk_rows].shape).ravel(),
                                 minlength=size)
            touched = g != 0
            g[touched] += l2 * w[touched]
            g2 += g * g
            w -= lr * g / np.sqrt(g2)
        print(f"  epoch {epoch + 1}: loss {loss / n:.4f}", file=sys.stderr)
    return w


def rarity(data: dict[str, np.ndarray], valid_all: np.ndarray) -> np.ndarray:
    """Per character and class: how much rarer than the default the class is among the
    (weighted) labels of ``data``, log share of the default - log share of the class, at
    least 0 (0 where the class is not valid)."""
    seen = np.zeros(valid_all.shape)
    np.add.at(seen, (data["rows"], data["labels"]), data["weights"])
    share = np.log((seen + 0.5) / (seen + 0.5).sum(axis=1, keepdims=True))
    return np.where(valid_all, np.maximum(share[:, :1] - share, 0.0), 0.0)


def evaluate(w: np.ndarray, data: dict[str, np.ndarray], valid_all: np.ndarray,
             margins: list[float], penalty: np.ndarray | None = None
             ) -> dict[float, tuple[float, float]]:
    """Default and model accuracy (weighted) at each margin, with ``penalty`` (per
    character and class) taken from each class's score but the default's."""
    valid = valid_all[data["rows"]]
    s, _, _ = scores(w, data["hashed"], data["hashed_hk"], data["is_hk"], valid)
    raw = s[:, 0].copy()
    if penalty is not None:
        s = s - penalty[data["rows"]]
    best = np.argmax(s, axis=1)
    gain = s[np.arange(len(best)), best] - raw
    y = data["labels"]
    wt = data["weights"]
    out = {}
    base = float((wt * (y == 0)).sum() / wt.sum())
    for m in margins:
        pred = np.where(gain > m, best, 0)
        out[m] = (base, float((wt * (pred == y)).sum() / wt.sum()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.3)
    parser.add_argument("--l2", type=float, default=1e-4)
    parser.add_argument("--limit", type=int, default=0, help="lines per source (0: all)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    t0 = time.time()
    layer = get_layer(("STPhrases", "STCharacters"))
    chars, cands = build_candidates(layer.chars, N_CLASSES)
    canon = canon_array()
    cands = round_trip_safe(chars, cands, canon)
    real = (cands != 0).sum(axis=1) > 1  # a real choice is left
    chars, cands = chars[real], cands[real]
    lookup = np.full(MAX_CP, -1, dtype=np.int64)
    lookup[chars] = np.arange(len(chars))
    valid_all = cands != 0
    matcher = cmp._PhraseMatcher(list(layer.phrases), [v[0] for v in layer.phrases.values()])
    hk_dev = hk_dev_lines()
    ex = Examples()
    stats: dict[str, dict[str, float]] = {}
    provenance = {}
    for name, (file, region, script, weight) in SOURCES.items():
        path = SHARED / name / file
        text = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        lines = [(i + 1, line) for i, line in enumerate(text)
                 if not (name == "hk_cv_zh_hk" and i + 1 in hk_dev)]
        if args.limit:
            lines = lines[: args.limit]
        to_s = Converter(to="s", source=script)
        stats[name] = {**prepare(name, lines, region, weight, ex, to_s), "weight": weight}
        provenance[name] = {"path": f"../shared/data/traditional/{name}/{file}",
                            "sha256": sha256(path)}
    usage = {}
    contested: dict[str, set[str]] = {}
    corrected: dict[str, dict[str, str]] = {}
    words = {w for w in load_lexicon().words if 2 <= len(w) <= usage_mining.MAX_WORD}
    for region, table, minimum in (("tw", "TWUsagePhrases", 20), ("hk", "HKUsagePhrases", 5)):
        mined = usage_mining.gather(ex.texts, region, canon, words, held_out)
        fixes = mined.corrected(minimum, 0.9)
        dropped = mined.contested(minimum, fixes)
        fixed_lines, dropped_lines = usage_mining.table_lines(mined, fixes, dropped)
        contested[region] = {mined.keys[p] for p in dropped}
        corrected[region] = {mined.keys[p]: value for p, value in fixes.items()}
        usage[table] = usage_mining.report(mined, fixes, dropped)
        print(f"{table}: {usage[table]}", file=sys.stderr)
        if args.no_write:
            continue
        write_mined(table, fixed_lines, f"phrases of STPhrases whose output the {region} corpora "
                    "contradict")
        if region == "tw":  # the layers of s2tw and s2twp list it (data/schemes.toml)
            write_mined("TWContestedPhrases", dropped_lines,
                        f"phrases of STPhrases that every register of the {region} corpora "
                        f"contradicts more often than not (share below "
                        f"{usage_mining.CONTESTED}), no other form making 90%; the value is "
                        "the output the layer no longer gives")
    # The s2tw layer's phrases: the contested dropped, the corrected corrected, and longer
    # keys where a word straddles one of them (TWMinedBoundaryPhrases)
    st = get_layer(("STBoundaryPhrases", "STPhrases", "STCharacters")).phrases
    tw_phrases = {k: corrected["tw"].get(k, v[0]) for k, v in st.items()
                  if k not in contested["tw"]}
    boundary_lines, usage["TWMinedBoundaryPhrases"] = usage_mining.boundary_phrases(
        ex.texts, "tw", canon, words, held_out, tw_phrases, BOUNDARY_MIN)
    print(f"TWMinedBoundaryPhrases: {usage['TWMinedBoundaryPhrases']}", file=sys.stderr)
    if not args.no_write:
        write_mined("TWMinedBoundaryPhrases", boundary_lines,
                    f"spans where a word straddles a phrase of the s2tw layer and the tw "
                    f"corpora write one form 90% of at least {BOUNDARY_MIN} times, the "
                    "phrase's output being wrong there")
    # Taiwan lines give examples where the s2t layer, the contested phrases dropped, leaves
    # the choice (the boundary phrases are few: their positions stay examples)
    tw_keys = [k for k in layer.phrases if k not in contested["tw"]]
    matchers = {"tw": cmp._PhraseMatcher(tw_keys, [layer.phrases[k][0] for k in tw_keys]),
                "hk": matcher}
    for source_id, texts in enumerate(ex.texts):
        name = texts[0]
        stats[name]["examples"] = collect(texts, source_id, ex, lookup, cands, canon,
                                          matchers[texts[1]])
        print(f"{name}: {stats[name]} ({time.time() - t0:.0f}s)", file=sys.stderr)
    data = {
        "hashed": np.concatenate(ex.hashed),
        "hashed_hk": np.concatenate(ex.hashed_hk),
        "rows": np.concatenate(ex.rows),
        "labels": np.concatenate(ex.labels),
        "weights": np.concatenate(ex.weights),
        "is_hk": np.concatenate(ex.is_hk),
    }
    held = np.concatenate(ex.held)
    source = np.concatenate(ex.source)
    train_part = {k: v[~held] for k, v in data.items()}
    held_part = {k: v[held] for k, v in data.items()}
    print(f"examples: {len(held)} ({held.sum()} held out)", file=sys.stderr)
    margins = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0]
    w = train(train_part, valid_all, args.epochs, args.lr, args.l2)
    result = evaluate(w, held_part, valid_all, margins)
    per_source = {}
    held_source = source[held]
    for source_id, name in enumerate(SOURCES):
        part = {k: v[held_source == source_id] for k, v in held_part.items()}
        if len(part["labels"]):
            per_source[name] = evaluate(w, part, valid_all, margins)
    for m, (base, acc) in result.items():
        print(f"held out, margin {m}: default {base:.4f} model {acc:.4f}", file=sys.stderr)
    margin = max(margins, key=lambda m: (result[m][1], -m))
    # the rarity scale, at that margin, with the classes' shares in the training part
    rare = rarity(train_part, valid_all)
    by_scale = {x: evaluate(w, held_part, valid_all, [margin], x * rare)[margin][1]
                for x in RARITY_SCALES}
    for x, acc in by_scale.items():
        print(f"held out, margin {margin}, rarity scale {x}: model {acc:.5f}", file=sys.stderr)
    scale = max(RARITY_SCALES, key=lambda x: (by_scale[x], -x))
    for name, res in per_source.items():
        print(f"  {name}: default {res[margin][0]:.4f} model {res[margin][1]:.4f}",
              file=sys.stderr)
    # the shipped model: the same recipe on every example (held-out slice included)
    w_all = train(data, valid_all, args.epochs, args.lr, args.l2)
    if args.no_write:
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    weights16 = w_all.astype(np.float16)
    penalty16 = (scale * rarity(data, valid_all)).astype(np.float16)
    write_npz(OUT / "conversion.npz", weights=weights16, chars=chars, candidates=cands,
              penalty=penalty16)
    # the names this model would break, protected as phrases (STNamePhrases)
    shipped = ContextModel(weights16.astype(np.float32), BITS, chars.astype(np.uint32),
                           cands.astype(np.uint32), margin, {}, penalty16.astype(np.float64))
    names = name_mining.names_to_protect(CEDICT, shipped, canon)
    write_mined("STNamePhrases", [f"{k}\t{v}\tname: CC-CEDICT proper noun the context model "
                                  "would change" for k, v in names.items()],
                "CC-CEDICT proper nouns (CC BY-SA 4.0, https://cc-cedict.org/) that the s2t "
                "layer converts as CC-CEDICT writes them and the context model would change in "
                "a short context (name_mining.PROBES)")
    print(f"STNamePhrases: {len(names)} names", file=sys.stderr)
    meta = {
        "model": "tongwen conversion context model (log-linear per character, hashed features)",
        "built_by": "tools/train_conversion.py",
        "feature_version": FEATURE_VERSION,
        "bits": BITS,
        "n_classes": N_CLASSES,
        "epochs": args.epochs,
        "lr": args.lr,
        "l2": args.l2,
        "margin": margin,
        "rarity_scale": scale,
        "rarity_held_out": {str(x): acc for x, acc in by_scale.items()},
        "held_out": {"rule": f"crc32('<source>:<line // {BLOCK}>') % {HELD_OUT} == 0",
                     "accuracy_default": result[margin][0],
                     "accuracy_model": result[margin][1],
                     "per_source": {k: {"default": v[margin][0], "model": v[margin][1]}
                                    for k, v in per_source.items()}},
        "usage_phrases": usage,
        "excluded": "data/eval/hk_dev_split.tsv lines of hk_cv_zh_hk; sinica_tw (never read)",
        "sources": {k: {**provenance[k], **stats[k]} for k in SOURCES},
        "npz_sha256": sha256(OUT / "conversion.npz"),
    }
    (OUT / "conversion.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                         encoding="utf-8")
    print(f"wrote {OUT / 'conversion.npz'} ({time.time() - t0:.0f}s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
