"""The shipped polyphone model: its files and provenance, and its inference contract."""

from __future__ import annotations

import hashlib
import json
from importlib import resources

import numpy as np
import pytest

from tongwen.readings.annotator import Annotator
from tongwen.readings.assign import assign
from tongwen.readings.lexicon import load_lexicon
from tongwen.readings.model import (
    FEATURE_VERSION,
    MODEL_FILE,
    PROVENANCE_FILE,
    PolyphoneModel,
    load_model,
)

MODELS = resources.files("tongwen").joinpath("data/models")


def test_weights_present_with_provenance() -> None:
    weights = MODELS.joinpath(MODEL_FILE).read_bytes()
    assert len(weights) <= 30 * 1024 * 1024
    provenance = json.loads(MODELS.joinpath(PROVENANCE_FILE).read_text(encoding="utf-8"))
    assert provenance["built_by"] == "tools/train_polyphone.py"
    assert provenance["feature_version"] == FEATURE_VERSION
    assert provenance["holdout_fold"] is None
    assert provenance["weights_sha256"] == hashlib.sha256(weights).hexdigest()
    assert all(len(s["sha256"]) == 64 for s in provenance["sources"].values())
    assert "aishell3" not in json.dumps(provenance["sources"]).lower()


@pytest.fixture(scope="module")
def model() -> PolyphoneModel:
    return load_model()


def test_table_shape(model: PolyphoneModel) -> None:
    assert len(model.weights) & (len(model.weights) - 1) == 0
    assert np.isfinite(model.weights).all()
    assert {"了", "长", "行", "得"} <= model.trained


def test_choose_respects_candidates(model: PolyphoneModel) -> None:
    text = "这条路很长，他们一行人走得很慢"
    lexicon = load_lexicon()
    queries = [(i, lexicon.chars[c]) for i, c in enumerate(text) if lexicon.is_polyphonic(c)]
    answers = model.choose(text, queries)
    assert len(answers) == len(queries)
    for (_, candidates), answer in zip(queries, answers, strict=True):
        assert answer is not None
        reading, confidence = answer
        assert reading in candidates
        assert 0.0 <= confidence <= 1.0
    assert answers[[i for i, _ in queries].index(text.index("长"))][0] == "chang2"


def test_probabilities_sum_to_one(model: PolyphoneModel) -> None:
    text = "我得走了"
    probs = model.probabilities(text, [(1, ("de5", "de2", "dei3"), None)])
    assert len(probs) == 1 and probs[0].shape == (3,)
    assert probs[0].sum() == pytest.approx(1.0)


def test_untrained_character_gets_no_answer(model: PolyphoneModel) -> None:
    lexicon = load_lexicon()
    char = next(c for c, r in lexicon.chars.items() if len(r) > 1 and c not in model.trained)
    assert model.choose(char, [(0, lexicon.chars[char])]) == [None]


def test_revise_keeps_user_words(model: PolyphoneModel) -> None:
    lexicon = load_lexicon()
    text = "长大"
    choices = assign(text, lexicon, model, {"长大": ("chang2", "da4")})
    assert [c.reading for c in model.revise(text, choices)] == ["chang2", "da4"]


def test_annotator_tokens_carry_model_source() -> None:
    tokens = Annotator(tone="numbers").tokens("这条路很长")
    token = tokens[-1]
    assert (token.reading, token.source) == ("chang2", "model")
    assert token.confidence is not None and 0.5 <= token.confidence <= 1.0
    assert "chang2" in token.candidates and "zhang3" in token.candidates


SENTENCES = (
    "这条路很长，他们一行人走得很慢",
    "中华人民共和国成立了，银行行长说要取长补短",
    "我得走了。他觉得这个角色很难演，头发长长了",
    "A长",
    "长",
)


def _train_script() -> object:
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "tools" / "train_polyphone.py"
    spec = importlib.util.spec_from_file_location("train_polyphone_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_training_and_inference_features_agree(model: PolyphoneModel) -> None:
    """The training script's encoding, scored with the shipped weights, gives the model's own
    probabilities: the two share one feature function."""
    tp = _train_script()
    lexicon = model.lexicon
    for text in SENTENCES:
        gold = {i: lexicon.chars[c][0] for i, c in enumerate(text) if lexicon.is_polyphonic(c)}
        data = tp.encode([(text, gold)], lexicon, model.bits)  # type: ignore[attr-defined]
        segmented = tp.fmm_readings(text, lexicon)  # type: ignore[attr-defined]
        items = [(i, lexicon.chars[text[i]], segmented.get(i)) for i in sorted(gold)]
        weights = np.append(model.weights.astype(np.float64), 0.0)
        scores = np.bincount(data.pair, weights=weights[data.slots], minlength=data.n_pairs)
        bounds = [*data.query_start.tolist(), data.n_pairs]
        for k, p in enumerate(model.probabilities(text, items)):
            s = scores[bounds[k] : bounds[k + 1]]
            e = np.exp(s - s.max())
            assert np.allclose(e / e.sum(), p, atol=1e-5)


def test_automaton_segmentation_is_forward_maximum_matching() -> None:
    from tongwen.readings.assign import segment
    from tongwen.readings.words import fmm, word_index

    lexicon = load_lexicon()
    index = word_index(lexicon)
    for text in SENTENCES:
        spans = [(s, e) for _, s, e in fmm(index.matches(text))]
        assert spans == segment(text, lexicon.words, lexicon.max_word)


def test_fast_readings_match_tokens() -> None:
    annotator = Annotator(tone="marks", sandhi=True)
    for text in SENTENCES:
        assert annotator.readings_of(text) == [t.reading for t in annotator.tokens(text)]


def test_fast_readings_match_tokens_on_everyday_cases() -> None:
    """The Choice-free path ``pinyin`` takes reads every everyday sentence (and its
    traditional twin) exactly as the token path does."""
    from pathlib import Path

    import tongwen

    path = Path(__file__).resolve().parent / "cases" / "everyday_readings.tsv"
    lines = [line.split("\t")[2] for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    annotator = Annotator(tone="numbers")
    assert annotator._fast_readings("测试") is not None
    for marked in lines:
        text = marked.replace("[", "").replace("]", "")
        for variant in (text, tongwen.convert(text, to="t")):
            expected = [t.reading for t in annotator.tokens(variant)]
            assert annotator.readings_of(variant) == expected, variant


def test_words_of_unrevised_characters_are_kept(model: PolyphoneModel) -> None:
    """Lexicon-word readings are re-read only for the characters in ``revised``; defaults of
    trained characters are read whatever ``revised`` holds."""
    from dataclasses import replace

    text = "这条路很长，银行行长说要取长补短"
    lexicon = model.lexicon
    choices = assign(text, lexicon)
    none = replace(model, revised=frozenset())
    read = none.read(text, choices)
    for old, new in zip(choices, read, strict=True):
        if old.source == "phrase":
            assert new == old
    assert read[text.index("很") + 1].source == "model"
    assert model.revised is not None and model.revised <= model.trained


def test_long_texts_read_in_windows_read_the_same(
    model: PolyphoneModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a long text a few targets at a time, each in a window around them, gives
    exactly what one pass over the whole text gives."""
    from tongwen.readings import model as model_module

    text = "\n".join(SENTENCES * 3)
    lexicon = model.lexicon
    items = [(i, lexicon.chars[c], None) for i, c in enumerate(text) if c in model.trained]
    whole = model.best(text, items)
    monkeypatch.setattr(model_module, "CHUNK", 3)
    assert model.best(text, items) == whole
