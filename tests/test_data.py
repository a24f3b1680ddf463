"""The data itself: upstream files as copied, tables well formed, schemes consistent."""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import resources

import pytest
from conftest import ROOT

import tongwen
from tongwen.conversion.layers import REMOVES, get_layer
from tongwen.conversion.schemes import SCRIPTS, TARGETS, get_scheme, route, scheme_names
from tongwen.conversion.tables import load_table
from tongwen.text import is_han

DATA = resources.files("tongwen").joinpath("data")
MANIFEST = json.loads(DATA.joinpath("manifest.json").read_text(encoding="utf-8"))
TABLES = sorted(MANIFEST["tables"])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_manifest_hashes_match_the_packaged_files() -> None:
    for relative, digest in MANIFEST["files"].items():
        assert sha256(DATA.joinpath(relative).read_bytes()) == digest, relative


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib")
def test_upstream_files_are_verbatim() -> None:
    import tomllib

    for meta_path in sorted((ROOT / "data" / "upstream").glob("*/UPSTREAM.toml")):
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        assert meta["license"] and meta["version"] and meta["repository"]
        for name, digest in meta["files"].items():
            assert sha256((meta_path.parent / name).read_bytes()) == digest, name


@pytest.mark.parametrize("name", TABLES)
def test_table_is_sorted_unique_and_has_provenance(name: str) -> None:
    text = DATA.joinpath(f"tables/{name}.tsv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = [line for line in lines if line.startswith("#")]
    license = MANIFEST["tables"][name]["license"].split(" ")[0]  # Apache-2.0, CC-BY-SA-4.0
    assert license in ("Apache-2.0", "CC-BY-SA-4.0")
    assert any("from:" in line and license in line for line in header)
    keys = [line.split("\t")[0] for line in lines if not line.startswith("#")]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys)) == MANIFEST["tables"][name]["entries"]


@pytest.mark.parametrize("name", TABLES)
def test_entries_keep_non_han_characters(name: str) -> None:
    for key, values in load_table(name).entries.items():
        assert values and all(values), key
        if not all(is_han(c) for c in key):
            for value in values:
                assert [c for c in key if not is_han(c)] == [c for c in value if not is_han(c)]


def test_every_scheme_names_real_tables() -> None:
    for name in scheme_names():
        for layer in get_scheme(name).layers:
            for table in layer:
                assert table.removeprefix(REMOVES) in MANIFEST["tables"], (name, table)


def test_contested_phrases_are_phrases_the_taiwan_layers_drop() -> None:
    """TWContestedPhrases: STPhrases keys with their STPhrases output, none corrected or
    hand-written; s2tw and s2twp list the table as a removal, and their layer lacks them."""
    contested = load_table("TWContestedPhrases").entries
    st = load_table("STPhrases").entries
    kept = {**load_table("TWUsagePhrases").entries, **load_table("STBoundaryPhrases").entries}
    assert contested
    for key, values in contested.items():
        assert values == st[key][:1], key
        assert key not in kept, key
    for name in ("s2tw", "s2twp"):
        first = get_scheme(name).layers[0]
        assert REMOVES + "TWContestedPhrases" in first
        assert not set(contested) & set(get_layer(first).phrases), name


def test_mined_boundary_phrases_are_new_keys_that_convert_back() -> None:
    """TWMinedBoundaryPhrases: keys no s2t table holds, each value converting back to its
    key (t2s), listed first in the s2tw and s2twp layer after the hand-written ones."""
    mined = load_table("TWMinedBoundaryPhrases").entries
    st = {**load_table("STPhrases").entries, **load_table("STBoundaryPhrases").entries}
    to_s = tongwen.Converter(to="s", source="t", context=False)
    assert mined
    for key, (value, *rest) in mined.items():
        assert key not in st and not rest, key
        assert len(value) == len(key) and to_s.convert(value) == key, key
    for name in ("s2tw", "s2twp"):
        first = get_scheme(name).layers[0]
        assert first.index("TWMinedBoundaryPhrases") < first.index("STPhrases"), name


def test_name_phrases_only_keep_the_model_off() -> None:
    """STNamePhrases: each name's value is what the s2t layer gives it without the model, so
    the table changes nothing but the model's say; every s2X scheme lists it first."""
    names = load_table("STNamePhrases").entries
    layer = get_layer(("STBoundaryPhrases", "STPhrases", "STCharacters"))
    assert names
    for key, values in names.items():
        assert values == (layer.apply_within(key),), key
    for name in ("s2t", "s2tw", "s2twp", "s2hk"):
        assert get_scheme(name).layers[0][:2] == ("STBoundaryPhrases", "STNamePhrases"), name


def test_routes_cover_every_source_and_target() -> None:
    for source in SCRIPTS:
        for target in TARGETS:
            scheme = route(source, target)
            same_family = source == target or (source != "s" and target == "t" and source == "t")
            assert (scheme is None) == same_family, (source, target)


def test_simplified_to_traditional_is_complete() -> None:
    """Every character OpenCC's t2s produces has a way back in s2t."""
    st = load_table("STCharacters").entries
    ts = load_table("TSCharacters").entries
    missing = {v for values in ts.values() for v in values if v not in st} - set(ts)
    # Simplified forms that are also traditional characters need no entry of their own.
    assert all(not is_han(c) or c in ts or c not in st for c in missing)


def test_overrides_have_reasons() -> None:
    for path in sorted((ROOT / "data" / "overrides").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                key, values, reason = line.split("\t")
                assert key and values and reason.strip(), line


def test_context_model_runs_only_where_the_schemes_say() -> None:
    """The schemes name the context model's region; only Simplified to Traditional uses it."""
    contexts = {name: get_scheme(name).context for name in scheme_names()}
    assert {name for name, region in contexts.items() if region} == {
        "s2t", "s2tw", "s2hk", "s2twp"
    }
    assert contexts["s2hk"] == "hk" and contexts["s2tw"] == "shared"
