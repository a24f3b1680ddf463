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
