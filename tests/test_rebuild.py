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
#: The character groups table among them, built by tools/build_char_groups.py: checked below.
GROUPS = Path(MODELS) / "char_groups.tsv"


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


def test_rebuild_char_groups_matches_committed_table(tmp_path: Path) -> None:
    """tools/build_char_groups.py gives the committed groups table again, byte for byte."""
    sys.path.insert(0, str(ROOT / "tools"))
    from build_char_groups import SOURCES

    for rel, _, _ in SOURCES:
        if not (SHARED / "data" / rel).exists():
            pytest.skip(f"the groups table needs ../shared/data/{rel}")
    out = tmp_path / "char_groups.tsv"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_char_groups.py"), "--out", str(out)],
        check=True, capture_output=True,
    )
    assert filecmp.cmp(out, ROOT / "src" / "tongwen" / "data" / GROUPS, shallow=False)


def test_retrain_charlm_matches_committed_model(tmp_path: Path) -> None:
    """tools/train_charlm.py gives the committed character model again, byte for byte."""
    sys.path.insert(0, str(ROOT / "tools" / "bench"))
    sys.path.insert(0, str(ROOT / "tools"))
    from repair_accuracy import SPLITS
    from train_charlm import SENTENCE_FILES, WORD_FILES

    needed = [*SENTENCE_FILES, *WORD_FILES,
              *(rel for split in SPLITS.values()
                for rel in split.simplified + split.traditional + split.cantonese)]
    for rel in needed:
        if not (SHARED / "data" / rel).exists():
            pytest.skip(f"the character model needs ../shared/data/{rel}")
    subprocess.run([sys.executable, str(ROOT / "tools" / "train_charlm.py"), "--out",
                    str(tmp_path)], check=True, capture_output=True)
    for name in ("charlm.npz", "charlm.json"):
        assert filecmp.cmp(tmp_path / name, ROOT / "src" / "tongwen" / "data" / MODELS / name,
                           shallow=False), name
