"""Small evaluations on the shared conversion sets, scored by ../shared/tools/score_conversion.py.

The full tables, with the peers side by side, are made by `make bench`; these guard the floor.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from conftest import shared_path

import tongwen


def _scorer() -> ModuleType:
    path = shared_path("tools/score_conversion.py")
    spec = importlib.util.spec_from_file_location("score_conversion", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "to", "o2m_floor", "han_floor"),
    [
        # OpenCC 1.4.2 gets 97.0 % / 99.74 % on sinica_tw (docs/benchmarks.md): never below it.
        ("sinica_tw", "tw", 0.970, 0.997),
        # Cantonese writes 係 where Mandarin writes 系: OpenCC gets 54.2 % / 94.6 %.
        ("hkcancor_yue", "hk", 0.54, 0.946),
    ],
)
def test_conversion_accuracy_floor(name: str, to: str, o2m_floor: float, han_floor: float) -> None:
    scorer = _scorer()
    ref = scorer.read_lines(shared_path(f"data/conversion/{name}.t.txt"))
    src = scorer.read_lines(shared_path(f"data/conversion/{name}.s.txt"))
    hyp = tongwen.convert("\n".join(src), to=to, source="s").split("\n")
    result = scorer.score(ref, src, hyp)
    assert result["o2m_lenient"] >= o2m_floor, result
    assert result["han_lenient"] >= han_floor, result
