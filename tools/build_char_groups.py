#!/usr/bin/env python3
"""Build the character groups table (src/tongwen/data/models/char_groups.tsv).

    .venv/bin/python tools/build_char_groups.py

The polyphone model's group features read the groups of a target's neighbours
(``tongwen.readings.groups``); after a rebuild, retrain the model (tools/train_polyphone.py),
which records the table's hash.

Data: unlabelled text marked ship: yes in ../shared/data/README.md, no labelled or evaluation
set (CPP dev, g2pL are not read): Common Voice zh-CN (CC0), PRC laws (no copyright), and the
Taiwan and Hong Kong traditional corpora (CC0 and government works) read in Simplified through
``tongwen.convert(to="s")``.

Method: the Han characters seen at least ``MIN_COUNT`` times; each is described by its positive
pointwise mutual information with the ``CONTEXT`` most frequent characters just left of it and
just right of it (one more column each for every other character; context counts smoothed to
the power 0.75); rows scaled to unit length; spherical k-means with ``K`` groups and again with
``K_FINE`` (a second, finer column), the centres starting at the most frequent characters,
``ITERATIONS`` rounds. No randomness: the same
inputs give the same table on one machine (BLAS summation order aside).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "tongwen" / "data" / "models" / "char_groups.tsv"
sys.path.insert(0, str(ROOT / "src"))

import tongwen  # noqa: E402

#: (path under ../shared/data, script, licence)
SOURCES = (
    ("text/common_voice_zh_cn/cn.txt", "s", "CC0-1.0"),
    ("text/common_voice_zh_cn/sentence-collector.txt", "s", "CC0-1.0"),
    ("text/common_voice_zh_cn/wiki.txt", "s", "CC0-1.0"),
    ("text/prc_laws/laws.txt", "s", "official texts, no copyright"),
    ("traditional/tw_audreyt_transcript/tw_audreyt_transcript.trad.txt", "t", "CC0-1.0"),
    ("traditional/tw_moztw_cc0/tw_moztw_cc0.trad.txt", "t", "CC0-1.0"),
    ("traditional/hk_cv_zh_hk/hk_cv_zh_hk.trad.txt", "t", "CC0-1.0"),
    ("traditional/tw_moj_law/tw_moj_law.trad.txt", "t", "government work, no copyright"),
    ("traditional/tw_ey_gazette/tw_ey_gazette.trad.txt", "t", "government work, no copyright"),
)
K = 64
K_FINE = 256
MIN_COUNT = 20
CONTEXT = 1000
ITERATIONS = 25
SMOOTHING = 0.75
_HAN = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0x20000, 0x32000))


def read_codes(shared: Path) -> tuple[np.ndarray, list[str]]:
    """The code points of every source (Simplified), one array, and a header line each."""
    parts, header = [], []
    for rel, script, licence in SOURCES:
        path = shared / rel
        text = path.read_text(encoding="utf-8")
        if script == "t":
            text = tongwen.convert(text, to="s")
        parts.append(np.frombuffer(("\n" + text).encode("utf-32-le"), np.uint32))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        header.append(f"# from: ../shared/data/{rel} (sha256 {digest}; {licence})")
    return np.concatenate(parts).astype(np.int64), header


def vocabulary(codes: np.ndarray) -> np.ndarray:
    """The Han characters seen at least ``MIN_COUNT`` times, most frequent first (ties by
    code point)."""
    counts = np.bincount(codes, minlength=0x110000)
    han = np.zeros(len(counts), bool)
    for lo, hi in _HAN:
        han[lo:hi] = True
    chosen = np.flatnonzero(han & (counts >= MIN_COUNT))
    order = np.lexsort((chosen, -counts[chosen]))
    vocab: np.ndarray = chosen[order]
    return vocab


def ppmi(counts: np.ndarray) -> np.ndarray:
    """Positive PMI of a (characters x contexts) count matrix, contexts smoothed."""
    total = counts.sum()
    rows = counts.sum(axis=1, keepdims=True) / total
    smoothed = counts.sum(axis=0, keepdims=True) ** SMOOTHING
    columns = smoothed / smoothed.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts / total / (rows * columns))
    pmi[~np.isfinite(pmi)] = 0.0
    out: np.ndarray = np.maximum(pmi, 0.0)
    return out


def describe(codes: np.ndarray, vocab: np.ndarray) -> np.ndarray:
    """Each vocabulary character's unit-length row of left and right context PPMI."""
    n = len(vocab)
    ids = np.full(0x110000, n, np.int64)
    ids[vocab] = np.arange(n)
    seq = ids[codes]
    context = np.minimum(seq, CONTEXT)
    width = CONTEXT + 1
    sides = []
    for centre, neighbour in ((seq[1:], context[:-1]), (seq[:-1], context[1:])):
        flat = np.bincount(centre * width + neighbour, minlength=(n + 1) * width)
        sides.append(ppmi(flat.reshape(n + 1, width)[:n].astype(np.float64)))
    rows = np.concatenate(sides, axis=1)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True) + 1e-12
    return rows


def kmeans(rows: np.ndarray, k: int, iterations: int) -> np.ndarray:
    """Spherical k-means from the first ``k`` rows: each row's group (0..k-1)."""
    centres = rows[:k].copy()
    group = np.zeros(len(rows), np.int64)
    for _ in range(iterations):
        group = (rows @ centres.T).argmax(axis=1)
        for g in range(k):
            members = rows[group == g]
            if len(members):
                centre = members.mean(axis=0)
                centres[g] = centre / (np.linalg.norm(centre) + 1e-12)
    return group


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    codes, sources = read_codes(args.shared)
    vocab = vocabulary(codes)
    rows = describe(codes, vocab)
    group, fine = kmeans(rows, K, ITERATIONS), kmeans(rows, K_FINE, ITERATIONS)
    lines = [
        "# tongwen reading table char_groups: generated by tools/build_char_groups.py; "
        "never edit by hand",
        *sources,
        f"# method: left/right context PPMI over the {CONTEXT} most frequent characters, "
        f"spherical k-means, {K} and {K_FINE} groups, {ITERATIONS} rounds; characters seen "
        f"{MIN_COUNT}+ "
        f"times: {len(vocab)}",
        f"# columns: char<TAB>group (1..{K})<TAB>fine group (1..{K_FINE})",
    ]
    order = np.argsort(vocab, kind="stable")
    lines += [f"{chr(int(vocab[i]))}\t{int(group[i]) + 1}\t{int(fine[i]) + 1}" for i in order]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(vocab)} characters, {K} + {K_FINE} groups)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
