#!/usr/bin/env python3
"""Train the character bigram model that repairs GBK garbles (src/tongwen/data/models/charlm.*).

    .venv/bin/python tools/train_charlm.py

Data (all marked ship: yes in ../shared/data/README.md), Simplified text only:
  - sentences: the g2pL sentences (train, dev and test), CPP dev, the CPP train fragment and
    THCHS-30 (readings/ and cpp/), each a line;
  - words: the phrase lexicons (phrase-pinyin-data, CC-CEDICT), each word's inner n-grams.
None of the repair benchmark's source texts is read, dev or held-out (``SPLITS`` of
tools/bench/repair_accuracy.py: Common Voice, UD, PRC laws, Tatoeba and the traditional corpora),
and any training sentence that also occurs in one of them is dropped.

The model: interpolated Kneser-Ney bigrams with one discount; every seen bigram's
log-probability is stored, an unseen one is the first symbol's back-off weight times the
second's continuation probability. Symbols are the normal forms of tongwen.repair.charlm (digits
``0``, Latin letters ``a``) and the line boundary. Same inputs, same bytes out.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "tongwen" / "data" / "models"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tools" / "bench"))

from buildlib import write_npz  # noqa: E402

from tongwen.repair.charlm import BAD, normal_form  # noqa: E402

SENTENCE_FILES = (
    "readings/g2pl/train.jsonl",
    "readings/g2pl/dev.jsonl",
    "readings/g2pl/test.jsonl",
    "readings/cpp_train_partial/train_partial.jsonl",
    "readings/thchs30/train.jsonl",
    "readings/thchs30/cv.jsonl",
    "readings/thchs30/test.jsonl",
    "cpp/dev.sent",
)
WORD_FILES = (
    "lexicons/phrase_pinyin_data/pinyin.tsv",
    "lexicons/cc_cedict/cedict_simplified.tsv",
)
#: Punctuation that ends a sentence (a line also ends without it).
FINAL_PUNCTUATION = "。！？!?.…；;"
#: The Kneser-Ney discount.
DISCOUNT = 0.75
#: Trigrams seen fewer times are left to the bigrams.
MIN_TRIGRAM = 2
#: What one word of a lexicon adds to the counts of its inner bigrams and trigrams.
WORD_WEIGHT = 2.0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_sentences(path: Path) -> list[str]:
    """The text lines of a sentence file (JSON Lines ``text`` or plain, CPP markers removed)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".jsonl":
        return [json.loads(line)["text"] for line in lines if line.strip()]
    return [line.replace("▁", "") for line in lines if line.strip()]


def read_words(path: Path) -> list[str]:
    """The first column of a lexicon file, comments skipped."""
    return [line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def benchmark_lines() -> set[str]:
    """Every line of the repair benchmark's source texts (dev and held-out)."""
    from repair_accuracy import SPLITS  # tools/bench

    lines: set[str] = set()
    names = {n for split in SPLITS.values()
             for n in split.simplified + split.traditional + split.cantonese}
    for name in sorted(names):
        lines.update(line.strip() for line in (SHARED / name).read_text("utf-8").splitlines())
    return lines


def symbols(text: str) -> str:
    return "".join(map(normal_form, text))


def count(sentences: list[str], words: list[str]) -> tuple[Counter[str], Counter[str]]:
    """Bigram and trigram counts (as strings of two and three symbols; '\\n' the boundary)."""
    pairs: Counter[str] = Counter()
    triples: Counter[str] = Counter()
    for sentence in sentences:
        line = "\n" + symbols(sentence) + "\n"
        pairs.update(line[k : k + 2] for k in range(len(line) - 1))
        triples.update(line[k : k + 3] for k in range(len(line) - 2))
        # Web pages end many lines without a full stop (titles, list items, captions).
        bare = line.rstrip("\n").rstrip(FINAL_PUNCTUATION)
        if bare != line.rstrip("\n") and len(bare) > 1:
            pairs[bare[-1] + "\n"] += 1
    for word in words:  # each word's inner bigrams and trigrams, once per word
        word = symbols(word)
        for k in range(len(word) - 1):
            pairs[word[k : k + 2]] += WORD_WEIGHT
        for k in range(len(word) - 2):
            triples[word[k : k + 3]] += WORD_WEIGHT
    return pairs, triples


def kneser_ney(pairs: Counter[str], triples: Counter[str]) -> dict[str, np.ndarray]:
    """The model's arrays (see tongwen.repair.charlm.CharLM)."""
    vocab = sorted({c for pair in pairs for c in pair} - {"\n"} | {BAD})
    index = {c: k + 2 for k, c in enumerate(vocab)}
    index["\n"] = 1
    size = len(vocab) + 2
    first_total = np.zeros(size)
    first_types = np.zeros(size)
    continuation = np.zeros(size)
    for pair, n in pairs.items():
        a, b = index[pair[0]], index[pair[1]]
        first_total[a] += n
        first_types[a] += 1
        continuation[b] += 1
    continuation += 0.5  # every symbol (unseen included) keeps some mass
    unigram = np.log(continuation / continuation.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        backoff = np.where(first_total > 0, DISCOUNT * first_types / first_total, 1.0)
    keys, logp = [], []
    for pair, n in pairs.items():
        a, b = index[pair[0]], index[pair[1]]
        p = max(n - DISCOUNT, 0.0) / first_total[a] + backoff[a] * np.exp(unigram[b])
        keys.append(a * size + b)
        logp.append(np.log(p))
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    pair_keys = np.array(keys, dtype=np.int64)[order]
    pair_logp = np.array(logp)[order]
    return {
        "chars": np.array([ord(c) for c in vocab], dtype=np.uint32),
        "keys": pair_keys.astype(np.uint32 if size * size < 2**32 else np.int64),
        "logp": pair_logp.astype(np.float16),
        "backoff": np.log(backoff).astype(np.float32),
        "unigram": unigram.astype(np.float32),
        **trigrams(triples, index, size, pair_keys, pair_logp),
    }


def trigrams(triples: Counter[str], index: dict[str, int], size: int, pair_keys: np.ndarray,
             pair_logp: np.ndarray) -> dict[str, np.ndarray]:
    """Interpolated absolute discounting over the bigram model, for the contexts seen: the
    kept trigrams (``MIN_TRIGRAM``) with their log-probabilities, and per bigram (aligned with
    the bigram keys) the back-off weight of the context it makes, 0 where it made none."""
    context_total = np.zeros(len(pair_keys))
    context_kept = np.zeros(len(pair_keys))  # the sum of (n - DISCOUNT) over kept trigrams
    kept = sorted((t, n) for t, n in triples.items() if n >= MIN_TRIGRAM)
    for t, n in triples.items():
        k = np.searchsorted(pair_keys, index[t[0]] * size + index[t[1]])
        context_total[k] += n
        if n >= MIN_TRIGRAM:
            context_kept[k] += n - DISCOUNT
    # What the kept trigrams leave to the bigrams: the discounts and every pruned count.
    weight = np.where(context_total > 0,
                      (context_total - context_kept) / np.maximum(context_total, 1), 1.0)
    keys, logp = [], []
    for t, n in kept:
        ab = np.searchsorted(pair_keys, index[t[0]] * size + index[t[1]])
        bc = np.searchsorted(pair_keys, index[t[1]] * size + index[t[2]])
        lower = np.exp(pair_logp[bc])
        p = (n - DISCOUNT) / context_total[ab] + weight[ab] * lower
        keys.append((index[t[0]] * size + index[t[1]]) * size + index[t[2]])
        logp.append(np.log(p))
    order = np.argsort(np.array(keys, dtype=np.int64), kind="stable")
    return {
        "keys3": np.array(keys, dtype=np.int64)[order],
        "logp3": np.array(logp, dtype=np.float32)[order].astype(np.float16),
        "backoff3": np.log(np.where(weight > 0, weight, 1.0)).astype(np.float16),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for charlm.npz/.json")
    out = parser.parse_args(argv).out
    excluded = benchmark_lines()
    sentences, provenance, dropped = [], {}, 0
    for name in SENTENCE_FILES:
        path = SHARED / name
        found = read_sentences(path)
        kept = [s for s in found if s.strip() not in excluded]
        dropped += len(found) - len(kept)
        sentences += kept
        provenance[name] = {"sha256": sha256(path), "lines": len(kept)}
    words = []
    for name in WORD_FILES:
        path = SHARED / name
        found = read_words(path)
        words += found
        provenance[name] = {"sha256": sha256(path), "words": len(found)}
    pairs, triples = count(sentences, words)
    arrays = kneser_ney(pairs, triples)
    out.mkdir(parents=True, exist_ok=True)
    write_npz(out / "charlm.npz", **arrays)
    meta = {
        "model": "tongwen character bigram model for GBK garble repair (interpolated Kneser-Ney)",
        "built_by": "tools/train_charlm.py",
        "discount": DISCOUNT,
        "word_weight": WORD_WEIGHT,
        "symbols": len(arrays["unigram"]),
        "bigrams": len(arrays["keys"]),
        "sentences": len(sentences),
        "dropped_as_benchmark_text": dropped,
        "sources": provenance,
        "licences": {"readings/g2pl": "Apache-2.0", "cpp": "Apache-2.0",
                     "readings/cpp_train_partial": "Apache-2.0", "readings/thchs30": "Apache-2.0",
                     "lexicons/phrase_pinyin_data": "MIT",
                     "lexicons/cc_cedict": "CC BY-SA 4.0 (CC-CEDICT, attribution)"},
        "npz_sha256": sha256(out / "charlm.npz"),
    }
    (out / "charlm.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    print(f"{len(sentences):,} sentences ({dropped} dropped), {len(words):,} words, "
          f"{meta['symbols']:,} symbols, {meta['bigrams']:,} bigrams")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
