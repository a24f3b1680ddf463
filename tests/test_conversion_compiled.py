"""The fast path's parts agree with the plain ones: every byte width of the automaton, and the
context model's numpy scoring against its per-position Python twin."""

from __future__ import annotations

import numpy as np
import pytest

import tongwen
from tongwen.conversion import compiled
from tongwen.conversion import context as ctx_module
from tongwen.conversion import converter as converter_module
from tongwen.conversion.context import FEW, features, features_by_row, load_model, slots
from tongwen.text import code_points

TEXT = (
    "他只有一只手，面条干了。佢系边个？后来里面发生什么\n系好鞋带，冲咖啡，钟表。"
    "头发和发展，关于制造的系统。干部在干活，没有换行的长句子里面。\r\n几只松鼠在树上。"
) * 8


@pytest.mark.parametrize("width", [1, 2, 3])  # at least: the width a layer needs
@pytest.mark.parametrize(("target", "options"), [
    ("t", {}), ("tw", {}), ("hk", {"normalize": True}),
    ("twp", {"user_phrases": {"干了": "乾了", "系": "係"}}),
])
def test_every_byte_width_gives_the_same_text(
    width: int, target: str, options: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = tongwen.Converter(to=target, source="s", **options)  # type: ignore[arg-type]
    want = conv.convert(TEXT)
    plan = conv._plan("s")
    natural = compiled._width
    monkeypatch.setattr(compiled, "_width", lambda distinct: max(width, natural(distinct)))
    engine = converter_module._compile(plan.layers, plan.context)
    widths = [step.matcher.width for step in engine.steps if step.matcher]
    assert min(widths) >= width and (width < 3 or set(widths) == {3})
    assert len(TEXT) >= compiled.SHORT_TEXT  # the array path
    assert engine.convert(TEXT) == want
    assert "".join(t.text for t in conv.tokens(TEXT)) == want


@pytest.mark.parametrize("region", ["shared", "hk"])
def test_numpy_choices_equal_the_per_position_ones(region: str) -> None:
    model = load_model("conversion")
    if model is None:
        pytest.skip("no packaged conversion model")
    text = TEXT + "".join(sorted(model.char_set))  # every character the model decides
    cps = code_points(text)
    positions = np.flatnonzero(model.decides[cps])
    assert len(positions) > FEW and (model.n_valid[model.lookup[cps[positions]]] > 2).any()
    got = model.choose(cps, positions, region).tolist()
    regions = (0,) if region == "shared" else (0, 1)
    want = [model._choose_one(cps, None, int(at), regions) for at in positions.tolist()]
    assert got == want
    # and the same as the documented scores: argmax, unless it beats class 0 by too little
    scores = model.scores(cps, positions, regions)
    best = np.argmax(scores, axis=1)
    gain = scores[np.arange(len(positions)), best] - scores[:, 0]
    assert got == np.where(gain > model.margin, best, 0).tolist()


def _features_as_trained(codepoints: np.ndarray, positions: np.ndarray, region: int) -> np.ndarray:
    """The feature hashes as the model was trained on them (context.py before it was sped up)."""
    n = len(codepoints)
    at = positions[:, None] + ctx_module._OFFSETS[None, :]
    inside = (at >= 0) & (at < n)
    ctx = np.where(inside, codepoints[np.clip(at, 0, max(n - 1, 0))], 0x0A).astype(np.uint64)
    edge = (ctx == 0x0A) | (ctx == 0x0D)
    edge[:, 0] |= edge[:, 1]
    edge[:, 3] |= edge[:, 2]
    ctx[edge] = 0x0A
    pair = ctx_module._PAIR
    keys = np.empty((len(positions), 8), dtype=np.uint64)
    keys[:, 0] = 0
    keys[:, 1:5] = ctx
    keys[:, 5] = ctx[:, 0] * pair + ctx[:, 1]
    keys[:, 6] = ctx[:, 1] * pair + ctx[:, 2]
    keys[:, 7] = ctx[:, 2] * pair + ctx[:, 3]
    base = codepoints[positions].astype(np.uint64) * ctx_module._PRIME
    base += np.uint64(region * 0x51ED27)
    mix = ctx_module._mix
    return mix(base[:, None] ^ mix(keys + ctx_module._SALTS[None, :]))


@pytest.mark.parametrize("region", [0, 1])
def test_features_are_the_trained_ones(region: int) -> None:
    cps = code_points("发\n发展里面，发" + "头发" * 3 + "\r发")
    positions = np.arange(len(cps), dtype=np.int64)
    want = _features_as_trained(cps, positions, region)
    assert (features(cps, positions, region) == want).all()
    assert (features_by_row(cps, positions, region) == want.T).all()
    assert slots(want, 4, 20).shape == (len(cps), 8, 4)


def test_rarer_classes_must_beat_the_default_by_more() -> None:
    model = load_model("conversion")
    if model is None:
        pytest.skip("no packaged conversion model")
    penalty = model.penalty
    assert penalty is not None and penalty.shape == model.candidates.shape
    assert (penalty[:, 0] == 0).all() and (penalty >= 0).all() and np.isfinite(penalty).all()
    assert (penalty[~model.valid] == 0).all() and (penalty > 0).any()
    # 証 for 证 (0.1% of the Taiwan corpora's 证) came from one line, 新的身份証, and won at
    # the end of any line on that line's features
    row = model.lookup[ord("证")]
    assert penalty[row, list(model.candidates[row]).index(ord("証"))] > 1.0
    for region in ("tw", "hk", "t"):
        assert tongwen.convert("这是我的身份证", to=region).endswith("身份證")
