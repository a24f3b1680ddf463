"""The committed package data is exactly what tools/build_data.py builds from data/."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

#: Trained weights, built by tools/train_*.py (not by build_data.py); their tests check them.
MODELS = "models"


def test_rebuild_matches_committed_data(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")  # the build runs on Python >= 3.11
    lock = tomllib.loads((ROOT / "data" / "sources.lock.toml").read_text(encoding="utf-8"))
    for name, entry in lock.get("sources", {}).items():
        if not (SHARED / "data" / entry["path"]).exists():
            pytest.skip(f"locked source {name} needs ../shared/data/{entry['path']}")
    out = tmp_path / "data"
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_data.py"), "--out", str(out)],
                   check=True, capture_output=True)
    committed = ROOT / "src" / "tongwen" / "data"
    built = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    shipped = sorted(
        p.relative_to(committed) for p in committed.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
        and p.relative_to(committed).parts[0] != MODELS
    )
    assert built == shipped
    for relative in built:
        assert filecmp.cmp(out / relative, committed / relative, shallow=False), relative
